// Argo CD Applications that read a folder of the deploy branch: the folder must exist in the rendered
// tree being validated, or the Application syncs nothing (and prunes everything).
import { findingFor, type Finding } from './finding';
import type { ManifestSet } from './model';

export function checkApplicationPaths(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  const applications = set.ofKind('Application');
  if (!applications.length) return findings;
  // Read once, not per Application: the environments whose tree (<env>/<app>/<file>) the files show, and
  // every run of whole folder names in the files' paths (`prod/titanium-prod`), which a source path must be.
  const trees = new Set<string>();
  const folders = new Set<string>();
  for (const m of set.manifests) {
    const parts = `/${m.file.replace(/\\/g, '/')}`.split('/');
    if (parts.length >= 4 && parts[parts.length - 2] && parts[parts.length - 1]) trees.add(parts[parts.length - 3]);
    for (let from = 1; from < parts.length - 1; from++) {
      for (let to = from; to < parts.length - 1; to++) folders.add(parts.slice(from, to + 1).join('/'));
    }
  }
  for (const manifest of applications) {
    const path = (manifest.object.spec as { source?: { path?: string } } | undefined)?.source?.path;
    if (!path) continue;
    const environment = path.split('/')[0];
    // Only judged when the environment's tree (<env>/<app>/<file>) is among the files being validated.
    if (!trees.has(environment)) continue;
    if (!folders.has(path.replace(/\/$/, ''))) {
      findings.push(
        findingFor(
          manifest,
          'error',
          'argocd-path',
          'spec.source.path',
          `${path} holds no manifests: the Application would sync nothing and prune what it had`,
        ),
      );
    }
  }
  return findings;
}

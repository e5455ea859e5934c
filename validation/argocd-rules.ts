// Argo CD Applications that read a folder of the deploy branch: the folder must exist in the rendered
// tree being validated, or the Application syncs nothing (and prunes everything).
import { findingFor, type Finding } from './finding';
import type { ManifestSet } from './model';

export function checkApplicationPaths(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  const files = set.manifests.map((m) => `/${m.file.replace(/\\/g, '/')}`);
  for (const manifest of set.ofKind('Application')) {
    const path = (manifest.object.spec as { source?: { path?: string } } | undefined)?.source?.path;
    if (!path) continue;
    const environment = path.split('/')[0];
    // Only judged when the environment's tree (<env>/<app>/<file>) is among the files being validated.
    const tree = new RegExp(`/${environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/]+/[^/]+$`);
    if (!files.some((f) => tree.test(f))) continue;
    if (!files.some((f) => f.includes(`/${path.replace(/\/$/, '')}/`))) {
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

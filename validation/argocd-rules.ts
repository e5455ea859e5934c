// Argo CD Applications that read a folder of a git repository: the folder must exist in the tree
// being validated, or the Application syncs nothing (and prunes everything). A source that is a
// Helm repository's chart (`chart`) reads no folder. In foreign mode an Application may read
// another repository than the one given: a folder missing here is an error only where the files
// show that its repository is the one validated (another Application of the same repoURL reads a
// folder that is among them); otherwise a note says it was not judged.
import { findingFor, type Finding } from './finding';
import type { Manifest } from './manifest';
import type { ManifestSet } from './model';

interface Source {
  readonly manifest: Manifest;
  readonly field: string;
  readonly path: string;
  readonly repository: string;
  readonly repoURL: string;
}

/** `git@github.com:org/repo.git`, `https://github.com/Org/repo/` → `github.com/org/repo`: one repository, however written. */
export function repositoryOf(repoURL: string): string {
  return repoURL
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d+\/)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** The git folders an Application reads: `spec.source` and each of `spec.sources`, without Helm repository charts. */
function sourcesOf(manifest: Manifest): Source[] {
  const spec = (manifest.object.spec ?? {}) as { source?: unknown; sources?: unknown };
  const candidates: [string, unknown][] = [
    ['spec.source', spec.source],
    ...(Array.isArray(spec.sources) ? spec.sources.map((s, i): [string, unknown] => [`spec.sources[${i}]`, s]) : []),
  ];
  return candidates.flatMap(([field, value]) => {
    const source = (value ?? {}) as { path?: unknown; chart?: unknown; repoURL?: unknown };
    if (typeof source.path !== 'string' || !source.path || source.chart !== undefined) return [];
    const repoURL = typeof source.repoURL === 'string' ? source.repoURL : '';
    return [{ manifest, field: `${field}.path`, path: source.path, repository: repositoryOf(repoURL), repoURL }];
  });
}

/**
 * `folders`: folders among the inputs beside those of the manifests (a kustomization's or a Helm
 * chart's, which the reader recognises and does not read as manifests), as `npm run validate` read them.
 */
export function checkApplicationPaths(set: ManifestSet, folders: readonly string[] = []): Finding[] {
  const findings: Finding[] = [];
  const sources = set.ofKind('Application').flatMap(sourcesOf);
  if (!sources.length) return findings;
  // Read once, not per Application: the environments whose tree (<env>/<app>/<file>) the files show, and
  // every run of whole folder names in their paths (`prod/titanium-prod`), one of which a source's path must be.
  const trees = new Set<string>();
  const runs = new Set<string>();
  for (const f of [...set.manifests.map((m) => m.file), ...folders.map((folder) => `${folder.replace(/\/+$/, '')}/`)]) {
    const parts = `/${f.replace(/\\/g, '/')}`.split('/');
    if (parts.length >= 4 && parts[parts.length - 2] && parts[parts.length - 1]) trees.add(parts[parts.length - 3]);
    for (let from = 1; from < parts.length - 1; from++) {
      for (let to = from; to < parts.length - 1; to++) runs.add(parts.slice(from, to + 1).join('/'));
    }
  }
  const holds = (path: string) => runs.has(path.replace(/^\.?\/+|\/+$/g, ''));
  // Repositories the files show to be the one validated: an Application of them reads a folder that is here.
  const validated = new Set(sources.filter((s) => s.repository && holds(s.path)).map((s) => s.repository));
  for (const { manifest, field, path, repository, repoURL } of sources) {
    const environment = path.split('/')[0];
    // Only judged when the environment's tree (<env>/<app>/<file>) is among the files being validated.
    if (!trees.has(environment) || holds(path)) continue;
    const prunes = 'the Application would sync nothing and prune what it had';
    if (set.project) {
      findings.push(findingFor(manifest, 'error', 'argocd-path', field, `${path} holds no manifests: ${prunes}`));
    } else if (validated.has(repository)) {
      findings.push(
        findingFor(
          manifest,
          'error',
          'argocd-path',
          field,
          `${path} is no folder among these files, which hold the folders other Applications read from ${repoURL}: ${prunes}`,
        ),
      );
    } else {
      findings.push(
        findingFor(
          manifest,
          'note',
          'argocd-path',
          field,
          `${path} is no folder among these files, and nothing here shows that ${repoURL || 'its repository'} is the repository validated (no Application of it reads a folder that is among them): assumed to be a folder of another repository, not judged`,
        ),
      );
    }
  }
  return findings;
}

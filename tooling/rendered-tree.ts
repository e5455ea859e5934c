// Reads an environment's rendered tree back from a git ref (the deploy branch), with the layout
// `<env>/<app>/<kind>-<name>.yaml`, parsed as validation reads any YAML (validation/read-manifests.ts).
// A folder on disk is read with readManifests.
import { git, tryGit } from './git';
import type { TreeManifest } from '../validation/manifest';
import { parseManifests } from '../validation/read-manifests';

/** Whether `ref` names a commit in the repository at `cwd`. */
export function refExists(cwd: string, ref: string): boolean {
  return tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd }).status === 0;
}

/** The rendered object files, `<env>/<app>/….yaml`, at a git ref. */
export function renderedPathsAt(cwd: string, ref: string, environment: string): string[] {
  return git(['ls-tree', '-r', '--name-only', ref, '--', `${environment}/`], { cwd })
    .split('\n')
    .filter((p) => (p.endsWith('.yaml') || p.endsWith('.yml')) && p.split('/').length >= 3);
}

/**
 * The manifests of `<env>/` at a git ref, read in one `git cat-file --batch` call; `file` is the
 * path in the ref's tree. Documents that are not Kubernetes objects are left out.
 */
export function readRenderedRef(cwd: string, ref: string, environment: string): TreeManifest[] {
  const paths = renderedPathsAt(cwd, ref, environment);
  if (paths.length === 0) return [];
  const batch = git(['cat-file', '--batch'], { cwd, input: paths.map((p) => `${ref}:${p}\n`).join('') });
  const found: TreeManifest[] = [];
  let offset = 0;
  for (const file of paths) {
    const headerEnd = batch.indexOf('\n', offset);
    const size = Number(batch.slice(offset, headerEnd).split(' ')[2]);
    // Sizes are in bytes; slice by bytes so multi-byte characters (the Korean seed row) stay intact.
    const content = Buffer.from(batch.slice(headerEnd + 1), 'utf8')
      .subarray(0, size)
      .toString('utf8');
    const path = file.slice(environment.length + 1);
    found.push(...parseManifests(content, file).manifests.map((manifest) => ({ ...manifest, path })));
    offset = headerEnd + 1 + content.length + 1;
  }
  return found;
}

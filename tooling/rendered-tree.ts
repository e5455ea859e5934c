// Reads rendered objects back: from a folder on disk or from a git ref (the deploy branch), with the
// layout `<env>/<app>/<kind>-<name>.yaml`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { git, tryGit } from './git';
import type { KubeObject } from '../validation/manifest';
import type { LocatedObject } from './object-diff';

function objectsIn(text: string, app: string): LocatedObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => !!object && typeof object === 'object' && 'kind' in object)
    .map((object) => ({ app, object }));
}

/** Every `.yaml` file under `<root>/<app>/`, with the app taken from its first folder. */
export function readRenderedFolder(root: string): LocatedObject[] {
  if (!existsSync(root)) return [];
  const found: LocatedObject[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.yaml') || entry.endsWith('.yml')) {
        const app = relative(root, path).split(sep)[0];
        found.push(...objectsIn(readFileSync(path, 'utf8'), app));
      }
    }
  };
  walk(root);
  return found;
}

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

/** The objects of `<env>/` at a git ref, read in one `git cat-file --batch` call. */
export function readRenderedRef(cwd: string, ref: string, environment: string): LocatedObject[] {
  const paths = renderedPathsAt(cwd, ref, environment);
  if (paths.length === 0) return [];
  const batch = git(['cat-file', '--batch'], { cwd, input: paths.map((p) => `${ref}:${p}\n`).join('') });
  const found: LocatedObject[] = [];
  let offset = 0;
  for (const path of paths) {
    const headerEnd = batch.indexOf('\n', offset);
    const size = Number(batch.slice(offset, headerEnd).split(' ')[2]);
    // Sizes are in bytes; slice by bytes so multi-byte characters (the Korean seed row) stay intact.
    const content = Buffer.from(batch.slice(headerEnd + 1), 'utf8').subarray(0, size).toString('utf8');
    found.push(...objectsIn(content, path.split('/')[1]));
    offset = headerEnd + 1 + content.length + 1;
  }
  return found;
}

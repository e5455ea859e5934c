// Reads Kubernetes YAML into manifests, with the construct path of objects this project rendered
// (from the comment synth writes above them): files and folders (multi-document files included), or
// one text, such as a file at a git ref (tooling/rendered-tree.ts). The one parser of YAML manifests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject, Manifest } from './manifest';
import type { Finding } from './finding';

export interface ReadResult {
  readonly manifests: Manifest[];
  /** YAML that does not parse, or documents that are not Kubernetes objects. */
  readonly problems: Finding[];
  readonly files: string[];
}

/** Folders of merge patches (argocd/<env>/patches/), which are YAML but not objects. */
const PATCH_FOLDER = 'patches';

/** The YAML files at `path` (a file, or a folder walked in sorted order), without patch folders. */
export function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .filter((entry) => !entry.startsWith('.') && entry !== PATCH_FOLDER)
    .flatMap((entry) => {
      const child = join(path, entry);
      return statSync(child).isDirectory() ? yamlFiles(child) : /\.ya?ml$/.test(entry) ? [child] : [];
    });
}

/** The manifests of one YAML text (any number of documents), as read from `file`. */
export function parseManifests(text: string, file: string): { manifests: Manifest[]; problems: Finding[] } {
  const manifests: Manifest[] = [];
  const problems: Finding[] = [];
  const lines = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    if (doc.errors.length) {
      for (const error of doc.errors) {
        const { line } = lines.linePos(error.pos[0]);
        problems.push({ severity: 'error', rule: 'yaml', file, field: `line ${line}`, message: error.message.split('\n')[0] });
      }
      continue;
    }
    const object = doc.toJS() as KubeObject | null;
    if (object === null) continue;
    if (typeof object !== 'object' || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      const { line } = lines.linePos(doc.range[0]);
      problems.push({
        severity: 'error',
        rule: 'yaml',
        file,
        field: `line ${line}`,
        message: 'not a Kubernetes object (no apiVersion and kind)',
      });
      continue;
    }
    // The yaml library hangs a leading comment on the document, its top map or its first key.
    const contents = doc.contents as { commentBefore?: string | null; items?: { key?: { commentBefore?: string | null } }[] } | null;
    const comment = doc.commentBefore ?? contents?.commentBefore ?? contents?.items?.[0]?.key?.commentBefore ?? '';
    const construct = /Rendered from construct (\S+?):/.exec(comment)?.[1];
    manifests.push({ object, file, ...(construct ? { constructPath: construct } : {}) });
  }
  return { manifests, problems };
}

/** The manifests of files and folders (walked as `yamlFiles` does); a path that does not exist is a problem. */
export function readManifests(paths: readonly string[]): ReadResult {
  const manifests: Manifest[] = [];
  const problems: Finding[] = [];
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push({ severity: 'error', rule: 'yaml', file: path, message: 'no such file or folder' });
      continue;
    }
    for (const file of yamlFiles(path)) {
      files.push(file);
      const parsed = parseManifests(readFileSync(file, 'utf8'), file);
      manifests.push(...parsed.manifests);
      problems.push(...parsed.problems);
    }
  }
  return { manifests, problems, files };
}

// Replaces one environment's folder as a whole: files go to a staging folder beside it, which is
// renamed into place only when everything is written. A failure leaves the old folder untouched. A
// folder that already holds exactly these files is left alone: rewriting identical bytes would cost
// most of a re-render's write time and touch every file's mtime (editors, watchers, rsync notice).
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface OutputFile {
  /** Path relative to the environment's folder. */
  readonly path: string;
  readonly content: string;
}

/** Whether `target` holds these files with this content, and nothing else (no symbolic links either). */
export function holdsExactly(target: string, files: readonly OutputFile[]): boolean {
  let entries: Dirent[];
  try {
    if (!lstatSync(target).isDirectory()) return false;
    entries = readdirSync(target, { recursive: true, withFileTypes: true });
  } catch {
    return false;
  }
  // Every entry must be an expected file or one of their folders: anything else is stale.
  const folders = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file.path); dir !== '.'; dir = dirname(dir)) folders.add(join(dir));
  }
  const expectedFiles = new Set(files.map((file) => join(file.path)));
  if (entries.length !== folders.size + expectedFiles.size) return false;
  for (const entry of entries) {
    const path = relative(target, join(entry.parentPath, entry.name));
    if (!(entry.isDirectory() ? folders.has(path) : entry.isFile() && expectedFiles.has(path))) return false;
  }
  return files.every((file) => readFileSync(join(target, file.path), 'utf8') === file.content);
}

/** Makes `target` hold exactly `files`; false when it already did (nothing was written). */
export function replaceFolder(target: string, files: readonly OutputFile[]): boolean {
  if (holdsExactly(target, files)) return false;
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  // Dot-prefixed siblings on the same filesystem, so the final renames are atomic.
  const staging = mkdtempSync(join(parent, '.staging-'));
  chmodSync(staging, 0o755); // mkdtemp's 0700 would carry over to the final folder
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(target)) {
    const previous = `${staging}.previous`;
    renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
  } else {
    renameSync(staging, target);
  }
  return true;
}

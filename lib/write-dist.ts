// Replaces one environment's folder as a whole: files go to a staging folder beside it, which is
// renamed into place only when everything is written. A failure leaves the old folder untouched. A
// folder that already holds exactly these files is left alone: rewriting identical bytes would cost
// most of a re-render's write time and touch every file's mtime (editors, watchers, rsync notice).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OutputFile {
  /** Path relative to the environment's folder. */
  readonly path: string;
  readonly content: string;
}

/** Whether `target` holds these files with this content, and nothing else. */
export function holdsExactly(target: string, files: readonly OutputFile[]): boolean {
  let entries: string[];
  try {
    entries = readdirSync(target, { recursive: true, encoding: 'utf8' });
  } catch {
    return false;
  }
  // Every entry must be an expected file or one of their folders: anything else is stale.
  const expected = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file.path); dir !== '.'; dir = dirname(dir)) expected.add(join(dir));
  }
  for (const file of files) expected.add(join(file.path));
  if (entries.length !== expected.size || !entries.every((entry) => expected.has(entry))) return false;
  return files.every((file) => {
    try {
      return readFileSync(join(target, file.path), 'utf8') === file.content;
    } catch {
      return false; // a folder where a file belongs
    }
  });
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

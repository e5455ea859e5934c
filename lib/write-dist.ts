// Replaces one environment's folder as a whole: files go to a staging folder beside it, which is
// renamed into place only when everything is written. A failure leaves the old folder untouched.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OutputFile {
  /** Path relative to the environment's folder. */
  readonly path: string;
  readonly content: string;
}

export function replaceFolder(target: string, files: readonly OutputFile[]): void {
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
}

// A copy of this project as a stranger's checkout has it: every tracked and new file as it is in
// the working tree (not build/, dist/ or other ignored output), committed in a git repository of
// its own under the temp folder (no ../shared beside it), with this checkout's packages linked in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyWorkingTree } from '../../tooling/project-copy';
import { ROOT } from './cli';

export function projectCopy(label: string): string {
  const copy = mkdtempSync(join(tmpdir(), `titanium-${label}-`));
  copyWorkingTree(ROOT, copy);
  return copy;
}

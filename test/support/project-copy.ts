// A copy of this project as a stranger's checkout has it: every tracked and new file as it is in
// the working tree (not build/, dist/ or other ignored output), committed in a git repository of
// its own under the temp folder (no ../shared beside it), with this checkout's packages linked in.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitIdentity } from '../../tooling/git';
import { ROOT } from './cli';

export function projectCopy(label: string): string {
  const copy = mkdtempSync(join(tmpdir(), `titanium-${label}-`));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // A checkout: synth records the commit it renders.
  for (const args of [
    ['init', '--quiet'],
    ['add', '--all'],
    ['commit', '--quiet', '--message', 'the project as it is'],
  ]) {
    const run = spawnSync('git', args, { cwd: copy, encoding: 'utf8', env: { ...process.env, ...commitIdentity(copy) } });
    if (run.status !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr}`);
  }
  return copy;
}

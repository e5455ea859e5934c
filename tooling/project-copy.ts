// A copy of a checkout's working tree as a stranger's clone would hold it, for the commands and
// tests that run the project somewhere else (`npm run bench -- --scale`, test/support/project-copy.ts).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commitIdentity } from './git';

/**
 * Every tracked and new file of `root` as it is in the working tree (not build/, dist/ or other
 * ignored output) copied to `copy`, with `root`'s packages linked in, committed in a git repository
 * of its own so that synth records a clean commit. Nothing is written to `root`.
 */
export function copyWorkingTree(root: string, copy: string, message = 'the project as it is'): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(root, file), join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  git(copy, ['init', '--quiet']);
  commitAll(copy, message);
}

function git(cwd: string, args: readonly string[]): void {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...commitIdentity(cwd) } });
  if (run.status !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr}`);
}

/** Everything in the copy's working tree committed (a commit also when nothing changed). */
export function commitAll(cwd: string, message: string): void {
  git(cwd, ['add', '--all']);
  git(cwd, ['commit', '--quiet', '--allow-empty', '--message', message]);
}

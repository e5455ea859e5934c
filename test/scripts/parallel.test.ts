// scripts/parallel.cjs, which `npm run lint` runs ESLint and Prettier through: every command runs
// to its end, each one's output is kept, and one failure fails the whole.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

const parallel = (...commands: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'parallel.cjs'), ...commands], { encoding: 'utf8' });

test('all succeed: exit 0, every output', () => {
  const run = parallel('echo one', 'echo two');
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('one\ntwo\n');
});

test('one fails: the others still finish, exit 1, the failure named', () => {
  const run = parallel('echo broken >&2; exit 3', 'sleep 0.2; echo finished');
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('broken\nfinished\n');
  expect(run.stderr).toBe('failed: echo broken >&2; exit 3 (exit 3)\n');
});

// scripts/test.cjs, which `npm test` is: its steps one after another, the lint beside them, every
// output kept, one failure anywhere fails the whole, and jest's options passed on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

const RUNNER = join(ROOT, 'scripts', 'test.cjs');
const { testPlan } = require(RUNNER) as {
  testPlan: (jestArgs: string[], now: number) => { steps: (string | string[])[]; beside: string[] };
};

/** runSideBySide(steps, beside) in a process of its own, as `npm test` runs it. */
const sideBySide = (steps: string[], beside: string[]) =>
  spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(RUNNER)}).runSideBySide(${JSON.stringify(steps)}, ${JSON.stringify(beside)}).then((c) => (process.exitCode = c))`,
    ],
    { encoding: 'utf8' },
  );

test('the steps run in order while the command beside them runs; its output comes after theirs', () => {
  const flag = join(mkdtempSync(join(tmpdir(), 'titanium-test-runner-')), 'lint-started');
  // The first step waits for the command beside it to have started: they overlap, or this fails.
  const waitForFlag = `for i in $(seq 100); do [ -e '${flag}' ] && break; sleep 0.05; done; [ -e '${flag}' ] && echo step-1`;
  const run = sideBySide([waitForFlag, 'echo step-2'], [`touch '${flag}'; echo lint`]);
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('step-1\nstep-2\nlint\n');
  expect(run.status).toBe(0);
});

test('a failing step stops the steps after it; the command beside still finishes; exit 1, the failure named', () => {
  const run = sideBySide(['echo type error; exit 2', 'echo never'], ['sleep 0.2; echo lint finished']);
  expect(run.stdout).toBe('type error\nlint finished\n');
  expect(run.stderr).toBe('failed: echo type error; exit 2 (exit 2)\n');
  expect(run.status).toBe(1);
});

test('a failing command beside fails the run after every step has run, its output kept', () => {
  const run = sideBySide(['echo tests passed'], ['echo misformatted.ts >&2; exit 1']);
  // Kept output is printed whole, on stdout (as scripts/parallel.cjs does): its two streams stay in their order.
  expect(run.stdout).toBe('tests passed\nmisformatted.ts\n');
  expect(run.stderr).toBe('failed: echo misformatted.ts >&2; exit 1 (exit 1)\n');
  expect(run.status).toBe(1);
});

test("npm test's plan: the type check, the bundles, their mark as of the check's start, then jest with the options after `--`; the lint beside", () => {
  const { steps, beside } = testPlan(['-u', '--testNamePattern', 'a b'], 1767225600000);
  const scripts = (require(join(ROOT, 'package.json')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.test).toBe('node scripts/test.cjs');
  expect(steps.slice(0, 3)).toEqual([
    'npm run --silent typecheck',
    'node scripts/build.cjs',
    // Files saved after the type check began stay unchecked.
    'node scripts/build.cjs --checked-by-tsc --since 1767225600000',
  ]);
  const jest = steps[3] as string[];
  expect(jest.slice(-3)).toEqual(['-u', '--testNamePattern', 'a b']);
  expect(existsSync(jest[1])).toBe(true);
  expect(beside).toEqual(['npm run --silent lint']);
  // Every npm script the plan runs exists, so a rename in package.json cannot leave npm test running nothing.
  const named = [...steps, ...beside].flatMap((step) =>
    typeof step === 'string' ? (/^npm run --silent (\S+)/.exec(step)?.slice(1) ?? []) : [],
  );
  expect(named).toEqual(['typecheck', 'lint']);
  expect(Object.keys(scripts)).toEqual(expect.arrayContaining(named));
});

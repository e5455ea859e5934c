// The benchmark's arithmetic and set-up, and one real round of `npm run bench` (kubectl needed).
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import {
  alternatingSchedule,
  benchOptions,
  formatReport,
  formatTestsReport,
  kustomizationListing,
  median,
  ratioOf,
  startUpBreakdown,
  TESTS_BUDGET_SECONDS,
  type BenchReport,
} from '../../tooling/bench';
import { ROOT } from '../support/cli';

test('median of odd and even counts, unsorted input', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(() => median([])).toThrow('median of no values');
});

test('the schedule alternates direction so no command always follows the same one', () => {
  expect(alternatingSchedule(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c']);
});

test('the kustomization lists every file, sorted, as a resource', () => {
  const text = kustomizationListing(['b/x.yaml', 'a/y.yaml']);
  expect(parse(text)).toEqual({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['a/y.yaml', 'b/x.yaml'],
  });
});

test('the report gives medians, ratios to the baseline and the verdict', () => {
  const report: BenchReport = {
    objects: 78,
    runs: 3,
    timings: [
      { label: 'synth', seconds: [0.5, 0.4, 0.45] },
      { label: 'kustomize', seconds: [0.2, 0.2, 0.21] },
    ],
    compared: ['synth'],
    baseline: 'kustomize',
    budget: 2.5,
  };
  expect(ratioOf(report, 'synth')).toBeCloseTo(2.25);
  const text = formatReport(report);
  expect(text).toContain('| synth | 0.450 | 0.400–0.500 | 2.25× |');
  expect(text).toContain('synth: 2.25× kustomize, within the 2.5× budget.');
  expect(formatReport({ ...report, budget: 2 })).toContain('OVER the 2× budget');
});

test('the start-up breakdown: what npm and Node cost before synth runs, and what the budget leaves', () => {
  const lines = startUpBreakdown({ npmRun: 0.7, script: 0.4, nodeStart: 0.1, baseline: 0.2, baselineLabel: 'kustomize', budget: 2.5 });
  expect(lines).toEqual([
    'Before synth does anything: npm 0.300 s + Node 0.100 s = 0.400 s, 2.00× kustomize.',
    'The 2.5× budget (0.500 s) leaves 0.100 s for loading, rendering, validating, asking git and writing; they take 0.300 s.',
  ]);
  // start-up alone over the budget leaves nothing, not a negative time
  expect(startUpBreakdown({ npmRun: 0.7, script: 0.4, nodeStart: 0.1, baseline: 0.1, baselineLabel: 'k', budget: 2 })[1]).toContain(
    'leaves 0.000 s',
  );
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl) console.warn('npm run bench not exercised: no kubectl on this machine');

(kubectl ? test : test.skip)(
  'one round of npm run bench measures all four commands on the same objects',
  () => {
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--runs', '1', '--rebuilds', '0', '--budget', '1000'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ objects, 1 alternating runs each/);
    expect(run.stdout).toMatch(/^\| `npm run synth` \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^\| `node scripts\/run\.cjs main` \(what npm runs\) \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^\| `kubectl kustomize` \| \d\.\d{3} \| .* \| 1\.00× \|$/m);
    expect(run.stdout).toMatch(/^\| `node -e 0` \(Node start-up\) \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^Before synth does anything: npm -?\d\.\d{3} s \+ Node \d\.\d{3} s = /m);
    expect(run.stdout).toMatch(/^`npm run synth`: \d+\.\d\d× `kubectl kustomize`, within the 1000× budget\.$/m);
    expect(run.stdout).toMatch(
      /^`node scripts\/run\.cjs main` \(what npm runs\): \d+\.\d\d× `kubectl kustomize`, within the 1000× budget\.$/m,
    );
  },
  60_000,
);

test('bad options are refused before anything runs', () => {
  const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--runs', '0'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--runs must be a whole number');
});

test('options: the synth bench by default, --tests once against 60 s unless told otherwise', () => {
  expect(benchOptions({})).toEqual({ mode: 'synth', runs: 7, env: 'prod', budget: 2.5, rebuilds: 3 });
  expect(benchOptions({ runs: '3', env: 'dev', budget: '2', rebuilds: '0' })).toEqual({
    mode: 'synth',
    runs: 3,
    env: 'dev',
    budget: 2,
    rebuilds: 0,
  });
  expect(TESTS_BUDGET_SECONDS).toBe(60);
  expect(benchOptions({ tests: true })).toEqual({ mode: 'tests', runs: 1, budget: 60 });
  expect(benchOptions({ tests: true, runs: '3', budget: '90' })).toEqual({ mode: 'tests', runs: 3, budget: 90 });
});

test('options: what does not fit is refused with the reason', () => {
  expect(benchOptions({ tests: true, runs: '0' })).toEqual({ error: '--runs must be a whole number ≥ 1' });
  expect(benchOptions({ tests: true, runs: '1.5' })).toEqual({ error: '--runs must be a whole number ≥ 1' });
  expect(benchOptions({ tests: true, budget: '-1' })).toEqual({ error: '--budget (seconds, with --tests) must be > 0' });
  expect(benchOptions({ tests: true, env: 'dev', rebuilds: '1' })).toEqual({
    error: '--env and --rebuilds only apply to the synth bench, not to --tests',
  });
  expect(benchOptions({ rebuilds: '-1' })).toEqual({ error: '--runs must be a whole number ≥ 1, --rebuilds ≥ 0 and --budget > 0' });
});

test('the tests report: the median against the budget, and whether outside inputs were required', () => {
  expect(formatTestsReport([41.23], 60, true)).toEqual([
    '`npm test`: 41.2 s (one run), within the 60 s budget.',
    'TITANIUM_STRICT=1: the promtool and CRD tests ran (or failed).',
  ]);
  const [line, strictness] = formatTestsReport([70, 50, 62], 60, false);
  expect(line).toBe('`npm test`: 62.0 s (median of 3 runs, 50.0–70.0 s), OVER the 60 s budget.');
  expect(strictness).toMatch(/^TITANIUM_STRICT unset: .* skipped/);
});

test('--tests with an option of the synth bench is refused before anything runs', () => {
  const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--tests', '--rebuilds', '2'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--rebuilds only apply to the synth bench, not to --tests');
  expect(run.stderr).toContain('npm run bench -- --tests [--runs 1] [--budget 60]');
});

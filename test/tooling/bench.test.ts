// The benchmark's arithmetic and set-up, and one real round of `npm run bench` (kubectl needed);
// --scale's generated platform, exponent, table, goals and plot (its real run: bench.e2e.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { platformConfig } from '../../config';
import type * as Config from '../../config';
import { renderEnvironment } from '../../synth/synth';
import { QUOTA_FIELDS, quotaAllows, quotaNeeds, quotaWorkloads } from '../../validation/quota';
import {
  DEFAULT_SCALE_SIZES,
  formatGoals,
  formatScaleTable,
  generatedPlatform,
  growthExponent,
  SCALE_GOALS,
  scaledSources,
  scaleGoals,
  scaleSizes,
  scaleSourceFiles,
  scaleSvg,
  withGenerated,
  type ScaleRow,
  type ScaleSources,
} from '../../tooling/bench-scale';
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
import { ROOT, runBuilt } from '../support/cli';

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

test('bad options are refused before anything runs', () => {
  const run = runBuilt('scripts/bench.js', ['--runs', '0']);
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
  expect(benchOptions({ sizes: '4' })).toEqual({ error: '--sizes only applies to --scale' });
  expect(benchOptions({ sizes: '4', svg: 'a.svg' })).toEqual({ error: '--sizes and --svg only apply to --scale' });
  expect(benchOptions({ tests: true, scale: true })).toEqual({ error: '--tests and --scale are two different benches: give one' });
});

test('the tests report: the median against the budget, and whether outside inputs were required', () => {
  expect(formatTestsReport([41.23], 60, true)).toEqual([
    '`npm test`: 41.2 s (one run), within the 60 s budget.',
    'TITANIUM_STRICT=1: the promtool and CRD tests ran (or failed).',
  ]);
  const [line, strictness] = formatTestsReport([70, 50, 62], 60, false);
  expect(line).toBe('`npm test`: 62.0 s (median of 3 runs, 50.0–70.0 s), OVER the 60 s budget.');
  expect(strictness).toMatch(/^TITANIUM_STRICT unset: .* skipped/);
  // With the CPU time of each run, where the system tells it.
  expect(formatTestsReport([50, 56, 53], 60, true, [96, 110, 101])[1]).toBe(
    'CPU: 101.0 s (median, 96.0–110.0 s), 1.91 cores busy on average.',
  );
  expect(formatTestsReport([50], 60, true, [96])[1]).toBe('CPU: 96.0 s, 1.92 cores busy on average.');
});

test('--tests with an option of the synth bench is refused before anything runs', () => {
  const run = runBuilt('scripts/bench.js', ['--tests', '--rebuilds', '2']);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--rebuilds only apply to the synth bench, not to --tests');
  expect(run.stderr).toContain('npm run bench -- --tests [--runs 1] [--budget 60]');
});

test('options: --scale measures the issue 15 sizes once each unless told otherwise, the plot only when asked', () => {
  expect(DEFAULT_SCALE_SIZES).toEqual([4, 64, 256, 1024, 2500]);
  expect(benchOptions({ scale: true })).toEqual({ mode: 'scale', runs: 1, sizes: DEFAULT_SCALE_SIZES, svg: undefined });
  expect(benchOptions({ scale: true, sizes: '256, 4,64,4', runs: '3', svg: 'docs/speed-scale.svg' })).toEqual({
    mode: 'scale',
    runs: 3,
    sizes: [4, 64, 256],
    svg: 'docs/speed-scale.svg',
  });
  expect(benchOptions({ scale: true, sizes: '4,,8' })).toEqual({
    error: '--sizes "4,,8": expected whole numbers of services ≥ 1, comma-separated (got "")',
  });
  expect(scaleSizes('4,2.5')).toEqual({ error: '--sizes "4,2.5": expected whole numbers of services ≥ 1, comma-separated (got "2.5")' });
  expect(scaleSizes('0')).toHaveProperty('error');
  expect(benchOptions({ scale: true, env: 'local', budget: '2' })).toEqual({
    error: '--env and --budget do not apply to --scale (prod, goals of issue 15)',
  });
  expect(benchOptions({ scale: true, svg: '' })).toEqual({ error: '--svg needs a file name' });
});

test('--scale with sizes below what the config has is refused before anything is copied', () => {
  const below = platformConfig('prod').services.length - 1;
  const run = runBuilt('scripts/bench.js', ['--scale', '--sizes', String(below)]);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`a platform of ${below} services: expected a whole number ≥ ${below + 1}`);
  expect(run.stderr).not.toContain('copying');
});

describe('the generated platform', () => {
  const base = platformConfig('prod');
  const own = base.services.length;
  const generated = generatedPlatform(base, own + 8);
  const names = generated.services.map((s) => s.name);
  const ownNames = new Set(base.services.map((s) => s.name));

  test("at the config's own size: nothing added, the quota as written", () => {
    expect(generatedPlatform(base, own)).toEqual({ services: [], edges: [], quota: base.environment.resourceQuota });
    expect(() => generatedPlatform(base, own - 1)).toThrow(`a platform of ${own - 1} services: expected a whole number ≥ ${own}`);
  });

  test('is deterministic, with new names, URLs and images', () => {
    expect(generatedPlatform(base, own + 8)).toEqual(generated);
    expect(names).toEqual(Array.from({ length: 8 }, (_, i) => `service-000${i + 1}`));
    expect(names.some((name) => ownNames.has(name))).toBe(false);
    expect(new Set(generated.services.map((s) => s.urlEnvVar)).size).toBe(8);
    expect(new Set(generated.services.map((s) => s.image.repository)).size).toBe(8);
    expect(generatedPlatform(base, own + 10_000).services.at(-1)!.name).toBe('service-10000');
  });

  test('every generated service has one caller, and calls what the real service it is shaped like calls', () => {
    const gateway = base.services.find((s) => s.component === 'gateway')!;
    for (const [index, service] of generated.services.entries()) {
      const callers = generated.edges.filter((e) => e.to === service.name).map((e) => e.from);
      expect(callers).toEqual([index % 4 === 0 ? gateway.name : names[index - 1]]);
      const template = base.services.find((s) => service.description.endsWith(`shaped like ${s.name}`))!;
      expect(template.component).not.toBe('gateway');
      const calls = (from: string) => [...base.callGraph.edges, ...generated.edges].filter((e) => e.from === from && !names.includes(e.to));
      expect(calls(service.name).map((e) => e.to)).toEqual(calls(template.name).map((e) => e.to));
      expect(service).toMatchObject({ healthPath: template.healthPath, secretEnv: template.secretEnv, slowStart: template.slowStart });
    }
    // Between them the generated services call real services and both datastores: those objects grow too.
    const called = new Set(generated.edges.map((e) => e.to));
    expect([...ownNames].filter((name) => called.has(name)).length).toBeGreaterThan(0);
    expect(called.has(base.postgresql.name) && called.has(base.redis.name)).toBe(true);
  });

  test('the quota is raised to fit the platform at full scale', () => {
    const config = withGenerated(base, generated);
    const needs = quotaNeeds(quotaWorkloads(config));
    for (const field of QUOTA_FIELDS) {
      expect(needs[field]).toBeLessThanOrEqual(quotaAllows(config.environment.resourceQuota!, field).value!);
      expect(needs[field]).toBeGreaterThan(quotaNeeds(quotaWorkloads(base))[field]);
    }
  });

  test('renders without findings, each generated service with its own workload, policy and autoscaling objects', () => {
    const { manifests, findings } = renderEnvironment(withGenerated(base, generated));
    expect(findings).toEqual([]);
    for (const name of names) {
      for (const kind of [
        'ServiceAccount',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'AuthorizationPolicy',
      ]) {
        expect(manifests.some((m) => m.object.kind === kind && m.object.metadata?.name === name)).toBe(true);
      }
    }
  });

  test("written into a copy of config/, the copy's platformConfig is that platform", () => {
    const copy = mkdtempSync(join(tmpdir(), 'titanium-bench-config-'));
    try {
      cpSync(join(ROOT, 'config'), join(copy, 'config'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
      const files = scaleSourceFiles('prod');
      const keys = Object.keys(files) as (keyof ScaleSources)[];
      const sources = Object.fromEntries(keys.map((k) => [k, readFileSync(join(copy, files[k]), 'utf8')])) as ScaleSources;
      const edited = scaledSources(sources, generated, 'prod');
      for (const key of keys) writeFileSync(join(copy, files[key]), edited[key]);
      const copied = jest.requireActual<typeof Config>(join(copy, 'config'));
      expect(copied.platformConfig('prod')).toEqual(withGenerated(base, generated));
      // Each generated image is taken from the catalogue, as the real ones are.
      expect(edited.services).toContain(`{ image: images["${names[0]}"], "name":"${names[0]}"`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a config file of another shape is refused, naming it', () => {
    const sources: ScaleSources = { images: '', services: '', callGraph: '', environment: '' };
    expect(() => scaledSources(sources, generated, 'prod')).toThrow(
      /^config\/images\.ts: expected "} satisfies Record<string, ImageRef>;"/,
    );
    const real = (file: string) => readFileSync(join(ROOT, file), 'utf8');
    const files = scaleSourceFiles('prod');
    const shapes = { images: real(files.images), services: real(files.services), callGraph: real(files.callGraph), environment: '' };
    expect(() => scaledSources(shapes, generated, 'prod')).toThrow(
      /^config\/environments\/prod\.ts: expected a "resourceQuota: \{ … \}," block/,
    );
    expect(() => scaledSources({ ...shapes, callGraph: 'edges: []' }, generated, 'prod')).toThrow(
      'config/call-graph.ts: expected "  edges: [" … "  ]," in callGraph',
    );
  });
});

test('the growth exponent: 1 for linear, 2 for quadratic, refused without growth', () => {
  expect(growthExponent({ work: 8_000, seconds: 2 }, { work: 20_000, seconds: 5 })).toBeCloseTo(1);
  expect(growthExponent({ work: 8_000, seconds: 2 }, { work: 20_000, seconds: 12.5 })).toBeCloseTo(2);
  expect(() => growthExponent({ work: 10, seconds: 1 }, { work: 10, seconds: 2 })).toThrow('no growth exponent between 10 and 10 objects');
});

const row = (services: number, synthSeconds: number, validateSeconds: number, peakMiB?: number): ScaleRow => ({
  services,
  objects: services * 8 + 50,
  synthSeconds,
  validated: services * 8 + 47,
  validateSeconds,
  // Where the peak is known, so is the CPU time: the same record.
  ...(peakMiB === undefined
    ? {}
    : {
        synthCpuSeconds: synthSeconds * 0.9,
        validateCpuSeconds: validateSeconds * 0.9,
        synthPeakBytes: peakMiB * 2 ** 20,
        validatePeakBytes: (peakMiB / 2) * 2 ** 20,
      }),
});

test('the scale table: a row per size and the exponents between the last two', () => {
  const text = formatScaleTable([row(1024, 2, 1, 300), row(2500, 5, 2.5, 400)], 1);
  expect(text).toMatch(/^Seconds are wall clock from start to exit \(Node's start-up included\), one run per size;/);
  expect(text).toContain('| 1,024 | 8,242 | 2.00 | 1.80 | 1.00 | 0.90 | 8,239 | 300 | 150 |');
  expect(text).toContain('| 2,500 | 20,050 | 5.00 | 4.50 | 2.50 | 2.25 | 8,019 | 400 | 200 |');
  expect(text).toMatch(/Growth exponent from 1,024 to 2,500 services, .*: synth 1\.03 \(CPU 1\.03\), validate 1\.03 \(CPU 1\.03\) /);
  // Where the platform reports no usage: n/a, and the exponent of wall clock only.
  const unknown = formatScaleTable([row(1024, 2, 1), row(2500, 5, 2.5)], 1);
  expect(unknown).toContain('| 2,500 | 20,050 | 5.00 | n/a | 2.50 | n/a | 8,019 | n/a | n/a |');
  expect(unknown).toMatch(/: synth 1\.03, validate 1\.03 \(1 is linear/);
  expect(formatScaleTable([row(4, 1, 1)], 3)).not.toContain('Growth exponent');
  expect(formatScaleTable([row(4, 1, 1)], 3)).toContain('medians of 3 runs');
});

test('the goals: pass and fail at 2,500 services, not measured below it', () => {
  const verdicts = (rows: ScaleRow[]) => scaleGoals(rows).map((g) => g.verdict);
  // 20,050 objects: 8 s and 3 s (6,683 objects/s), exponent 1.03, 300 MiB.
  expect(verdicts([row(1024, 3.2, 1.2, 300), row(2500, 8, 3, 300)])).toEqual(['pass', 'pass', 'pass', 'pass']);
  const missed = scaleGoals([row(1024, 2, 1, 900), row(2500, 12, 5, 1100)]);
  expect(missed.map((g) => g.verdict)).toEqual(['FAIL', 'FAIL', 'FAIL', 'FAIL']);
  expect(formatGoals(missed)).toContain(
    `FAIL         ${SCALE_GOALS.services.toLocaleString('en-US')} services synthesized, validated and written in ≤ 10 s: 12.00 s`,
  );
  expect(formatGoals(missed)).toContain('growth exponent of synth between the last two sizes ≤ 1.1: 2.02 from 1,024 to 2,500 services');
  expect(formatGoals(missed)).toContain('≥ 5,000 objects/s at 2,500 services: 4,009 objects/s');
  expect(formatGoals(missed)).toContain('peak memory of either command ≤ 1 GiB: 1100 MiB at most');
  expect(verdicts([row(4, 1, 1), row(64, 1.2, 1.1)])).toEqual(['not measured', 'pass', 'not measured', 'not measured']);
  expect(verdicts([row(4, 1, 1)])[1]).toBe('not measured');
});

test('the plot: both series on log–log axes with labels, the same bytes for the same rows', () => {
  const rows = [row(4, 0.8, 0.9, 80), row(256, 1.5, 1.2, 120), row(2500, 6, 3, 400)];
  const svg = scaleSvg(rows);
  expect(scaleSvg(rows)).toBe(svg);
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  expect(svg.match(/<polyline /g)).toHaveLength(2);
  expect(svg.match(/<circle /g)).toHaveLength(6);
  for (const label of [
    'objects (log scale)',
    'seconds, wall clock (log scale)',
    'synth, validate, write',
    'npm run validate',
    '100,000',
    '10 s',
    '0.1 s',
  ])
    expect(svg).toContain(`>${label}<`);
  // Well formed: every element opened is closed, in order.
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(stack).toEqual([]);
  // Larger is further right and higher up (SVG's y grows downwards).
  const points = /<polyline [^>]*points="([^"]+)"/
    .exec(svg)![1]
    .split(' ')
    .map((p) => p.split(',').map(Number));
  expect(points[0][0]).toBeLessThan(points[2][0]);
  expect(points[0][1]).toBeGreaterThan(points[2][1]);
  expect(() => scaleSvg([])).toThrow('no sizes to plot');
});

// Pure parts of `npm run bench`: the alternating schedule, medians, the kustomization the peer tool
// renders, the report and the options (--scale's own parts: tooling/bench-scale.ts).
import { DEFAULT_SCALE_SIZES, scaleSizes } from './bench-scale';

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Run order for `runs` rounds of every command: forwards in even rounds, backwards in odd ones, so
 * no command always runs right after the same other one (caches warmed, CPU boosted).
 */
export function alternatingSchedule<T>(commands: readonly T[], runs: number): T[] {
  const schedule: T[] = [];
  for (let round = 0; round < runs; round++) schedule.push(...(round % 2 === 0 ? commands : [...commands].reverse()));
  return schedule;
}

/** A kustomization.yaml that lists the given files (paths relative to it) as resources, sorted. */
export function kustomizationListing(files: readonly string[]): string {
  const resources = [...files].sort().map((file) => `  - ${file}`);
  return ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...resources, ''].join('\n');
}

export interface Timing {
  readonly label: string;
  /** Wall-clock seconds of every run. */
  readonly seconds: readonly number[];
}

export interface BenchReport {
  readonly objects: number;
  readonly runs: number;
  readonly timings: readonly Timing[];
  /** The labels of the commands held to the budget, the baseline's, and the budget. */
  readonly compared: readonly string[];
  readonly baseline: string;
  readonly budget: number;
}

export function ratioOf(report: BenchReport, label: string): number {
  const of = (l: string) => {
    const timing = report.timings.find((t) => t.label === l);
    if (!timing) throw new Error(`no timing "${l}"`);
    return median(timing.seconds);
  };
  return of(label) / of(report.baseline);
}

/** A Markdown table: median, spread and ratio to the baseline of every command, and the verdict. */
export function formatReport(report: BenchReport): string {
  const rows = report.timings.map((t) => {
    const sorted = [...t.seconds].sort((a, b) => a - b);
    const ratio = ratioOf(report, t.label);
    return `| ${t.label} | ${median(t.seconds).toFixed(3)} | ${sorted[0].toFixed(3)}–${sorted[sorted.length - 1].toFixed(3)} | ${ratio.toFixed(2)}× |`;
  });
  const verdicts = report.compared.map((label) => {
    const ratio = ratioOf(report, label);
    return `${label}: ${ratio.toFixed(2)}× ${report.baseline}, ${ratio <= report.budget ? 'within' : 'OVER'} the ${report.budget}× budget.`;
  });
  return [
    `${report.objects} objects, ${report.runs} alternating runs each; seconds, wall clock.`,
    '',
    '| command | median | min–max | vs baseline |',
    '|---|---|---|---|',
    ...rows,
    '',
    ...verdicts,
  ].join('\n');
}

export interface StartUpMedians {
  /** `npm run synth`, the synth script line, `node -e 0` and the baseline, in seconds. */
  readonly npmRun: number;
  readonly script: number;
  readonly nodeStart: number;
  readonly baseline: number;
  readonly baselineLabel: string;
  readonly budget: number;
}

/**
 * Where `npm run synth`'s time goes against the budget: npm's and Node's start-up come before any
 * of synth's own work, and what the budget leaves for that work.
 */
export function startUpBreakdown(m: StartUpMedians): string[] {
  const npm = m.npmRun - m.script;
  const floor = npm + m.nodeStart;
  const allowed = m.budget * m.baseline;
  const work = m.script - m.nodeStart;
  const s = (seconds: number) => `${seconds.toFixed(3)} s`;
  return [
    `Before synth does anything: npm ${s(npm)} + Node ${s(m.nodeStart)} = ${s(floor)}, ${(floor / m.baseline).toFixed(2)}× ${m.baselineLabel}.`,
    `The ${m.budget}× budget (${s(allowed)}) leaves ${s(Math.max(0, allowed - floor))} for loading, rendering, validating, asking git and writing; they take ${s(work)}.`,
  ];
}

/**
 * What `npm run bench` measures: synth against the peer tool, (`--tests`) the test suite's wall time,
 * or (`--scale`) synth and validate on generated platforms of growing size.
 */
export type BenchOptions =
  | { readonly mode: 'synth'; readonly runs: number; readonly env: string; readonly budget: number; readonly rebuilds: number }
  | { readonly mode: 'tests'; readonly runs: number; readonly budget: number }
  | { readonly mode: 'scale'; readonly runs: number; readonly sizes: readonly number[]; readonly svg: string | undefined };

export interface BenchArguments {
  readonly runs?: string;
  readonly env?: string;
  readonly budget?: string;
  readonly rebuilds?: string;
  readonly tests?: boolean;
  readonly scale?: boolean;
  readonly sizes?: string;
  readonly svg?: string;
}

/** The `npm test` budget, seconds: a change is tested in under a minute. */
export const TESTS_BUDGET_SECONDS = 60;

/**
 * The options with their defaults, or what is wrong with them. --budget is a ratio to the peer tool
 * for synth and seconds for --tests; --env and --rebuilds only mean something for synth.
 */
export function benchOptions(values: BenchArguments): BenchOptions | { readonly error: string } {
  const runs = Number(values.runs ?? (values.tests || values.scale ? '1' : '7'));
  if (!Number.isInteger(runs) || runs < 1) return { error: '--runs must be a whole number ≥ 1' };
  if (values.tests && values.scale) return { error: '--tests and --scale are two different benches: give one' };
  if (values.scale) {
    const given = (['env', 'budget', 'rebuilds'] as const).filter((name) => values[name] !== undefined);
    if (given.length > 0)
      return { error: `${given.map((name) => `--${name}`).join(' and ')} do not apply to --scale (prod, goals of issue 15)` };
    const sizes = values.sizes === undefined ? DEFAULT_SCALE_SIZES : scaleSizes(values.sizes);
    if ('error' in sizes) return sizes;
    if (values.svg === '') return { error: '--svg needs a file name' };
    return { mode: 'scale', runs, sizes, svg: values.svg };
  }
  const scaleOnly = (['sizes', 'svg'] as const).filter((name) => values[name] !== undefined);
  if (scaleOnly.length > 0) {
    return { error: `${scaleOnly.map((name) => `--${name}`).join(' and ')} only appl${scaleOnly.length === 1 ? 'ies' : 'y'} to --scale` };
  }
  if (values.tests) {
    const given = (['env', 'rebuilds'] as const).filter((name) => values[name] !== undefined);
    if (given.length > 0)
      return { error: `${given.map((name) => `--${name}`).join(' and ')} only apply to the synth bench, not to --tests` };
    const budget = Number(values.budget ?? TESTS_BUDGET_SECONDS);
    if (!(budget > 0)) return { error: '--budget (seconds, with --tests) must be > 0' };
    return { mode: 'tests', runs, budget };
  }
  const rebuilds = Number(values.rebuilds ?? '3');
  const budget = Number(values.budget ?? '2.5');
  if (!Number.isInteger(rebuilds) || rebuilds < 0 || !(budget > 0))
    return { error: '--runs must be a whole number ≥ 1, --rebuilds ≥ 0 and --budget > 0' };
  return { mode: 'synth', runs, env: values.env ?? 'prod', budget, rebuilds };
}

/** `npm test`'s wall time against its budget, and whether the inputs from outside were required. */
/**
 * The tests bench's report. `cpuSeconds`, where the system tells (Linux), is the CPU time of each
 * run and everything it started: the work itself, steadier than the wall time on a shared machine.
 */
export function formatTestsReport(
  seconds: readonly number[],
  budget: number,
  strict: boolean,
  cpuSeconds: readonly number[] = [],
): string[] {
  const range = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0].toFixed(1)}–${sorted[sorted.length - 1].toFixed(1)} s`;
  };
  const middle = median(seconds);
  const of = seconds.length === 1 ? 'one run' : `median of ${seconds.length} runs, ${range(seconds)}`;
  const cpu =
    cpuSeconds.length === 0
      ? []
      : [
          `CPU: ${median(cpuSeconds).toFixed(1)} s${cpuSeconds.length === 1 ? '' : ` (median, ${range(cpuSeconds)})`}, ` +
            `${(median(cpuSeconds) / middle).toFixed(2)} cores busy on average.`,
        ];
  return [
    `\`npm test\`: ${middle.toFixed(1)} s (${of}), ${middle <= budget ? 'within' : 'OVER'} the ${budget} s budget.`,
    ...cpu,
    strict
      ? 'TITANIUM_STRICT=1: the promtool and CRD tests ran (or failed).'
      : 'TITANIUM_STRICT unset: tests whose outside inputs (promtool, the CRD files) are missing were skipped, and are not in this time.',
  ];
}

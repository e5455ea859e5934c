// Pure parts of `npm run bench`: the alternating schedule, medians, the kustomization the peer tool
// renders, and the report.

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

// `npm run bench [-- --runs 7] [--env prod] [--budget 2.5] [--rebuilds 3]`
// `npm run bench -- --tests [--runs 1] [--budget 60]`: `npm test`'s wall time instead, `--runs` times
// (once by default: it takes most of a minute), the median against the budget in seconds; exit 1
// over it. With its CPU time, which a slower or busier machine changes less than the wall time.
// `npm run bench -- --scale [--sizes 4,64,256,1024,2500] [--runs 1] [--svg <file>]`: synth and
// validate on generated platforms of that many services (benchScale below); exit 1 on a missed goal.
//
// How fast is synth? Compared with the peer tool doing the least work on the same output:
// `kubectl kustomize` of a kustomization that only lists the files synth rendered (read, parse,
// print). Each round runs every command once, in alternating order; the report gives medians.
//   - `npm run synth`: what a person types, npm's own start-up included;
//   - the synth script line from package.json run by `sh -c`, exactly what npm runs after starting;
//   - `kubectl kustomize`;
//   - `node -e 0`, Node's own start-up: with npm's, what `npm run synth` costs before synth runs.
// The first two are held to the budget (2.5×) in the report. npm's own start-up alone is more than the
// baseline, so the exit status follows the synth script, the part this project controls: exit 1 when
// it is over budget.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { yamlFiles } from '../validation/read-manifests';
import {
  alternatingSchedule,
  benchOptions,
  formatReport,
  formatTestsReport,
  kustomizationListing,
  median,
  ratioOf,
  startUpBreakdown,
  type BenchArguments,
  type BenchOptions,
  type BenchReport,
} from '../tooling/bench';
import {
  formatGoals,
  formatScaleTable,
  generatedPlatform,
  scaledSources,
  scaleGoals,
  scaleSourceFiles,
  scaleSvg,
  type ScaleRow,
  type ScaleSources,
} from '../tooling/bench-scale';
import { platformConfig } from '../config';
import { commitAll, copyWorkingTree } from '../tooling/project-copy';

const USAGE = [
  'usage: npm run bench -- [--runs 7] [--env prod] [--budget 2.5] [--rebuilds 3]',
  '       npm run bench -- --tests [--runs 1] [--budget 60]',
  '       npm run bench -- --scale [--sizes 4,64,256,1024,2500] [--runs 1] [--svg <file>]',
].join('\n');

/** The checkout: this file runs as build/scripts/bench.js. */
const ROOT = join(__dirname, '..', '..');

/** `'…'` for sh, whatever the path holds. */
const shellQuote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

interface Command {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Runs before each timed run, outside the timing. */
  readonly prepare?: () => void;
  /** Where it runs. @default the checkout */
  readonly cwd?: string;
}

/**
 * CPU seconds used so far by the children this process has waited for, and theirs (Linux's
 * /proc/self/stat, in clock ticks of 1/100 s); undefined where the system does not tell.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: cutime and cstime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function run(command: Command): { seconds: number; cpuSeconds: number | undefined; stdout: string } {
  command.prepare?.();
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(command.command, command.args, {
    cwd: command.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  if (result.error) throw new Error(`${command.label}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command.label} failed (exit ${result.status}):\n${result.stderr}`);
  return { seconds, cpuSeconds, stdout: result.stdout };
}

function main(argv: string[]): number {
  let values: BenchArguments;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string' },
        env: { type: 'string' },
        budget: { type: 'string' },
        rebuilds: { type: 'string' },
        tests: { type: 'boolean', default: false },
        scale: { type: 'boolean', default: false },
        sizes: { type: 'string' },
        svg: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const options = benchOptions(values);
  if ('error' in options) {
    console.error(`${options.error}\n${USAGE}`);
    return 2;
  }
  if (options.mode === 'scale') return benchScale(options);
  return options.mode === 'tests' ? benchTests(options.runs, options.budget) : benchSynth(options);
}

/** `npm test`'s wall time, `runs` times in a row; exit 1 when the median is over the budget. */
/**
 * `npm test` as a fresh clone meets it: each run in a new clone of HEAD under the temp folder (no
 * build/, no compiler build info, no ../shared beside it), with this checkout's installed packages
 * linked in, so `npm ci` is not part of the time.
 */
function benchTests(runs: number, budget: number): number {
  const work = mkdtempSync(join(tmpdir(), 'titanium-bench-tests-'));
  try {
    const timed = Array.from({ length: runs }, (_, index) => {
      const clone = join(work, String(index));
      const prepare = () => {
        const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
        if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
        symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
      };
      return run({ label: '`npm test`', command: 'npm', args: ['test', '--silent'], cwd: clone, prepare });
    });
    const seconds = timed.map((t) => t.seconds);
    const cpuSeconds = timed.flatMap((t) => (t.cpuSeconds === undefined ? [] : [t.cpuSeconds]));
    const lines = formatTestsReport(seconds, budget, process.env.TITANIUM_STRICT === '1', cpuSeconds);
    console.log(lines.join('\n'));
    return median(seconds) <= budget ? 0 : 1;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function benchSynth({ runs, env: environment, budget, rebuilds }: Extract<BenchOptions, { mode: 'synth' }>): number {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const work = mkdtempSync(join(tmpdir(), 'titanium-bench-'));
  try {
    const out = ['--env', environment, '--out', join(work, 'dist'), '--argocd-out', join(work, 'argocd')];
    // Each timed synth starts from empty output folders, so it writes every file, as after an edit.
    // (A synth whose folders already hold the render leaves them alone: faster, but not the case timed.)
    const emptyOutput = () => {
      rmSync(join(work, 'dist', environment), { recursive: true, force: true });
      rmSync(join(work, 'argocd', environment), { recursive: true, force: true });
    };
    const npmSynth: Command = {
      label: '`npm run synth`',
      command: 'npm',
      args: ['run', '--silent', 'synth', '--', ...out],
      prepare: emptyOutput,
    };
    // The warm-up run also renders the files the kustomization lists (and rebuilds if a source changed).
    run(npmSynth);
    // The apps synth wrote (dist/<env>/). Not the bootstrap (argocd/<env>/, three objects more for
    // synth): it repeats the AppProject, which one kustomization cannot hold twice.
    const listed = join(work, 'kustomize');
    cpSync(join(work, 'dist', environment), listed, { recursive: true });
    const files = yamlFiles(listed).map((file) => relative(listed, file));
    writeFileSync(join(listed, 'kustomization.yaml'), kustomizationListing(files));
    const kustomize: Command = { label: '`kubectl kustomize`', command: 'kubectl', args: ['kustomize', listed] };
    const objects = parseAllDocuments(run(kustomize).stdout).filter((doc) => doc.contents !== null).length;
    if (objects !== files.length) throw new Error(`kubectl kustomize printed ${objects} objects for ${files.length} files`);

    const scriptLine = `${scripts.synth} ${out.map(shellQuote).join(' ')}`;
    const synthScript: Command = {
      label: `\`${scripts.synth}\` (what npm runs)`,
      command: 'sh',
      args: ['-c', scriptLine],
      prepare: emptyOutput,
    };
    // Node's start-up, the same for any script: with npm's it is the floor of `npm run synth`.
    const nodeStart: Command = { label: '`node -e 0` (Node start-up)', command: 'sh', args: ['-c', 'node -e 0'] };
    const commands = [npmSynth, synthScript, kustomize, nodeStart];
    const seconds = new Map(commands.map((c) => [c.label, [] as number[]]));
    for (const command of alternatingSchedule(commands, runs)) seconds.get(command.label)!.push(run(command).seconds);

    const report: BenchReport = {
      objects: files.length,
      runs,
      timings: commands.map((c) => ({ label: c.label, seconds: seconds.get(c.label)! })),
      compared: [npmSynth.label, synthScript.label],
      baseline: kustomize.label,
      budget,
    };
    console.log(formatReport(report));
    const medianOf = (command: Command) => median(seconds.get(command.label)!);
    const breakdown = startUpBreakdown({
      npmRun: medianOf(npmSynth),
      script: medianOf(synthScript),
      nodeStart: medianOf(nodeStart),
      baseline: medianOf(kustomize),
      baselineLabel: kustomize.label,
      budget,
    });
    console.log(breakdown.join('\n'));

    if (rebuilds > 0) {
      // The first synth after a source edit first type-checks (incrementally, in a worker) and
      // rebuilds build/main.js, as scripts/run.cjs does; the bundle goes to a scratch folder, so
      // build/ and its code cache stay as they are. With nothing edited since the last check, the
      // compiler still reads and binds every file: the floor of what an edit costs.
      const scratch = join(work, 'rebuild');
      const scripts = (file: string) => JSON.stringify(join(ROOT, 'scripts', file));
      const rebuild: Command = {
        label: 'rebuild',
        command: process.execPath,
        args: [
          '--eval',
          `Promise.all([require(${scripts('type-check.cjs')}).typeCheckInWorker(${JSON.stringify(ROOT)}, 'main'), require(${scripts('build.cjs')}).build(['main'], ${JSON.stringify(scratch)})])`,
        ],
      };
      const times = Array.from({ length: rebuilds }, () => run(rebuild).seconds);
      console.log(
        `The first synth after a source edit type-checks and rebuilds build/main.js first: +${median(times).toFixed(3)} s (median of ${rebuilds}, without the edit itself).`,
      );
    }
    return ratioOf(report, synthScript.label) <= budget ? 0 : 1;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The environment --scale renders: the one with the production-like quota. */
const SCALE_ENVIRONMENT = 'prod';

/**
 * Records what the process used, at exit, into the file the environment names: its peak resident
 * set size (libuv reports kilobytes on Linux and macOS) and its CPU seconds (all threads, not the
 * children). Loaded with `--require` before the command itself.
 */
const USAGE_PRELOAD = `'use strict';
process.on('exit', () => {
  try {
    const used = process.resourceUsage();
    const record = { peakBytes: used.maxRSS * 1024, cpuSeconds: (used.userCPUTime + used.systemCPUTime) / 1e6 };
    require('node:fs').writeFileSync(process.env.TITANIUM_BENCH_USAGE_FILE, JSON.stringify(record));
  } catch {}
});
`;

interface Measured {
  readonly seconds: number;
  readonly stdout: string;
  /** Undefined where the platform does not say. */
  readonly peakBytes: number | undefined;
  readonly cpuSeconds: number | undefined;
}

/** One run of a bundled command in the copy, `node scripts/run.cjs <entry> ...`, timed, with its peak memory and CPU time. */
function runInCopy(copy: string, work: string, entry: string, args: readonly string[]): Measured {
  const usageFile = join(work, 'usage.json');
  rmSync(usageFile, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', join(work, 'usage.cjs'), 'scripts/run.cjs', entry, ...args], {
    cwd: copy,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', TITANIUM_BENCH_USAGE_FILE: usageFile },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error) throw new Error(`${entry}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `\`node scripts/run.cjs ${entry} ${args.join(' ')}\` failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
    );
  }
  const used = (existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : {}) as Partial<
    Record<'peakBytes' | 'cpuSeconds', number>
  >;
  const known = (value: number | undefined) => (value !== undefined && value > 0 ? value : undefined);
  return { seconds, stdout: result.stdout, peakBytes: known(used.peakBytes), cpuSeconds: known(used.cpuSeconds) };
}

function countIn(stdout: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(stdout);
  if (!match) throw new Error(`${what}: no object count in its output:\n${stdout}`);
  return Number(match[1]);
}

/**
 * For each size: the copy's config rewritten to that many services (tooling/bench-scale.ts) and
 * committed; one untimed synth and validate (the bundles rebuild and type-check, the code caches are
 * written); then `runs` times the synth command from empty output folders and the validate command
 * on what it wrote, each timed from spawn to exit. The copy is removed at the end, whatever happens.
 */
function benchScale({ sizes, runs, svg }: Extract<BenchOptions, { mode: 'scale' }>): number {
  const work = mkdtempSync(join(tmpdir(), 'titanium-bench-scale-'));
  const progress = (line: string) => process.stderr.write(`bench --scale: ${line}\n`);
  try {
    const base = platformConfig(SCALE_ENVIRONMENT);
    // Refuse sizes the config cannot make before copying anything.
    const generated = sizes.map((size) => generatedPlatform(base, size));
    const copy = join(work, 'project');
    writeFileSync(join(work, 'usage.cjs'), USAGE_PRELOAD);
    progress(`copying the project to ${copy}`);
    copyWorkingTree(ROOT, copy);
    const files = scaleSourceFiles(SCALE_ENVIRONMENT);
    const keys = Object.keys(files) as (keyof ScaleSources)[];
    const original = Object.fromEntries(keys.map((key) => [key, readFileSync(join(copy, files[key]), 'utf8')])) as ScaleSources;

    const rows: ScaleRow[] = [];
    sizes.forEach((size, index) => {
      const edited = scaledSources(original, generated[index], SCALE_ENVIRONMENT);
      for (const key of keys) writeFileSync(join(copy, files[key]), edited[key]);
      commitAll(copy, `${size} services`);
      const out = (label: string) => {
        const folder = join(work, 'out', label);
        rmSync(folder, { recursive: true, force: true });
        return {
          dist: join(folder, 'dist'),
          args: ['--env', SCALE_ENVIRONMENT, '--out', join(folder, 'dist'), '--argocd-out', join(folder, 'argocd')],
        };
      };
      progress(`${size} services: building and warming up (untimed)`);
      const warm = out('warm-up');
      runInCopy(copy, work, 'main', warm.args);
      runInCopy(copy, work, 'scripts/validate', [join(warm.dist, SCALE_ENVIRONMENT)]);
      const synths: Measured[] = [];
      const validates: Measured[] = [];
      for (let run = 1; run <= runs; run++) {
        const timed = out('timed');
        synths.push(runInCopy(copy, work, 'main', timed.args));
        validates.push(runInCopy(copy, work, 'scripts/validate', [join(timed.dist, SCALE_ENVIRONMENT)]));
        const said = (m: Measured) => `${m.seconds.toFixed(2)} s${m.cpuSeconds === undefined ? '' : ` (CPU ${m.cpuSeconds.toFixed(2)} s)`}`;
        progress(`${size} services: run ${run} of ${runs}: synth ${said(synths.at(-1)!)}, validate ${said(validates.at(-1)!)}`);
      }
      const peak = (measured: Measured[]) =>
        measured.some((m) => m.peakBytes === undefined) ? undefined : Math.max(...measured.map((m) => m.peakBytes!));
      const cpu = (measured: Measured[]) =>
        measured.some((m) => m.cpuSeconds === undefined) ? undefined : median(measured.map((m) => m.cpuSeconds!));
      rows.push({
        services: size,
        objects: countIn(synths[0].stdout, new RegExp(`^${SCALE_ENVIRONMENT}: (\\d+) objects`, 'm'), 'synth'),
        synthSeconds: median(synths.map((m) => m.seconds)),
        validated: countIn(validates[0].stdout, /(\d+) object\(s\)/, 'validate'),
        validateSeconds: median(validates.map((m) => m.seconds)),
        synthCpuSeconds: cpu(synths),
        validateCpuSeconds: cpu(validates),
        synthPeakBytes: peak(synths),
        validatePeakBytes: peak(validates),
      });
    });

    console.log(formatScaleTable(rows, runs));
    const goals = scaleGoals(rows);
    console.log(`\n${formatGoals(goals)}`);
    if (svg !== undefined) {
      // Relative to the working folder, like synth's --out (npm runs scripts from the checkout's top).
      const file = resolve(svg);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, scaleSvg(rows));
      console.log(`\nplot: ${relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file)}`);
    }
    return goals.some((g) => g.verdict === 'FAIL') ? 1 : 0;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));

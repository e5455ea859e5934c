// `npm run bench [-- --runs 7] [--env prod] [--budget 2.5] [--rebuilds 3]`
// `npm run bench -- --tests [--runs 1] [--budget 60]`: `npm test`'s wall time instead, `--runs` times
// (once by default: it takes most of a minute), the median against the budget in seconds; exit 1
// over it.
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
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

const USAGE =
  'usage: npm run bench -- [--runs 7] [--env prod] [--budget 2.5] [--rebuilds 3]\n       npm run bench -- --tests [--runs 1] [--budget 60]';

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

function run(command: Command): { seconds: number; stdout: string } {
  command.prepare?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(command.command, command.args, {
    cwd: command.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error) throw new Error(`${command.label}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command.label} failed (exit ${result.status}):\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
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
    const seconds = Array.from({ length: runs }, (_, index) => {
      const clone = join(work, String(index));
      const prepare = () => {
        const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
        if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
        symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
      };
      return run({ label: '`npm test`', command: 'npm', args: ['test', '--silent'], cwd: clone, prepare }).seconds;
    });
    const lines = formatTestsReport(seconds, budget, process.env.TITANIUM_STRICT === '1');
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

process.exitCode = main(process.argv.slice(2));

// `npm run ci:local [-- --keep] [--job verify] [--skip <step name>]... [--workflow .github/workflows/gate.yml] [--repo .]`:
// the gate job as a stranger's runner would run it, on this machine. Clones HEAD (committed work
// only) into a fresh folder under the system temp folder, with nothing beside it (no ../shared), and
// runs the job's own `run:` steps from the workflow file, in order, each in bash with
// `set -eo pipefail` as GitHub's default shell, with a fresh HOME and npm cache, CI=true
// GITHUB_ACTIONS=true, and the workflow's, job's and step's `env:`.
//
// What it cannot do like GitHub, and what it does instead:
//   - `uses:` steps (checkout, setup-node, cache, Trivy, SARIF upload) are listed as skipped: the
//     clone stands for checkout, this machine's node and npm on PATH for setup-node, and the cache
//     starts empty, as on a cache miss.
//   - `${{ }}`: `inputs.*` take the workflow_call defaults; `github.workspace`, `github.sha`,
//     `runner.temp` and `runner.os` their local values; `if:` the status functions (`success()`,
//     `always()`, `!cancelled()`, …: every earlier step succeeded), and `&&` chains of those, of
//     these values and of comparisons with quoted strings. A step needing any other expression is
//     listed as skipped, with the expression: the publish step, which needs `github.ref` (and
//     `inputs.publish`, false by default), never runs locally.
//   - $GITHUB_PATH, $GITHUB_ENV and $GITHUB_STEP_SUMMARY work as file commands between steps; the
//     summary is kept with the clone under --keep.
//   - `--skip <step name>` (repeatable) lists a run step as skipped instead of running it: for a step
//     that needs what this machine lacks (the image scan pulls every image from its registry).
//   - The environment is not this shell's: PATH, locale, proxy and CA settings, and
//     TITANIUM_CRDS_MIRROR (`npm run fetch:crds` takes the CRD files from there instead of GitHub,
//     same checksums) are passed on; nothing else.
// Prints each step's result and wall time and a total; exits 1 at the first failing step, naming
// it. The clone is removed afterwards unless --keep.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, parseEnvFile, parsePathFile, passedOn, planJob, skipSteps, type StepResult } from '../tooling/ci-local';

const USAGE =
  'usage: npm run ci:local -- [--keep] [--job <id>] [--skip <step name>]... [--workflow <file in the repository>] [--repo <folder>]';

/** The checkout: this file runs as build/scripts/ci-local.js. */
const ROOT = join(__dirname, '..', '..');

function git(cwd: string, args: string[]): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

function main(argv: string[]): number {
  let values: { keep?: boolean; job?: string; skip?: string[]; workflow?: string; repo?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        keep: { type: 'boolean', default: false },
        job: { type: 'string' },
        skip: { type: 'string', multiple: true, default: [] },
        workflow: { type: 'string' },
        repo: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const repo = git(resolve(values.repo ?? ROOT), ['rev-parse', '--show-toplevel']);
  const workflowPath = values.workflow ?? '.github/workflows/gate.yml';
  const sha = git(repo, ['rev-parse', 'HEAD']);
  if (git(repo, ['status', '--porcelain', '--untracked-files=no']) !== '') {
    console.log(`note    ${repo} has uncommitted changes: the clone has HEAD (${sha.slice(0, 12)}) only`);
  }

  const base = mkdtempSync(join(tmpdir(), 'titanium-ci-local-'));
  // As on a runner (/home/runner/work/<repo>/<repo>): the checkout's parent holds nothing else.
  const workspace = join(base, 'work', basename(repo), basename(repo));
  const home = join(base, 'home');
  const runnerTemp = join(base, 'runner-temp');
  const summary = join(base, 'step-summary.md');
  const results: StepResult[] = [];
  const started = process.hrtime.bigint();
  const elapsed = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
  try {
    for (const dir of [home, runnerTemp, join(base, 'npm-cache')]) mkdirSync(dir, { recursive: true });
    git(base, ['clone', '--quiet', '--no-hardlinks', repo, workspace]);
    git(workspace, ['checkout', '--quiet', '--detach', sha]);
    const file = join(workspace, workflowPath);
    if (!existsSync(file)) throw new Error(`${workflowPath} is not in ${sha.slice(0, 12)}`);
    const plan = skipSteps(
      planJob(
        readFileSync(file, 'utf8'),
        { 'github.workspace': workspace, 'github.sha': sha, 'runner.temp': runnerTemp, 'runner.os': 'Linux' },
        values.job,
      ),
      values.skip ?? [],
    );

    const node = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout.trim();
    const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`ci:local: job "${plan.job}" of ${workflowPath} at ${sha.slice(0, 12)}, in ${workspace}`);
    console.log(`          node ${node}, npm ${npm} (this machine's PATH); HOME=${home}`);

    let env: Record<string, string> = {
      ...passedOn(process.env),
      HOME: home,
      npm_config_cache: join(base, 'npm-cache'),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SHA: sha,
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: runnerTemp,
    };
    let failed = false;
    plan.steps.forEach((step, index) => {
      if (failed) {
        results.push({ name: step.name, result: 'not run' });
        return;
      }
      if (step.kind === 'skip') {
        console.log(`\n── skipped: ${step.name} (${step.reason})`);
        results.push({ name: step.name, result: 'skipped', detail: step.reason });
        return;
      }
      console.log(`\n── ${step.name}`);
      // GitHub's file commands: fresh files per step, read after it.
      const files = {
        GITHUB_ENV: join(runnerTemp, `env-${index}`),
        GITHUB_PATH: join(runnerTemp, `path-${index}`),
        GITHUB_OUTPUT: join(runnerTemp, `output-${index}`),
        GITHUB_STEP_SUMMARY: join(runnerTemp, `summary-${index}`),
      };
      for (const path of Object.values(files)) writeFileSync(path, '');
      const script = join(runnerTemp, `step-${index}.sh`);
      writeFileSync(script, step.script);
      const shell = step.shell === 'bash' ? ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]] : ['sh', ['-e', script]];
      const stepStarted = process.hrtime.bigint();
      const run = spawnSync(shell[0] as string, shell[1] as string[], {
        cwd: step.workingDirectory ? resolve(workspace, step.workingDirectory) : workspace,
        env: { ...env, ...step.env, ...files },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const seconds = elapsed(stepStarted);
      appendFileSync(summary, readFileSync(files.GITHUB_STEP_SUMMARY));
      const added = parsePathFile(readFileSync(files.GITHUB_PATH, 'utf8'));
      env = { ...env, ...parseEnvFile(readFileSync(files.GITHUB_ENV, 'utf8')) };
      if (added.length > 0) env.PATH = [...added, env.PATH].filter(Boolean).join(':');
      const status = run.error ? run.error.message : run.status === null ? `signal ${run.signal}` : run.status;
      const ok = run.status === 0;
      console.log(`── ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s: ${step.name}`);
      results.push({ name: step.name, result: ok ? 'ok' : 'failed', seconds, detail: ok ? undefined : `exit ${status}` });
      if (!ok && !step.continueOnError) failed = true;
    });
    console.log(`\n${formatSummary(results, elapsed(started)).join('\n')}`);
    if (values.keep) console.log(`kept    ${base} (the clone, HOME, the job summary: ${summary})`);
    return failed ? 1 : 0;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  } finally {
    if (!values.keep) rmSync(base, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));

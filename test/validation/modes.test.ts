// The two modes of `npm run validate` (docs/validation.md: "Modes"). Foreign YAML
// (test/support/fixtures/foreign/): each fixture states, per run of the command (`# run: <flags>`), the
// findings it must produce and no others, and no line of the output names this project's files or
// history. Project mode: our own render is judged as before, and a file of it alone as inside its tree.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { platformConfig } from '../../config';
import type { Finding } from '../../validation/finding';
import type { Manifest } from '../../validation/manifest';
import { ENFORCE_LABEL, INJECTION_LABEL } from '../../validation/model';
import { detectMode, projectKnowledge, renderedByPlatform } from '../../validation/modes';
import { ROOT, runBuilt } from '../support/cli';
import { ANY_SOURCE, environmentNames, rendered, synthInto } from '../support/helpers';
import { validateInProcess } from '../support/commands-in-process';

const FOREIGN = join(__dirname, '..', 'support', 'fixtures', 'foreign');

interface Report {
  mode: string;
  modeReason: string;
  clusters: { name: string; objects: number }[];
  counts: { errors: number; warnings: number; notes: number };
  findings: Finding[];
}

interface Run {
  /** The command's arguments: the fixture itself unless the run names paths (`./…`, relative to the fixture's folder). */
  readonly args: string[];
  readonly expected: string[];
}

// `-` for what a finding lacks: a source tree's note names a folder, no object or field.
const key = (f: { severity: string; rule: string; object?: string; field?: string }) =>
  `${f.severity} ${f.rule} ${f.object ?? '-'} ${f.field ?? ''}`.trim();

function yamlFilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => yamlFilesIn(join(path, entry)))
    .filter((f) => f.endsWith('.yaml'));
}

function runsOf(fixture: string): Run[] {
  const base = statSync(fixture).isDirectory() ? fixture : dirname(fixture);
  const runs: { args: string[]; expected: string[] }[] = [];
  for (const line of yamlFilesIn(fixture).flatMap((f) => readFileSync(f, 'utf8').split('\n'))) {
    const run = /^# run:(.*)$/.exec(line);
    if (run) {
      const words = run[1].trim().split(/\s+/).filter(Boolean);
      const named = words.some((w) => w.startsWith('./'));
      runs.push({ args: [...words.map((w) => (w.startsWith('./') ? join(base, w) : w)), ...(named ? [] : [fixture])], expected: [] });
      continue;
    }
    const expect = /^# expect: (\w+) ([\w-]+) (\S+) ?(.*)$/.exec(line);
    if (expect) {
      if (!runs.length) runs.push({ args: [fixture], expected: [] });
      const [, severity, rule, object, field] = expect;
      runs.at(-1)!.expected.push(key({ severity, rule, object, field: field.trim() }));
    }
  }
  return runs;
}

async function validate(args: readonly string[]): Promise<{ status: number; report: Report }> {
  const run = await validateInProcess([...args, '--format', 'json']);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

const fixtures = readdirSync(FOREIGN).sort();
/** Words that would show a message speaks of this project: its config, its old platform, its name. */
const PROJECT_WORDS = /config\/|\bold\b|titanium/i;
const cases = fixtures.flatMap((fixture) => runsOf(join(FOREIGN, fixture)).map((run) => ({ fixture, ...run })));

test('every foreign fixture states at least one run with findings', () => {
  expect(fixtures.filter((f) => !cases.some((c) => c.fixture === f))).toEqual([]);
  expect(cases.filter((c) => c.expected.length === 0)).toEqual([]);
});

describe.each(cases.map((c) => [`${c.fixture} ${c.args.filter((a) => !a.startsWith('/')).join(' ')}`.trim(), c] as const))(
  'foreign fixture %s',
  (_, { args, expected }) => {
    test("is judged in foreign mode with exactly the findings it states, exits 1 only on errors, and names none of this project's files or history", async () => {
      const { status, report } = await validate(args);
      expect(report.mode).toBe('foreign');
      expect(report.findings.map(key).sort()).toEqual([...expected].sort());
      expect(status).toBe(report.counts.errors > 0 ? 1 : 0);
      // What the text output prints of each finding; the checkout's own path is no message.
      const said = report.findings.map((f) => [f.file, f.object, f.field, f.message].filter(Boolean).join(' ').replaceAll(ROOT, '<root>'));
      expect(said.filter((line) => PROJECT_WORDS.test(line))).toEqual([]);
    });
  },
);

test("no line of the text output names this project's files or history, for every foreign fixture at once", () => {
  // One run, each fixture its own cluster: the header, every finding, every note and the summary as printed.
  const run = runBuilt(
    'scripts/validate.js',
    fixtures.map((fixture) => join(FOREIGN, fixture)),
  );
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^mode: foreign \(/);
  expect(lines.length).toBeGreaterThan(fixtures.length);
  expect(lines.filter((line) => PROJECT_WORDS.test(line.replaceAll(ROOT, '<root>')))).toEqual([]);
});

test('the notes say what to pass, and a Secret an ExternalSecret creates with other keys names them', async () => {
  const { report } = await validate([join(FOREIGN, 'external-secrets.yaml')]);
  const messages = report.findings.filter((f) => f.rule === 'secret-ref').map((f) => f.message);
  expect(messages).toEqual([
    'Secret "db-credentials" has no key "port": ExternalSecret shop/db creates it with only username, password',
    'Secret "smtp" has no key "user": SealedSecret shop/smtp creates it with only password',
    'Secret "ghost" in namespace "shop" is not among these files; assumed to exist on the cluster (made by a Helm chart, an operator or by hand), not judged; --external-secret shop/ghost states it',
  ]);
  const alone = (await validate([join(FOREIGN, 'deployment-alone.yaml')])).report.findings.find((f) => f.severity === 'note');
  expect(alone?.message).toBe(
    'namespace "shop" is not among these files, so its Pod Security level is unknown: pod-security, resources and probes were not ' +
      'judged for its 1 workload(s); state it with --pod-security restricted or --namespace-labels shop:pod-security.kubernetes.io/enforce=restricted',
  );
});

test('messages about defects this platform once had say, for foreign YAML, only what is wrong', async () => {
  const messages = Object.fromEntries(
    (await validate([join(FOREIGN, 'no-local-history.yaml')])).report.findings.map((f) => [f.rule, f.message] as const),
  );
  expect(messages).toMatchObject({
    mtls: 'PERMISSIVE is an exception to STRICT mTLS',
    'secret-data':
      'Secret values never go into git: key "password" is named like a credential; create the Secret outside git, or commit it encrypted (an ExternalSecret, a SealedSecret)',
    'volume-permissions': 'runs as uid 472 with a persistent volume but no fsGroup: the volume is not writable',
  });
});

test('two arguments are two clusters, named in the output; --one-cluster joins them', async () => {
  const trees = ['tree-a', 'tree-b'].map((tree) => join(FOREIGN, 'clusters', tree));
  expect((await validate(trees)).report.clusters).toEqual(trees.map((name, i) => ({ name, objects: [2, 1][i] })));
  expect((await validateInProcess(trees)).stdout.split('\n')[1]).toBe(
    `clusters, judged apart (one per argument and environment root; --one-cluster joins them): ${trees[0]} (2 object(s)), ${trees[1]} (1 object(s))`,
  );
  expect((await validate(['--one-cluster', ...trees])).report.clusters).toEqual([{ name: trees.join(' '), objects: 3 }]);
});

describe('flags that state the context', () => {
  test.each([
    [['--namespace-labels', 'shop'], '--namespace-labels "shop": expected <namespace>:<key>=<value>[,<key>=<value>]'],
    [['--namespace-labels', 'shop:istio-injection'], '--namespace-labels "shop:istio-injection": expected'],
    [['--namespace-labels', 'Shop:a=b'], '--namespace-labels "Shop:a=b": expected'],
    [['--external-secret', 'db'], '--external-secret "db": expected <namespace>/<name>, e.g. shop/db-credentials'],
    [['--pod-security', 'strict'], '--pod-security "strict": expected restricted, baseline, privileged'],
    [['--mode', 'ours'], '--mode "ours": expected project, foreign'],
  ])('%j is a usage error naming the flag and what it expects', async (flags, message) => {
    const run = await validateInProcess([...flags, join(FOREIGN, 'deployment-alone.yaml')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: npm run validate');
  });

  test('repeated --namespace-labels for one namespace are merged', async () => {
    const { report } = await validate([
      '--namespace-labels',
      'shop:istio-injection=enabled',
      '--namespace-labels',
      'shop:pod-security.kubernetes.io/enforce=baseline',
      join(FOREIGN, 'injection.yaml'),
    ]);
    expect(report.findings.map(key)).toEqual(['error port-protocol Service/shop/cart spec.ports[0].name']);
  });
});

describe('mode detection', () => {
  const ours = rendered('prod').manifests[0];
  const labelled: Manifest = {
    file: 'live.yaml',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/part-of': 'titanium' } },
    },
  };
  const stranger: Manifest = { file: 'theirs.yaml', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } } };

  test("an object is this platform's by synth's comment, or by both of its labels when comments are gone", () => {
    expect(ours.constructPath).toBeDefined();
    expect(renderedByPlatform(ours, 'titanium')).toBe(true);
    expect(renderedByPlatform(labelled, 'titanium')).toBe(true);
    expect(renderedByPlatform(labelled, 'another-platform')).toBe(false);
    expect(renderedByPlatform(stranger, 'titanium')).toBe(false);
  });

  test('project only when every object is ours; one stranger makes it foreign and is named', () => {
    expect(detectMode([ours, labelled], 'titanium').mode).toBe('project');
    expect(detectMode([ours, stranger], 'titanium')).toEqual({
      mode: 'foreign',
      reason: '1 of 2 objects were not rendered by this platform, e.g. theirs.yaml; --mode project overrides',
    });
    expect(detectMode([], 'titanium').mode).toBe('foreign');
  });
});

describe('project mode', () => {
  test.each(environmentNames)("config's namespace labels are those the %s render gives its Namespaces", (environment) => {
    const known = projectKnowledge([platformConfig(environment)]).namespaceLabels;
    const namespaces = rendered(environment).manifests.filter((m) => m.object.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const { object } of namespaces) {
      const labels = object.metadata?.labels ?? {};
      expect([object.metadata?.name, known[object.metadata?.name ?? '']]).toEqual([
        object.metadata?.name,
        { [ENFORCE_LABEL]: labels[ENFORCE_LABEL], ...(labels[INJECTION_LABEL] ? { [INJECTION_LABEL]: labels[INJECTION_LABEL] } : {}) },
      ]);
    }
  });

  const out = mkdtempSync(join(tmpdir(), 'titanium-modes-'));
  const config = platformConfig('prod');
  const tree = join(out, 'dist', 'prod');
  const deployment = rendered('prod').manifests.find(
    (m) => m.object.kind === 'Deployment' && m.object.metadata?.namespace === config.environment.namespace,
  )!;
  const file = join(tree, deployment.file.replace(/^dist\/prod\//, ''));

  beforeAll(() => {
    for (const environment of environmentNames) synthInto(join(out, 'dist'), environment, ANY_SOURCE, join(out, 'argocd'));
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('runAsNonRoot: true');
    writeFileSync(file, text.replaceAll('runAsNonRoot: true', 'runAsNonRoot: false'));
  });

  test('a Deployment of our render alone gets the findings it gets inside its tree (config states its Namespace)', async () => {
    const inTree = (await validate([tree])).report;
    const alone = (await validate([file])).report;
    expect([inTree.mode, alone.mode]).toEqual(['project', 'project']);
    const ofFile = inTree.findings.filter((f) => f.file === file);
    expect(ofFile.map((f) => f.rule)).toContain('pod-security');
    // ServiceAccounts and ConfigMaps are rendered beside it, which config does not list.
    expect(alone.findings.filter((f) => f.rule !== 'reference').map(key)).toEqual(ofFile.map(key));
  });

  test('our tree with one foreign file is judged as foreign, naming that file', async () => {
    const { report } = await validate([tree, join(FOREIGN, 'deployment-alone.yaml')]);
    expect(report.mode).toBe('foreign');
    expect(report.modeReason).toMatch(
      /^1 of \d+ objects were not rendered by this platform, e.g. \S+deployment-alone\.yaml; --mode project overrides$/,
    );
  });

  test('--mode project judges Secrets against config; --mode foreign leaves our declared Secrets as notes', async () => {
    const project = (await validate(['--mode', 'project', join(FOREIGN, 'optional-and-default-namespace.yaml')])).report;
    expect(project.modeReason).toBe('--mode project');
    expect(project.findings.map((f) => f.message)).toEqual([
      'Secret "api-token" in namespace "default" is not declared in config/secrets.ts (externalSecrets)',
    ]);
    // Another environment's tree, left as synth wrote it: in foreign mode nothing fails, only notes.
    const other = environmentNames.find((name) => name !== 'prod')!;
    const { status, report } = await validate(['--mode', 'foreign', join(out, 'dist', other)]);
    expect(status).toBe(0);
    expect([report.counts.errors, report.counts.warnings]).toEqual([0, 0]);
    const notes = report.findings.filter((f) => f.severity === 'note');
    expect(notes.length).toBeGreaterThan(0);
    const declared = new Set(platformConfig(other).externalSecrets.map((s) => s.name));
    for (const note of notes) {
      expect(note.rule).toBe('secret-ref');
      // One note per namespace names its Secrets: `Secrets "a", "b" in namespace "x" are not among these files; …`.
      const names = [.../^Secrets? (.+?) in namespace /.exec(note.message)![1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(declared).toContain(name);
    }
  });
});

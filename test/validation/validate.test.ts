// The validation gate on a corpus of realistic broken manifests (test/support/fixtures/validate/, one per
// failure the old platform had and per rule): each fixture states the findings it must produce, and
// produces no others. Then the command itself: output lines, counts, JSON, exit codes, construct paths
// (the built command where its text and exit code are the point, else in-process).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, platformConfig } from '../../config';
import { observability } from '../../config/observability';
import { readManifests } from '../../validation/read-manifests';
import { RULES, validateManifests, type ValidationContext } from '../../validation';
import type { Finding } from '../../validation/finding';
import { runBuilt } from '../support/cli';
import { ANY_SOURCE, environmentNames, rendered, synthInto } from '../support/helpers';
import { validateInProcess } from '../support/commands-in-process';

const FIXTURES = join(__dirname, '..', 'support', 'fixtures', 'validate');

const context: ValidationContext = {
  externalSecrets: Object.keys(environments).flatMap((name) => {
    const config = platformConfig(name);
    return config.externalSecrets.map((s) => ({ ...s, namespace: s.namespace ?? config.environment.namespace }));
  }),
  defaultNamespace: 'default',
  metricLabels: observability.serviceMetricLabels,
};

interface Expectation {
  severity: string;
  rule: string;
  object: string;
  field: string;
}

function filesIn(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((entry) => filesIn(join(path, entry))) : [path];
}

function expectations(path: string): Expectation[] {
  return filesIn(path)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^# expect: (\w+) ([\w-]+) (\S+) ?(.*)$/gm)])
    .map(([, severity, rule, object, field]) => ({ severity, rule, object, field: field.trim() }));
}

const key = (f: { severity: string; rule: string; object?: string; field?: string }) =>
  `${f.severity} ${f.rule} ${f.object} ${f.field ?? ''}`.trim();
const fixtures = readdirSync(FIXTURES).sort();

describe.each(fixtures)('fixture %s', (fixture) => {
  const path = join(FIXTURES, fixture);
  const read = readManifests([path]);
  const findings: Finding[] = [...read.problems, ...validateManifests(read.manifests, context)];
  const expected = expectations(path);

  test('produces exactly the findings it states', () => {
    expect(expected.length).toBeGreaterThan(0);
    expect(findings.map(key).sort()).toEqual(expected.map(key).sort());
  });

  test('every finding names its file, object and field and says what is wrong', () => {
    for (const f of findings) {
      expect(f.file).toMatch(/\.yaml$/);
      expect(f.object).toMatch(/^[A-Za-z]+\//);
      expect(f.message.length).toBeGreaterThan(8);
    }
  });
});

test('every rule has a fixture that trips it', () => {
  const covered = new Set(fixtures.flatMap((f) => expectations(join(FIXTURES, f)).map((e) => e.rule)));
  expect(RULES.filter((rule) => !covered.has(rule))).toEqual([]);
});

test.each(environmentNames)('our own %s output has no finding at all', (environment) => {
  const { manifests, bootstrap } = rendered(environment);
  const config = platformConfig(environment);
  expect(
    validateManifests([...manifests, ...bootstrap], {
      externalSecrets: config.externalSecrets,
      defaultNamespace: config.environment.namespace,
      metricLabels: config.observability.serviceMetricLabels,
    }),
  ).toEqual([]);
});

describe('npm run validate', () => {
  test('one line per finding with severity, file, object, field and message; counts at the end; exit 1 on errors', () => {
    const run = runBuilt('scripts/validate.js', [join(FIXTURES, 'unnamed-ports.yaml')]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^mode: foreign \(/);
    // Its Namespace sets no Pod Security level: said once, before the findings.
    expect(lines[1]).toMatch(
      /^note {4}\S+unnamed-ports\.yaml Deployment\/blog\/blog-service: namespace "blog" sets no .* \[pod-security\]$/,
    );
    expect(lines[2]).toMatch(
      /^error {3}\S+unnamed-ports\.yaml Service\/blog\/blog-service spec\.ports\[0\]\.name: "" does not declare a protocol .* \[port-protocol\]$/,
    );
    expect(lines.at(-1)).toBe('1 file(s), 5 object(s): 2 error(s), 0 warning(s), 0 waived, 1 note(s)');
  });

  test('exit 0 with only warnings; waivers listed with their reason', async () => {
    const warnings = await validateInProcess([join(FIXTURES, 'schema-unknown-kind.yaml')]);
    expect(warnings.status).toBe(0);
    expect(warnings.stdout).toContain('0 error(s), 1 warning(s)');
    const waived = await validateInProcess([join(FIXTURES, 'waiver.yaml')]);
    expect(waived.status).toBe(0);
    expect(waived.stdout).toContain('waived: a queue worker with no port to probe');
    expect(waived.stdout).toContain('0 error(s), 0 warning(s), 2 waived');
  });

  test('--format json', async () => {
    const run = await validateInProcess([join(FIXTURES, 'hpa-pinned-replicas.yaml'), '--format', 'json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { mode: string; objects: number; counts: { errors: number }; findings: Finding[] };
    expect(report.mode).toBe('foreign');
    expect(report.objects).toBe(2);
    expect(report.counts.errors).toBe(1);
    expect(report.findings.find((f) => f.severity === 'error')).toMatchObject({
      severity: 'error',
      rule: 'hpa',
      object: 'Deployment/blog/user-service',
      field: 'spec.replicas',
    });
  });

  test('our rendered tree passes, folder by folder and every environment at once', () => {
    const out = mkdtempSync(join(tmpdir(), 'titanium-validate-'));
    for (const environment of environmentNames) synthInto(join(out, 'dist'), environment, ANY_SOURCE, join(out, 'argocd'));
    const run = runBuilt('scripts/validate.js', [join(out, 'dist'), join(out, 'argocd')]);
    expect(run.stdout).toMatch(/^mode: project \(/);
    // No note either: a note would follow the counts.
    expect(run.stdout).toMatch(/0 error\(s\), 0 warning\(s\), 0 waived\n$/);
    expect(run.status).toBe(0);
  });

  test('a broken rendered file is traced back to its construct', async () => {
    const out = mkdtempSync(join(tmpdir(), 'titanium-validate-'));
    synthInto(join(out, 'dist'), 'prod', ANY_SOURCE);
    const tree = join(out, 'dist', 'prod');
    const file = join(tree, 'titanium-prod', 'deployment-user-service.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true'));
    const run = await validateInProcess([tree]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field (did you mean "readOnlyRootFilesystem"?) [schema] (construct titanium-prod/user-service/deployment)',
    );
  });

  test('YAML that does not parse, and a missing path, are errors with a line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titanium-validate-'));
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n');
    const run = await validateInProcess([dir, join(dir, 'missing.yaml')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/broken\.yaml line \d+: .* \[yaml\]/);
    expect(run.stdout).toContain('missing.yaml: no such file or folder [yaml]');
  });

  test('no arguments is a usage error', async () => {
    const run = await validateInProcess([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run validate');
  });
});

// Reading any YAML: the input fixtures (test/support/fixtures/validate-input/, problems of the input
// itself, which name a file and a line rather than an object) each produce exactly the findings
// they state; Lists are expanded into their items; aliases, merge keys, source trees, files that
// hold no object, unreadable files; the note severity in the command's output.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseManifests, readManifests, yamlFiles } from '../../validation/read-manifests';
import { validateManifests, type ValidationContext } from '../../validation';
import { countBySeverity, formatFinding, summaryLine, withinItem, type Finding } from '../../validation/finding';
import { objectRef, type KubeObject } from '../../validation/manifest';
import { ROOT, runBuilt } from '../support/cli';

const FIXTURES = join(__dirname, '..', 'support', 'fixtures');
const INPUT = join(FIXTURES, 'validate-input');
const context: ValidationContext = { externalSecrets: [], defaultNamespace: 'default' };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'titanium-read-'));
}

/** Everything `npm run validate` reports for these paths: the reader's problems, then the rules' findings. */
function judge(paths: string[]): Finding[] {
  const read = readManifests(paths);
  return [...read.problems, ...validateManifests(read.manifests, context)];
}

function filesIn(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((entry) => filesIn(join(path, entry))) : [path];
}

/** `# expect: <severity> <rule> <Kind/ns/name or -> <field or ->`: `-` for a finding about the file, or with no field. */
function expectations(path: string): string[] {
  return filesIn(path)
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^# expect: (\w+) ([\w-]+) (\S+) ?(.*)$/gm)])
    .map(([, severity, rule, object, field]) => `${severity} ${rule} ${object} ${field.trim() || '-'}`);
}

const key = (f: Finding) => `${f.severity} ${f.rule} ${f.object ?? '-'} ${f.field ?? '-'}`;

describe.each(readdirSync(INPUT).sort())('input fixture %s', (fixture) => {
  const path = join(INPUT, fixture);
  const findings = judge([path]);

  test('produces exactly the findings it states, each naming its file', () => {
    const expected = expectations(path);
    expect(expected.length).toBeGreaterThan(0);
    expect(findings.map(key).sort()).toEqual(expected.sort());
    for (const f of findings) expect(f.file).toBe(path);
  });

  test('a YAML error names its line; nothing is internal', () => {
    for (const f of findings.filter((f) => f.rule === 'yaml' && f.severity === 'error')) expect(f.field).toMatch(/^line \d+$/);
    expect(findings.filter((f) => f.rule === 'internal')).toEqual([]);
  });
});

describe('the crashes of issue 14', () => {
  test('routes without destination or host: the schema names them, the other routes are judged', () => {
    const file = join(FIXTURES, 'validate', 'route-without-destination.yaml');
    expect(judge([file])).toEqual([
      {
        severity: 'error',
        rule: 'schema',
        file,
        object: 'VirtualService/shop/storefront',
        field: 'spec.http[0].route[0].destination.host',
        message: 'is required',
      },
      {
        severity: 'error',
        rule: 'schema',
        file,
        object: 'VirtualService/shop/storefront',
        field: 'spec.http[1].route[0].destination',
        message: 'is required',
      },
      {
        severity: 'error',
        rule: 'route-destination',
        file,
        object: 'VirtualService/shop/storefront',
        field: 'spec.http[2].route[0].destination.port.number',
        message: 'Service shop/catalog has no port 9090 (it has 8080)',
      },
    ]);
  });

  test('an alias to an anchor of another document is a yaml error at the alias, and the other documents are read', () => {
    const file = join(INPUT, 'alias-across-documents.yaml');
    const read = readManifests([file]);
    expect(read.problems).toEqual([
      {
        severity: 'error',
        rule: 'yaml',
        file,
        field: 'line 13',
        message: 'alias *shared names no anchor &shared before it in this document (an anchor does not reach into another document)',
      },
    ]);
    expect(read.manifests.map((m) => objectRef(m.object))).toEqual(['ConfigMap/shop/settings', 'Deployment/shop/worker']);
  });

  test('an alias inside its own anchor, and a merge of a number, are yaml errors, not a hang or an exception', () => {
    const file = join(INPUT, 'anchors-and-merge-keys.yaml');
    expect(readManifests([file]).problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'line 32: alias *loop is inside the node &loop it names: the structure never ends',
      'line 38: << merges only maps, aliases of maps or lists of them',
    ]);
  });
});

describe('Lists', () => {
  test('every item is an object of its own, located by items[i]; a typed list gives bare items its kind', () => {
    const read = readManifests([join(FIXTURES, 'validate', 'list-items.yaml')]);
    expect(read.problems).toEqual([]);
    expect(read.manifests.map((m) => [m.object.apiVersion, objectRef(m.object), m.listItem])).toEqual([
      ['v1', 'Namespace/shop', 'items[0]'],
      ['v1', 'Secret/shop/payments', 'items[1]'],
      ['apps/v1', 'Deployment/shop/web', 'items[2]'],
      ['v1', 'ConfigMap/shop/web-settings', 'items[0]'],
    ]);
  });

  test('a List inside a List, and the items a List cannot give a kind', () => {
    const read = readManifests([join(INPUT, 'list-items-without-kind.yaml')]);
    expect(read.manifests.map((m) => [m.object.apiVersion, objectRef(m.object), m.listItem])).toEqual([
      ['v1', 'Service/shop/web', 'items[0]'],
      ['v1', 'Pod/shop/debug', 'items[3].items[0]'],
      ['v1', 'Service/shop/typed', 'items[1]'],
    ]);
    expect(read.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'line 15: items[1]: not a Kubernetes object (no apiVersion and kind; a v1 List gives its items none, each names its own)',
      'line 17: items[2]: not a Kubernetes object (no kind)',
      'line 28: items[0]: not a Kubernetes object (no apiVersion)',
    ]);
  });

  test('a List whose items are not a list, an empty item, and a kind ending in List without items', () => {
    const { manifests, problems } = parseManifests(
      [
        'apiVersion: v1\nkind: List\nitems: {a: 1}',
        'apiVersion: v1\nkind: List\nitems:\n  -\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: kept}',
        'apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: custom}\nspec: {entries: [a]}',
      ].join('\n---\n'),
      'lists.yaml',
    );
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'line 1: List: items must be a list, not map',
      'line 8: items[0]: an empty item, not a Kubernetes object',
    ]);
    expect(manifests.map((m) => objectRef(m.object))).toEqual(['ConfigMap/kept', 'AllowList/custom']);
  });

  test("a finding's field inside an item starts with the item's place", () => {
    expect(withinItem('items[2]', 'spec.replicas')).toBe('items[2].spec.replicas');
    expect(withinItem('items[2]', '["a.b"]')).toBe('items[2]["a.b"]');
    expect(withinItem('items[2]', undefined)).toBe('items[2]');
    expect(withinItem(undefined, 'spec')).toBe('spec');
  });
});

describe('YAML as kubectl reads it', () => {
  test('merge keys merge: the sidecar gets the anchored container and resources, with its own limits', () => {
    const [deployment] = readManifests([join(INPUT, 'anchors-and-merge-keys.yaml')]).manifests;
    const containers = (deployment.object.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
      .containers;
    expect(containers[1]).toEqual({
      name: 'sidecar',
      image: 'registry.example.com/sidecar:2.0.1',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    });
  });

  test('a key twice in one map is a yaml error at the second, naming the first; merge keys may repeat', () => {
    const { problems } = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n  "1": b\n  1: c\n  x: "2"\n',
      'dup.yaml',
    );
    expect(problems).toEqual([
      { severity: 'error', rule: 'yaml', file: 'dup.yaml', field: 'line 9', message: 'key "x" appears twice in one map (first at line 6)' },
    ]);
  });

  test('a billion laughs is one yaml error, read in no time', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${String.fromCharCode(96 + i)}, `.repeat(9)}*${String.fromCharCode(96 + i)}]`,
      );
    const started = performance.now();
    const { problems } = parseManifests(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`,
      'laughs.yaml',
    );
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'line 1: aliases would copy their nodes more than 1000 times: not read (a "billion laughs" document?)',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a document that does not parse is one error, the first; past five such documents the rest are counted', () => {
    const { problems } = parseManifests(Array.from({ length: 8 }, () => 'a: [1, 2\nb: }').join('\n---\n'), 'broken.yaml');
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatchObject({ rule: 'yaml', field: 'line 2' });
    expect(problems[0].message).toMatch(/ \(and \d+ more problem\(s\) in this document\)$/);
    expect(problems[5]).toEqual({
      severity: 'error',
      rule: 'yaml',
      file: 'broken.yaml',
      field: 'line 17',
      message: '3 more document(s) do not parse, the first here',
    });
  });

  test('a name that is a map, even with a toString key, is shown, not called', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: { toString: 1 } } } as unknown as KubeObject;
    expect(objectRef(object)).toBe('ConfigMap/{"toString":1}');
    const { manifests } = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {toString: 1, valueOf: 2}\n  labels: {__proto__: x}',
      'f.yaml',
    );
    expect(validateManifests(manifests, context).map(key)).toEqual(['error schema ConfigMap/{"toString":1,"valueOf":2} metadata.name']);
  });
});

describe('files that are not text, and paths that cannot be read', () => {
  test('a control character, bytes that are not UTF-8, a broken link and a link loop are yaml errors, each once', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bell.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "\u0007"}\n');
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf'), Buffer.from([0xe9]), Buffer.from('}\n')]),
    );
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'dangling.yaml'));
    mkdirSync(join(dir, 'loop'));
    symlinkSync(join(dir, 'loop'), join(dir, 'loop', 'again'));
    const read = readManifests([dir, join(dir, 'bell.yaml')]);
    expect(read.files.map((f) => relative(dir, f))).toEqual(['bell.yaml', 'latin1.yaml']);
    expect(read.problems.map((p) => `${relative(dir, p.file ?? '')} ${p.field ?? '-'}: ${p.message}`)).toEqual([
      'dangling.yaml -: does not exist (a broken link?)',
      'bell.yaml line 4: holds the control character U+0007, which YAML does not allow: not read (is it a text file?)',
      'latin1.yaml line 3: is not UTF-8 text, which is all kubectl reads: not read',
    ]);
  });
});

describe('source trees', () => {
  test('a chart is one note whether the folder, a folder above it or a file inside it is named', () => {
    const chart = join(INPUT, 'helm-chart');
    const note: Finding = {
      severity: 'note',
      rule: 'source-tree',
      file: chart,
      message: `a Helm chart (Chart.yaml): not judged, its templates and values are not Kubernetes objects until rendered; render it first: helm template ${chart}`,
    };
    expect(readManifests([chart]).problems).toEqual([note]);
    expect(readManifests([join(chart, 'templates', 'deployment.yaml'), join(chart, 'values.yaml'), join(chart, 'Chart.yaml')])).toEqual({
      manifests: [],
      problems: [note],
      files: [],
    });
    expect(yamlFiles(INPUT).filter((f) => f.startsWith(chart))).toEqual([]);
  });

  test('a path relative to the working directory is named as such in the note', () => {
    const run = runBuilt('scripts/validate.js', [relative(ROOT, join(INPUT, 'helm-chart', 'templates'))]);
    expect(run.stdout).toContain('render it first: helm template test/support/fixtures/validate-input/helm-chart [source-tree]');
  });

  test('a kustomization, named as a folder or as the file, is one note; the files beside it are not read', () => {
    const overlay = join(INPUT, 'kustomize-overlay');
    const message = `a Kustomize source tree (kustomization.yaml): not judged, its files are kustomize's input, not the objects it makes; render it first: kubectl kustomize ${overlay}`;
    expect(readManifests([overlay, join(overlay, 'kustomization.yaml')])).toEqual({
      manifests: [],
      problems: [{ severity: 'note', rule: 'source-tree', file: overlay, message }],
      files: [],
    });
  });

  test('every spelling kustomize reads; a tree inside a walked folder is noted and the rest judged', () => {
    for (const name of ['kustomization.yml', 'Kustomization']) {
      const dir = tmp();
      mkdirSync(join(dir, 'base'));
      writeFileSync(join(dir, 'base', name), 'resources: [a.yaml]\n');
      writeFileSync(join(dir, 'base', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-base}\n');
      writeFileSync(join(dir, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n');
      const read = readManifests([dir]);
      expect(read.problems.map((p) => [p.severity, p.file, p.message.split(':')[0]])).toEqual([
        ['note', join(dir, 'base'), `a Kustomize source tree (${name})`],
      ]);
      expect(read.manifests.map((m) => objectRef(m.object))).toEqual(['ConfigMap/plain']);
    }
  });
});

describe('the note severity', () => {
  test('counted apart and shown in the summary only when there are notes; the line of a note', () => {
    const note: Finding = {
      severity: 'note',
      rule: 'yaml',
      file: 'values.yaml',
      message: 'Helm values, not a Kubernetes object: not judged',
    };
    const error: Finding = { severity: 'error', rule: 'yaml', file: 'x.yaml', field: 'line 1', message: 'does not parse' };
    expect(countBySeverity([note, error])).toEqual({ errors: 1, warnings: 0, waived: 0, notes: 1 });
    expect(summaryLine([error])).toBe('1 error(s), 0 warning(s), 0 waived');
    expect(summaryLine([note, error])).toBe('1 error(s), 0 warning(s), 0 waived, 1 note(s)');
    expect(formatFinding(note)).toBe('note    values.yaml: Helm values, not a Kubernetes object: not judged [yaml]');
  });

  test('notes alone leave the exit code 0; in JSON they are counted', () => {
    const run = runBuilt('scripts/validate.js', [join(INPUT, 'values.yaml'), join(INPUT, 'kustomize-overlay'), '--format', 'json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { files: number; objects: number; counts: Record<string, number>; findings: Finding[] };
    expect(report).toMatchObject({ files: 1, objects: 0, counts: { errors: 0, warnings: 0, waived: 0, notes: 2 } });
    const text = runBuilt('scripts/validate.js', [join(INPUT, 'values.yaml'), join(INPUT, 'stray-document.yaml')]);
    expect(text.status).toBe(1);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('2 file(s), 1 object(s): 1 error(s), 0 warning(s), 0 waived, 1 note(s)');
  });
});

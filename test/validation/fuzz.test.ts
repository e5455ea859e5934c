// No input crashes the validator. Property-based (fast-check, seeded and bounded, so every run
// tries the same cases and the file takes a few seconds): this project's own render and the fixtures,
// mutated (fields deleted, values swapped for another type, anchors and aliases inserted, within and
// across documents), random objects of the kinds the rules read, random YAML, random bytes, huge and
// deep documents. The reader and the rules always end with findings, never an exception; no rule
// stops on its input (no `internal` finding); a YAML problem is a `yaml` finding with file and line.
// Once through the built command: an exit code of 0 or 1 and no stack trace.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isCollection, isNode, isPair, parseDocument, stringify, type Node } from 'yaml';
import { parseManifests, readManifests } from '../../validation/read-manifests';
import { validateManifests, type ValidationContext } from '../../validation';
import type { Finding } from '../../validation/finding';
import type { KubeObject, Manifest } from '../../validation/manifest';
import { runBuilt } from '../support/cli';
import { rendered } from '../support/helpers';

const SEED = 14;
const context: ValidationContext = { externalSecrets: [], defaultNamespace: 'default' };
const FIXTURES = join(__dirname, '..', 'support', 'fixtures');

const render = rendered('prod');
const ownManifests: Manifest[] = [...render.manifests, ...render.bootstrap];
const fixtureObjects: KubeObject[] = ['validate', 'validate-input'].flatMap((folder) =>
  readdirSync(join(FIXTURES, folder)).flatMap((entry) => readManifests([join(FIXTURES, folder, entry)]).manifests.map((m) => m.object)),
);
const seeds: KubeObject[] = [...ownManifests.map((m) => m.object), ...fixtureObjects];

/** Every key the seeds use: random objects built from them often hit the fields the rules read. */
const fieldNames = [...new Set(seeds.flatMap((o) => keysOf(o)))].sort();
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

const SEVERITIES = new Set(['error', 'warning', 'waived', 'note']);

/** What every finding of any input must be: the findings that are not, with why (one expect, however many findings). */
function expectWellFormed(findings: readonly Finding[]): void {
  const bad = findings.flatMap((f) => {
    const why = [
      !SEVERITIES.has(f.severity) && 'severity',
      !/^[a-z-]+$/.test(f.rule) && 'rule',
      f.rule === 'internal' && 'a rule stopped on its input',
      !(typeof f.message === 'string' && f.message.length > 5) && 'message',
      f.rule === 'yaml' && f.severity === 'error' && !(f.file && /^line \d+$/.test(f.field ?? '')) && 'a yaml error without file and line',
    ].filter(Boolean);
    return why.length ? [{ why, finding: f }] : [];
  });
  expect(bad).toEqual([]);
}

/** Parse and judge texts as one cluster, alongside `others`; the findings, checked. */
function judgeTexts(texts: readonly string[], others: readonly Manifest[] = []): Finding[] {
  const manifests: Manifest[] = [...others];
  const findings: Finding[] = [];
  texts.forEach((text, i) => {
    const parsed = parseManifests(text, `input-${i}.yaml`);
    manifests.push(...parsed.manifests);
    findings.push(...parsed.problems);
  });
  findings.push(...validateManifests(manifests, context));
  expectWellFormed(findings);
  return findings;
}

// Values of every type, including the awkward ones: keys that shadow Object.prototype's members
// (parsed from JSON, so that `__proto__` is a key of its own; a fresh copy each time).
const awkwardObject = fc
  .constantFrom('{"__proto__": {"name": "x"}}', '{"toString": 1}', '{"valueOf": "x", "constructor": 2}', '{"hasOwnProperty": null}')
  .map((json) => JSON.parse(json) as unknown);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'latest', 'http', '8080', 'STRICT', 'DISABLE', '*', '/', '//', 'a.b.svc.cluster.local', '0', 'null', 'true'),
  fc.integer({ min: -70000, max: 70000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const fieldName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fieldNames) }, fc.string({ maxLength: 6 }));
const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    awkwardObject,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 5 }),
  ),
}));

type Path = (string | number)[];

/** Every path into an object, depth first. */
function pathsOf(value: unknown, prefix: Path = [], found: Path[] = []): Path[] {
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value && typeof value === 'object'
      ? Object.entries(value)
      : [];
  for (const [key, child] of children) {
    found.push([...prefix, key]);
    pathsOf(child, [...prefix, key], found);
  }
  return found;
}

type Mutation =
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly op: 'nest'; readonly at: number; readonly depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: anyValue }) },
  fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 150 }) }),
);

function mutate(object: KubeObject, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(object) as Record<string, unknown>;
  for (const m of mutations) {
    const paths = pathsOf(copy);
    if (!paths.length) break;
    const path = paths[m.at % paths.length];
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy) as Record<
      string | number,
      unknown
    >;
    const last = path[path.length - 1];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (m.op === 'replace') parent[last] = structuredClone(m.value);
    else {
      let nested = parent[last];
      for (let i = 0; i < m.depth; i++) nested = i % 2 ? [nested] : { [fieldNames[i % fieldNames.length]]: nested };
      parent[last] = nested;
    }
  }
  return copy;
}

/** YAML for any value: values the yaml package cannot write (`undefined` at the top) become an empty document. */
function yamlOf(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false }) ?? '';
}

test('mutated objects of our render and of the fixtures: findings, never an exception', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (pick, mutations) => {
      const index = pick % seeds.length;
      const text = yamlOf(mutate(seeds[index], mutations));
      // One in three of our own objects is judged beside the rest of its environment, so references
      // are followed (the others alone: judging 80 objects each time would make this slow).
      const others = index < ownManifests.length && pick % 3 === 0 ? ownManifests.filter((_, i) => i !== index) : [];
      judgeTexts([text], others);
    }),
    { seed: SEED, numRuns: 120 },
  );
});

test('random objects of the kinds the rules read, and of versions and groups no schema knows', () => {
  const kinds = [...new Set(seeds.map((o) => `${o.apiVersion} ${o.kind}`))];
  const strangers = [
    'networking.istio.io/v1alpha3 VirtualService',
    'extensions/v1beta1 Deployment',
    'serving.knative.dev/v1 Service',
    'v1 List',
  ];
  const object = fc.record({
    type: fc.constantFrom(...kinds, ...strangers),
    metadata: fc.oneof(
      fc.record({
        name: fc.oneof(fc.constantFrom('web', 'api-gateway', 'redis'), scalar),
        namespace: fc.constantFrom('titanium-prod', 'monitoring', 'default'),
      }),
      anyValue,
    ),
    spec: anyValue,
    extra: fc.dictionary(fieldName, anyValue, { maxKeys: 3 }),
  });
  fc.assert(
    fc.property(fc.array(object, { minLength: 1, maxLength: 6 }), (objects) => {
      const texts = objects.map(({ type, metadata, spec, extra }) => {
        const [apiVersion, kind] = type.split(' ');
        return yamlOf({ ...extra, apiVersion, kind, metadata, spec, ...(kind === 'List' ? { items: [spec, extra] } : {}) });
      });
      judgeTexts(texts);
    }),
    { seed: SEED, numRuns: 150 },
  );
});

/** Every node of a document, in document order. */
function nodesOf(node: unknown, found: Node[] = []): Node[] {
  if (!isNode(node)) return found;
  found.push(node);
  if (isCollection(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        nodesOf(item.key, found);
        nodesOf(item.value, found);
      } else nodesOf(item, found);
    }
  }
  return found;
}

test('anchors and aliases anywhere, before their anchor, inside it, across documents', () => {
  fc.assert(
    fc.property(
      fc.nat(),
      fc.array(fc.record({ anchor: fc.nat(), alias: fc.nat() }), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (pick, anchorsAndAliases, across) => {
        const doc = parseDocument(yamlOf(seeds[pick % seeds.length]));
        for (const { anchor, alias: at } of anchorsAndAliases) {
          const nodes = nodesOf(doc.contents);
          const target = nodes[anchor % nodes.length];
          const place = nodes[at % nodes.length];
          if (!target || !place || target === doc.contents) continue;
          // Replace `place`'s value in its parent by an alias of `target` (which may come after it, or contain it).
          const alias = doc.createAlias(target as never);
          for (const parent of nodesOf(doc.contents).filter(isCollection)) {
            const items = parent.items as unknown[];
            items.forEach((item, i) => {
              if (item === place) items[i] = alias;
              else if (isPair(item) && item.value === place) item.value = alias;
            });
          }
        }
        const text = doc.toString({ verifyAliasOrder: false });
        const anchorName = /&(\w+)/.exec(text)?.[1];
        const next = across && anchorName ? `\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: *${anchorName}\n` : '';
        judgeTexts([text + next]);
      },
    ),
    { seed: SEED, numRuns: 100 },
  );
});

test('random YAML-ish text and random bytes', () => {
  const token = fc.constantFrom(
    'apiVersion: v1\n',
    'kind: ConfigMap\n',
    'kind: List\n',
    'items:\n',
    'metadata:\n',
    '  name: x\n',
    '---\n',
    '- ',
    ': ',
    '  ',
    '\n',
    '[',
    ']',
    '{',
    '}',
    ',',
    '&a ',
    '*a',
    '&b ',
    '*b',
    '<<: ',
    '!!str ',
    '!foo ',
    '|\n',
    '>-\n',
    '"',
    "'",
    '#',
    '? ',
    '%YAML 1.1\n',
    '\t',
    'yes',
    '0x1F',
    '.inf',
    '~',
    '{{ .Values.x }}',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 60 }), (parts) => {
      judgeTexts([parts.join('')]);
    }),
    { seed: SEED, numRuns: 250 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'titanium-fuzz-'));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const file = join(dir, 'bytes.yaml');
      writeFileSync(file, bytes);
      const read = readManifests([file]);
      const findings = [...read.problems, ...validateManifests(read.manifests, context)];
      expectWellFormed(findings);
    }),
    { seed: SEED, numRuns: 150 },
  );
});

describe('huge and deep documents', () => {
  const deployment = ownManifests.find((m) => m.object.kind === 'Deployment')!.object;

  test('a map of 20,000 keys is read in bounded time (no check compares every key with every other)', () => {
    const data = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`key${i}`, `value-${i}`]));
    const text = yamlOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge', namespace: 'shop' }, data });
    const started = performance.now();
    const { manifests, problems } = parseManifests(text, 'huge.yaml');
    // Linear, well under a second; the yaml library's own duplicate-key check took 7 s.
    expect(performance.now() - started).toBeLessThan(4000);
    expect(problems).toEqual([]);
    expect(Object.keys(manifests[0].object.data as object)).toHaveLength(20000);
  });

  test('a List of 60 items and a file of 20 documents: each object judged, alike', () => {
    // Each copy floats its image: one image-tag error apiece, wherever it sits.
    const copies = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => {
        const copy = structuredClone(deployment) as KubeObject & { spec: { template: { spec: { containers: { image: string }[] } } } };
        copy.spec.template.spec.containers[0].image = 'nginx:latest';
        return { ...copy, metadata: { ...copy.metadata, name: `${prefix}-${i}` } };
      });
    const texts = [yamlOf({ apiVersion: 'v1', kind: 'List', items: copies(60, 'item') }), copies(20, 'doc').map(yamlOf).join('---\n')];
    const findings = judgeTexts(texts).filter((f) => f.rule === 'image-tag');
    expect(findings).toHaveLength(80);
    expect(new Set(findings.map((f) => f.object)).size).toBe(80);
    expect(findings.filter((f) => f.field?.startsWith('items['))).toHaveLength(60);
  });

  test('nesting deeper than the parser goes is a yaml error; as deep as it goes is judged', () => {
    const deep = (levels: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    const tooDeep = judgeTexts([deep(20000)]);
    expect(tooDeep.length).toBeGreaterThan(0);
    expect(tooDeep.every((f) => f.rule === 'yaml' && f.field === 'line 5')).toBe(true);
    const blockDeep = Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n');
    judgeTexts([
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: deep}\nspec:\n  source:\n    helm:\n      valuesObject:\n${blockDeep.replace(/^/gm, '      ')} 1\n`,
    ]);
  });
});

test('the built command on mutated files: exit 0 or 1, a summary, never a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'titanium-fuzz-cli-'));
  const samples = fc.sample(fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 })), { seed: SEED, numRuns: 40 });
  samples.forEach(([pick, mutations], i) =>
    writeFileSync(join(dir, `mutated-${i}.yaml`), yamlOf(mutate(seeds[pick % seeds.length], mutations))),
  );
  fc.sample(fc.uint8Array({ maxLength: 200 }), { seed: SEED, numRuns: 5 }).forEach((bytes, i) =>
    writeFileSync(join(dir, `bytes-${i}.yaml`), bytes),
  );
  writeFileSync(
    join(dir, 'alias.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: *m\n',
  );
  for (const format of ['text', 'json']) {
    const run = runBuilt('scripts/validate.js', [dir, '--format', format]);
    expect([0, 1]).toContain(run.status);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toBe('');
    if (format === 'text')
      expect(run.stdout).toMatch(/\n\d+ file\(s\), \d+ object\(s\): \d+ error\(s\), \d+ warning\(s\), \d+ waived(, \d+ note\(s\))?\n$/);
    else expect(JSON.parse(run.stdout)).toMatchObject({ files: 46 });
    expect(run.stdout).not.toContain('[internal]');
  }
});

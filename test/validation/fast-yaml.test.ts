// The fast path of reading manifests (validation/fast-yaml.ts, js-yaml) never changes what is read:
// on every file synth writes, on the fixtures and on random documents, parseManifests gives the
// same manifests and findings with it as without it (the yaml library alone). It must also be the
// path our own render takes, or `npm run validate` is slow again without any test noticing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { manifestYaml } from '../../synth/manifest-yaml';
import { yamlText } from '../../synth/yaml-text';
import { readSimpleDocument } from '../../validation/fast-yaml';
import { parseManifests } from '../../validation/read-manifests';
import { environmentNames, rendered } from '../support/helpers';

const FIXTURES = join(__dirname, '..', 'support', 'fixtures');

function sameEitherWay(text: string, file = 'input.yaml'): void {
  expect(parseManifests(text, file)).toEqual(parseManifests(text, file, { fastPath: false }));
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

describe('the fast path of the manifest reader', () => {
  test.each(environmentNames)('reads every file synth writes for %s as the yaml library does, and takes most of them', (environment) => {
    const { manifests, bootstrap } = rendered(environment);
    const texts = [...manifests, ...bootstrap].map(manifestYaml);
    for (const text of texts) sameEitherWay(text, 'rendered.yaml');
    const fast = texts.filter((text) => readSimpleDocument(text) !== undefined).length;
    // The construct comment survives the fast path: validate names the TypeScript source.
    expect(parseManifests(texts[0], 'rendered.yaml').manifests[0].constructPath).toBeDefined();
    expect(fast).toBeGreaterThan(texts.length * 0.8);
  });

  test('reads every fixture as the yaml library does (Lists, aliases, duplicates, bad YAML included)', () => {
    const files = yamlFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) sameEitherWay(readFileSync(file, 'utf8'), file);
  });

  test.each([
    ['an alias', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: {x: *m}\n'],
    ['a key twice', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n'],
    ['two documents', 'apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n'],
    ['a tag', 'apiVersion: v1\nkind: ConfigMap\ndata: {port: !!str 80}\n'],
    ['a merge key', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  <<: {a: b}\n'],
    ['a null key', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  ~: b\n'],
    ['a List', 'apiVersion: v1\nkind: List\nitems: []\n'],
    ['a flow map as a key (a Helm template)', 'apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: {{ .Release.Name }}\n'],
  ])('leaves %s to the yaml library', (_what, text) => {
    sameEitherWay(text);
    if (!text.includes('kind: List')) expect(readSimpleDocument(text)).toBeUndefined();
  });

  // Plain scalars the two libraries could read differently (YAML 1.1 forms, underscores, signs, radixes).
  const TRICKY = [
    '1_000',
    '0b101',
    '0o17',
    '017',
    '0x1F',
    '0X1F',
    '+12',
    '-0',
    '1.',
    '.5',
    '+.5',
    '1e3',
    '1E+3',
    '1.5e-3',
    '.inf',
    '-.Inf',
    '.NaN',
    'nan',
    'true',
    'True',
    'TRUE',
    'yes',
    'on',
    'off',
    'y',
    'n',
    '~',
    'null',
    'Null',
    'NULL',
    '2024-01-01',
    '12:30:00',
    '1:20',
    '0.1.2',
    '08',
    '0.0',
    '-1',
    '"quoted"',
    "'single'",
    '""',
    'a b',
    ' ',
    'x:y',
    'a #b',
    '#c',
    '-',
    '--',
    '[1, a]',
    '{a: 1}',
    '{}',
    '[]',
    '|\n  block\n',
    '>-\n  folded\n  text\n',
  ];
  const scalar = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean());
  const key = fc.oneof(
    fc.constantFrom(...TRICKY.filter((t) => !/[\n{}[\]]/.test(t) && t.trim() !== '')),
    fc.string({ minLength: 1, maxLength: 6 }),
  );

  test('reads random documents as the yaml library does, whichever writer wrote them', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })), {
          maxKeys: 5,
        }),
        (data) => {
          const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fuzz' }, data };
          sameEitherWay(yamlText(object));
          sameEitherWay(stringify(object));
        },
      ),
      { seed: 15, numRuns: 400 },
    );
  });

  test('reads random plain scalars written as they come as the yaml library does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.constantFrom(...TRICKY)), { maxLength: 6 }), (pairs) => {
        const lines = pairs.map(([k, v], i) => `  k${i}${String(k).replace(/[\n:#]/g, '')}: ${v.replace(/\n/g, '\n    ')}`);
        sameEitherWay(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\ndata:\n${lines.join('\n')}\n`);
      }),
      { seed: 15, numRuns: 400 },
    );
  });
});

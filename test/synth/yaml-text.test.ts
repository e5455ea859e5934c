// The fast YAML writer must write exactly what the yaml package writes, and what it writes must read
// back (as YAML 1.1, the way kubectl and Argo CD read it) to the same data.
import { parse, stringify } from 'yaml';
import { YAML_OPTIONS, yamlText } from '../../synth/yaml-text';
import { environmentNames, rendered } from '../support/helpers';

function expectSameAsYamlPackage(value: unknown): void {
  const text = yamlText(value);
  expect(text).toBe(stringify(value, YAML_OPTIONS));
  expect(parse(text, { version: '1.1' })).toEqual(value);
}

test.each(environmentNames)('every object rendered for %s is written exactly as the yaml package writes it', (environment) => {
  const { manifests, bootstrap } = rendered(environment);
  for (const manifest of [...manifests, ...bootstrap]) {
    expect({ file: manifest.file, text: yamlText(manifest.object) }).toEqual({
      file: manifest.file,
      text: stringify(manifest.object, YAML_OPTIONS),
    });
  }
});

// Scalars that a YAML 1.1 reader would turn into something else, or that need quoting or a block.
const TRICKY_SCALARS: unknown[] = [
  'on',
  'off',
  'yes',
  'No',
  'y',
  'n',
  'true',
  'NULL',
  '~',
  '',
  ' ',
  'a ',
  ' a',
  'a  b',
  '1:20',
  '8080',
  '0755',
  '1.0.0',
  '1e3',
  '0x1F',
  '.inf',
  '-',
  '- a',
  '? x',
  '@at',
  '#hash',
  'a #b',
  'a: b',
  'a:',
  'http://x:80/path',
  'image:1.2.3',
  'cpu=500m',
  '[x]',
  '{x}',
  'a, b',
  '"quoted"',
  "it's",
  '*alias',
  '&anchor',
  '!tag',
  '%pct',
  '|',
  '>',
  'multi\nline',
  'trailing newline\n',
  'two\n\nblank lines\n\n',
  '  indented\nfirst',
  'tab\there',
  'ünïcode',
  '/dev/stdout',
  '/',
  '//x',
  '/a b',
  '/a #b',
  '/a:',
  '500m',
  '2Gi',
  '15s',
  '7d',
  '24h',
  '0m',
  '01s',
  '1.5h',
  '1e3s',
  '10Mi ',
  'e1',
  'E54',
  'e+1',
  'e-12',
  'e',
  'ex1',
  'k'.repeat(1100),
  'x'.repeat(200),
  `${'word '.repeat(40)}end`,
  0,
  -1,
  42,
  0.5,
  -0,
  1e21,
  1.5e-7,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  null,
];

test.each(TRICKY_SCALARS.map((scalar) => [JSON.stringify(scalar), scalar]))(
  'scalar %s is written as the yaml package writes it, in every position',
  (_, scalar) => {
    expectSameAsYamlPackage({ key: scalar });
    expectSameAsYamlPackage({ outer: { inner: scalar, after: 1 } });
    expectSameAsYamlPackage({ list: [scalar, 'next'] });
    expectSameAsYamlPackage({ list: [{ name: scalar, value: scalar }] });
    expectSameAsYamlPackage([[scalar]]);
    if (typeof scalar === 'string') expectSameAsYamlPackage({ [scalar]: 'value', nested: { [scalar]: { [scalar]: 1 } } });
  },
);

test('collections: empty, nested, sequences of sequences, undefined entries', () => {
  expectSameAsYamlPackage({});
  expectSameAsYamlPackage([]);
  expectSameAsYamlPackage({ a: {}, b: [], c: [{}, [], [[]]], d: [[1, 2], [{ x: 1, y: [3] }]] });
  expectSameAsYamlPackage({ spec: { template: { spec: { containers: [{ name: 'a', args: ['--x', '--y=1'], env: [] }] } } } });
  expect(yamlText({ kept: 1, dropped: undefined })).toBe(stringify({ kept: 1, dropped: undefined }, YAML_OPTIONS));
  expect(yamlText(['x', undefined])).toBe(stringify(['x', undefined], YAML_OPTIONS));
});

test('a multi-line script keeps its blank lines and indentation at any depth', () => {
  const script = 'import http from "k6/http";\n\nexport default function () {\n  http.get("x");\n}\n';
  expectSameAsYamlPackage({ data: { 'script.js': script }, list: [{ deep: [{ deeper: script }] }] });
});

test('anything but plain data is refused', () => {
  expect(() => yamlText({ f: () => 1 })).toThrow(/not plain data: function/);
});

test('a document that is a single scalar is the yaml package output too', () => {
  for (const scalar of ['plain', 'on', 'multi\nline\n', 3]) expect(yamlText(scalar)).toBe(stringify(scalar, YAML_OPTIONS));
});

// A deterministic fuzz: random documents built from the characters and shapes that matter to YAML.
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const pieces = [
    'a',
    'Z',
    'e',
    'E',
    'y',
    'n',
    'on',
    'true',
    'null',
    '0',
    '1',
    '9',
    '.',
    '-',
    '+',
    '_',
    ':',
    ' ',
    '#',
    '/',
    '@',
    '=',
    ',',
    '[',
    '{',
    '"',
    "'",
    '\n',
    '\t',
    '~',
    '*',
    '&',
    '!',
    '%',
    '|',
    '>',
    'ü',
  ];
  // Half the strings are short and nearly plain, where the fast path decides alone.
  const near = ['a', 'e', 'E', 'y', 'n', 'O', '0', '1', '9', '.', '-', '+', '_', ':', '/'];
  const string = () =>
    next() < 0.5
      ? Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(near)).join('')
      : Array.from({ length: Math.floor(next() * 6) }, () => pick(pieces)).join('');
  const scalar = (): unknown =>
    pick([string, string, string, () => Math.floor(next() * 2000) - 1000, () => next() * 10, () => next() < 0.5, () => null])();
  const node = (depth: number): unknown => {
    if (depth > 3 || next() < 0.35) return scalar();
    if (next() < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => node(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [string(), node(depth + 1)]));
  };
  return () => ({ root: node(0), other: node(1) });
}

test('2,000 random documents are written exactly as the yaml package writes them', () => {
  const generate = generator(20261127);
  for (let i = 0; i < 2000; i++) {
    const value = generate();
    expect({ i, text: yamlText(value) }).toEqual({ i, text: stringify(value, YAML_OPTIONS) });
  }
});

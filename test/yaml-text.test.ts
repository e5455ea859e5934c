// The fast YAML writer must write exactly what the yaml package writes, and what it writes must read
// back (as YAML 1.1, the way kubectl and Argo CD read it) to the same data.
import { parse, stringify } from 'yaml';
import { YAML_OPTIONS, yamlText } from '../lib/yaml-text';
import { environmentNames, rendered } from './helpers';

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
  'on', 'off', 'yes', 'No', 'y', 'n', 'true', 'NULL', '~', '', ' ', 'a ', ' a', 'a  b',
  '1:20', '8080', '0755', '1.0.0', '1e3', '0x1F', '.inf', '-', '- a', '? x', '@at', '#hash', 'a #b', 'a: b', 'a:',
  'http://x:80/path', 'image:1.2.3', 'cpu=500m', '[x]', '{x}', 'a, b', '"quoted"', "it's", '*alias', '&anchor', '!tag', '%pct',
  '|', '>', 'multi\nline', 'trailing newline\n', 'two\n\nblank lines\n\n', '  indented\nfirst', 'tab\there', 'ünïcode',
  '/dev/stdout', '/', '//x', '/a b', '/a #b', '/a:', '500m', '2Gi', '15s', '7d', '24h', '0m', '01s', '1.5h', '1e3s', '10Mi ',
  'x'.repeat(200), `${'word '.repeat(40)}end`,
  0, -1, 42, 0.5, -0, 1e21, 1.5e-7, Number.MAX_SAFE_INTEGER + 2, true, false, null,
];

test.each(TRICKY_SCALARS.map((scalar) => [JSON.stringify(scalar), scalar]))('scalar %s is written as the yaml package writes it, in every position', (_, scalar) => {
  expectSameAsYamlPackage({ key: scalar });
  expectSameAsYamlPackage({ outer: { inner: scalar, after: 1 } });
  expectSameAsYamlPackage({ list: [scalar, 'next'] });
  expectSameAsYamlPackage({ list: [{ name: scalar, value: scalar }] });
  expectSameAsYamlPackage([[scalar]]);
  if (typeof scalar === 'string') expectSameAsYamlPackage({ [scalar]: 'value', nested: { [scalar]: { [scalar]: 1 } } });
});

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

// The schema rule and the keys of a manifest (issue 14): a key that is no plain name is reported once,
// in one notation (`data["key-0"]`, as the structural layer writes it; kubernetes-models' validators,
// the second layer, used to add `data.key-0`), and a key that is a name of Object.prototype's
// (`constructor`, `__proto__`, `toString`) is a plain key, unknown where the schema does not list
// it. The fixture's findings word for word, then the same as properties (fast-check, seeded).
import { join } from 'node:path';
import fc from 'fast-check';
import { validateManifests } from '../../validation';
import type { KubeObject, Manifest } from '../../validation/manifest';
import { readManifests } from '../../validation/read-manifests';
import { checkSchemas, fieldPath } from '../../validation/schema';
import { fieldJoin } from '../../validation/shape';

const SEED = 14;
const FIXTURE = join(__dirname, '..', 'support', 'fixtures', 'validate', 'schema-odd-keys.yaml');

const schemaLines = (manifests: readonly Manifest[]) =>
  checkSchemas(manifests)
    .map((f) => `${f.severity} ${f.object} ${f.field}: ${f.message}`)
    .sort();

test('odd keys and prototype names in the fixture: each problem once, in one notation', () => {
  const read = readManifests([FIXTURE]);
  expect(read.problems).toEqual([]);
  expect(schemaLines(read.manifests)).toEqual([
    'error ConfigMap/shop/settings data["8080"]: must be a string, not boolean true',
    'error ConfigMap/shop/settings data["key-0"]: must be a string, not number 5',
    'error ConfigMap/shop/settings metadata.annotations["sidecar.istio.io/inject"]: must be a string, not boolean false',
    'error ConfigMap/shop/settings metadata.constructor: unknown field',
    'error Deployment/shop/web spec.__proto__: unknown field',
    'error Deployment/shop/web spec.template.metadata.hasOwnProperty: unknown field',
    'error Deployment/shop/web spec.template.spec.containers[0].toString: unknown field',
  ]);
  // `spec.__proto__: { replicas: 3 }` is a key, not a prototype that lends the Deployment replicas.
  const deployment = read.manifests.find((m) => m.object.kind === 'Deployment')!;
  expect((deployment.object.spec as Record<string, unknown>).replicas).toBeUndefined();
});

test("kubernetes-models' JSON pointers read in the structural layer's notation", () => {
  expect(fieldPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
  expect(fieldPath('/metadata/annotations/sidecar.istio.io~1inject')).toBe('metadata.annotations["sidecar.istio.io/inject"]');
  expect(fieldPath('/data/key-0')).toBe('data["key-0"]');
  expect(fieldPath('/data/a~0b')).toBe('data["a~b"]');
  // A number is an index only where the object has a list: a map key "8080" stays a key.
  expect(fieldPath('/data/8080', { data: { '8080': true } })).toBe('data["8080"]');
  expect(fieldPath('/spec/ports/0/port', { spec: { ports: [{ port: 'x' }] } })).toBe('spec.ports[0].port');
});

const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

/** A Deployment with no schema finding, for keys to be added to. */
function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: {} },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.example.com/web:2.0.1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

/** Where a key may go: objects whose schema lists their fields, and maps of strings. */
const OBJECTS = ['metadata', 'spec', 'spec.template', 'spec.template.spec', 'spec.template.spec.containers[0]'];
const MAPS = ['metadata.labels', 'metadata.annotations', 'spec.template.metadata.labels'];

function at(object: KubeObject, path: string): Record<string, unknown> {
  return path
    .split(/\.|(?=\[)/)
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[/^\[(\d+)\]$/.exec(part)?.[1] ?? part], object) as Record<
    string,
    unknown
  >;
}

/** Sets an own property, also for `__proto__` (plain assignment would replace the prototype). */
function put(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

const manifestOf = (object: KubeObject): Manifest => ({ file: 'web.yaml', object });

test('the starting Deployment has no schema finding', () => {
  expect(schemaLines([manifestOf(deployment())])).toEqual([]);
});

test('a key no schema lists, a prototype name above all, is one unknown field, and no rule stops on it', () => {
  const knownFields = new Set(['name', 'image', 'ports', 'labels', 'spec', 'metadata', 'selector', 'template', 'containers']);
  const key = fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.stringMatching(/^[A-Za-z_$][\w$-]{0,12}$/).filter((k) => !knownFields.has(k)),
  );
  fc.assert(
    fc.property(fc.constantFrom(...OBJECTS), key, fc.jsonValue({ maxDepth: 2 }), (path, k, value) => {
      const object = deployment();
      const node = at(object, path);
      fc.pre(!Object.hasOwn(node, k));
      put(node, k, value ?? 'x');
      const findings = checkSchemas([manifestOf(object)]);
      // One finding, at that key: unknown, or, where a field of that name in another case exists, which one was meant.
      expect(findings.map((f) => f.field)).toEqual([fieldJoin(path, k)]);
      expect(findings[0].message).toMatch(/^unknown field/);
      expect(
        validateManifests([manifestOf(object)], { mode: 'foreign', externalSecrets: [], defaultNamespace: 'default' }),
      ).not.toContainEqual(expect.objectContaining({ rule: 'internal' }));
    }),
    { seed: SEED, numRuns: 150 },
  );
});

test('in a map of strings any key is fine, a prototype name too; a value of another type is reported once', () => {
  const key = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.stringMatching(/^[-._a-zA-Z0-9/~]{1,20}$/));
  const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant([1]), fc.constant({ a: 'b' }));
  fc.assert(
    fc.property(fc.constantFrom(...MAPS), key, fc.option(wrong, { nil: undefined }), (path, k, value) => {
      const object = deployment();
      const node = at(object, path);
      fc.pre(!Object.hasOwn(node, k));
      put(node, k, value ?? 'fine');
      const fields = checkSchemas([manifestOf(object)]).map((f) => f.field);
      expect(fields).toEqual(value === undefined ? [] : [fieldJoin(path, k)]);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

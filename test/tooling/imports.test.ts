// imports/ is generated from the pinned CRDs; this fails when the committed copy is stale. The CRD
// files are the first complete, checksum-matching folder of: $TITANIUM_CRDS, ../shared/crds, the cache
// `npm run fetch:crds` fills (tooling/crds.ts). Then what the schemas hold of them: every served
// version with its own schema and the API server's deprecation warning (read from the pinned files
// and from a CRD of the tests' own), and the operator kinds whose CRD files are not pinned.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { CRD_LOCK, crdCandidates, findCrds } from '../../tooling/crds';
import { compareKubeVersions, crdShapes, deprecationWarning, shapeOfSchema, type Crd } from '../../tooling/schema-generation/crd-shapes';
import { OPERATOR_CRDS, unpinnedKinds } from '../../tooling/schema-generation/unpinned-crds';
import { schemas } from '../../validation/schema';
import type { Shape } from '../../validation/shape';
import { runBuilt, ROOT } from '../support/cli';
import { externalInput } from '../support/strict';

const lookup = findCrds(crdCandidates(ROOT));
const looked = lookup.rejected.map(
  (r) => `${r.source} (${r.dir}: ${r.problems[0]}${r.problems.length > 1 ? `, and ${r.problems.length - 1} more` : ''})`,
);
const haveCrds = externalInput(
  `the pinned CRD files (${CRD_LOCK.version})`,
  lookup.found !== undefined,
  `the imports/ freshness check [looked in ${looked.join('; ')}]`,
  'npm run fetch:crds',
);

(haveCrds ? test : test.skip)('imports/ matches a fresh import of the pinned CRD files', () => {
  const run = runBuilt('scripts/import-crds.js', ['--crds', lookup.found!.dir, '--check']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

/** Every CustomResourceDefinition in a folder's YAML files. */
function crdsIn(dir: string): Crd[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => loadAll(readFileSync(join(dir, f), 'utf8')) as ((Crd & { kind?: string }) | null)[])
    .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition');
}

/** A kind's shape in schemas.json, with its reference into `types` followed. */
const resolved = (key: string) => {
  const shape = schemas().kinds[key];
  return shape?.t === 'ref' ? schemas().types[shape.ref] : shape;
};

(haveCrds ? test : test.skip)(
  'every served version of every pinned CRD has its own schema, and its deprecation warning; no unserved one',
  () => {
    const crds = crdsIn(lookup.found!.dir);
    expect(crds.length).toBeGreaterThan(0);
    for (const crd of crds) {
      const { group, names } = crd.spec;
      const served = crd.spec.versions.filter((v) => v.served);
      for (const version of crd.spec.versions) {
        const key = `${group}/${version.name}/${names.kind}`;
        if (!version.served) {
          expect([key, schemas().kinds[key]]).toEqual([key, undefined]);
          continue;
        }
        const own = shapeOfSchema(version.schema?.openAPIV3Schema) as Extract<Shape, { t: 'object' }>;
        expect([key, resolved(key)]).toEqual([
          key,
          {
            ...own,
            props: { ...own.props, apiVersion: { t: 'string' }, kind: { t: 'string' }, metadata: { t: 'ref', ref: 'ObjectMeta' } },
          },
        ]);
      }
      const deprecated = served.filter((v) => v.deprecated).map((v) => [v.name, deprecationWarning(crd, v)]);
      expect(schemas().crds[`${group}/${names.kind}`]).toEqual({
        served: served.map((v) => v.name).sort((a, b) => compareKubeVersions(b, a)),
        ...(deprecated.length > 0 ? { deprecated: Object.fromEntries(deprecated) } : {}),
      });
    }
  },
);

test('kube-aware version order, as the API server sorts: GA, beta, alpha, then major and minor; other names last', () => {
  const names = ['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v10', 'v1beta1', 'bar', 'v2alpha1'];
  expect([...names].sort((a, b) => compareKubeVersions(b, a))).toEqual([
    'v10',
    'v2',
    'v1',
    'v1beta2',
    'v1beta1',
    'v2alpha1',
    'v1alpha1',
    'bar',
    'foo',
  ]);
});

describe('schemas of a CRD with deprecated, unserved and differing versions', () => {
  const widgets = crdsIn(join(__dirname, '..', 'support', 'fixtures', 'crds'));
  const generated = crdShapes(widgets);

  test('one entry per served version, newest first; versions with the same schema share one shape whatever their field order', () => {
    expect(generated.crds['example.com/Widget'].served).toEqual(['v2', 'v1', 'v1beta1', 'v1alpha2']);
    expect(generated.kinds).toEqual({
      'example.com/v2/Widget': { t: 'ref', ref: 'example.com/v2/Widget' },
      'example.com/v1/Widget': { t: 'ref', ref: 'example.com/v1/Widget' },
      'example.com/v1beta1/Widget': { t: 'ref', ref: 'example.com/v1/Widget' },
      'example.com/v1alpha2/Widget': { t: 'ref', ref: 'example.com/v1alpha2/Widget' },
    });
    expect(Object.keys(generated.types).sort()).toEqual(['example.com/v1/Widget', 'example.com/v1alpha2/Widget', 'example.com/v2/Widget']);
  });

  test("deprecated versions carry the API server's warning: the CRD's text, else the default naming the newest non-deprecated served version", () => {
    expect(generated.crds['example.com/Widget'].deprecated).toEqual({
      v1beta1: 'example.com/v1beta1 Widget is deprecated; use example.com/v2 Widget',
      v1alpha2: 'example.com/v1alpha2 Widget is going away in the next release; move to example.com/v2',
    });
    const [widget] = widgets;
    const variant = (versions: Crd['spec']['versions']): Crd => ({ ...widget, spec: { ...widget.spec, versions } });
    // Nothing newer that is served and not deprecated: the bare sentence.
    const v1 = { name: 'v1', served: true, deprecated: true };
    expect(deprecationWarning(variant([v1, { name: 'v1beta1', served: true }, { name: 'v2', served: false }]), v1)).toBe(
      'example.com/v1 Widget is deprecated',
    );
    const beta = { name: 'v1beta1', served: true, deprecated: true };
    expect(
      deprecationWarning(variant([beta, { name: 'v1', served: true, deprecated: true }, { name: 'v1beta2', served: true }]), beta),
    ).toBe('example.com/v1beta1 Widget is deprecated; use example.com/v1beta2 Widget');
  });
});

test('every prometheus-operator kind is either checked against a pinned CRD or names the file that would check it, never both', () => {
  const { kinds, crds, unpinned } = schemas();
  for (const crd of OPERATOR_CRDS) {
    for (const version of crd.versions) {
      const key = `${crd.group}/${version}/${crd.kind}`;
      const pinned = `${crd.group}/${crd.kind}` in crds;
      expect([key, pinned ? kinds[key] !== undefined : unpinned[key]]).toEqual([key, pinned ? true : crd.file]);
    }
  }
  expect(Object.keys(unpinned).filter((key) => key in kinds)).toEqual([]);
  expect(unpinnedKinds(new Set(['monitoring.coreos.com/Prometheus']), OPERATOR_CRDS)).not.toHaveProperty(
    'monitoring.coreos.com/v1/Prometheus',
  );
});

// Every rendered object validates against its schema (the structural schemas in imports/schemas.json
// and kubernetes-models' validators), and the check is real: unknown fields, wrong types and enum
// typos fail with the field and the allowed values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { crdShapes, type Crd } from '../../tooling/schema-generation/crd-shapes';
import { checkSchemas, fieldPath, modelFor, schemas, type GeneratedSchemas } from '../../validation/schema';
import { readManifests } from '../../validation/read-manifests';
import { checkShape, patternRegExp } from '../../validation/shape';
import type { Manifest } from '../../validation/manifest';
import { BUNDLED_MODELS } from '../../validation/bundled-models';
import { environmentNames, rendered } from '../support/helpers';

describe.each(environmentNames)('environment %s', (environment) => {
  test('every object has a known schema and validates against it', () => {
    const findings = checkSchemas(rendered(environment).manifests);
    expect(findings).toEqual([]);
  });
});

function manifest(object: Manifest['object']): Manifest {
  return { object, file: `test/${object.kind.toLowerCase()}-${object.metadata?.name}.yaml` };
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3' }] } },
  },
};

test('replicas: "two" fails at spec.replicas', () => {
  const findings = checkSchemas([manifest({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } })]);
  expect(findings).toEqual([
    expect.objectContaining({
      severity: 'error',
      rule: 'schema',
      object: 'Deployment/demo/web',
      field: 'spec.replicas',
      message: 'must be a number, not string "two"',
    }),
  ]);
});

test('a missing required field is named', () => {
  const { selector: _selector, ...spec } = deployment.spec;
  const findings = checkSchemas([manifest({ ...deployment, spec })]);
  expect(findings).toEqual([expect.objectContaining({ field: 'spec.selector', message: 'is required' })]);
});

test('mTLS mode STRCT fails with the allowed values (Istio 1.29.6 CRD schema)', () => {
  const findings = checkSchemas([
    manifest({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'demo' },
      spec: { mtls: { mode: 'STRCT' } },
    }),
  ]);
  expect(findings).toEqual([
    expect.objectContaining({
      severity: 'error',
      field: 'spec.mtls.mode',
      message: 'must be one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT", not "STRCT"',
    }),
  ]);
});

test('an unknown field is an error, with the likely intended name', () => {
  const findings = checkSchemas([manifest({ ...deployment, spec: { ...deployment.spec, replica: 2 } })]);
  expect(findings).toEqual([expect.objectContaining({ field: 'spec.replica', message: 'unknown field' })]);
  const typo = checkSchemas([
    manifest({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'demo' },
      spec: { Hosts: ['*'] },
    }),
  ]);
  expect(typo).toEqual([expect.objectContaining({ field: 'spec.Hosts', message: 'unknown field (did you mean "hosts"?)' })]);
});

test('Istio, Argo CD and prometheus-operator kinds have schemas from the pinned CRDs, and no second model', () => {
  for (const kind of [
    'networking.istio.io/v1/VirtualService',
    'security.istio.io/v1/AuthorizationPolicy',
    'argoproj.io/v1alpha1/Application',
    'monitoring.coreos.com/v1/PodMonitor',
  ]) {
    expect(schemas().kinds[kind]).toBeDefined();
  }
  expect(modelFor('argoproj.io/v1alpha1', 'AppProject')).toBeUndefined();
  expect(modelFor('monitoring.coreos.com/v1', 'PrometheusRule')).toBeUndefined();
});

test('CRD patterns are checked: a rule duration the API server would refuse is an error here', () => {
  const rule = (duration: string, strategy = 'warn') =>
    checkSchemas([
      manifest({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'r', namespace: 'monitoring' },
        spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ alert: 'A', expr: 'up == 0', for: duration }] }] },
      }),
    ]);
  expect(rule('5m')).toEqual([]);
  expect(rule('1h30m')).toEqual([]);
  expect(rule('5 minutes')).toEqual([
    expect.objectContaining({
      field: 'spec.groups[0].rules[0].for',
      message: expect.stringMatching(/^must match \^\(0\|.*, not "5 minutes"$/),
    }),
  ]);
  // RE2's leading (?i) becomes a case-insensitive match.
  expect(rule('5m', 'ABORT')).toEqual([]);
  expect(rule('5m', 'never')).toEqual([expect.objectContaining({ field: 'spec.groups[0].partial_response_strategy' })]);
});

test('CRD bounds are checked: an empty rule group name, a negative sample limit', () => {
  const emptyGroup = checkSchemas([
    manifest({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'monitoring' },
      spec: { groups: [{ name: '', rules: [{ alert: 'A', expr: 'up == 0' }] }] },
    }),
  ]);
  expect(emptyGroup).toEqual([expect.objectContaining({ field: 'spec.groups[0].name', message: 'must have at least 1 character, not 0' })]);
  const negative = checkSchemas([
    manifest({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 's', namespace: 'monitoring' },
      spec: { selector: {}, endpoints: [{ port: 'http' }], sampleLimit: -1 },
    }),
  ]);
  expect(negative).toEqual([expect.objectContaining({ field: 'spec.sampleLimit', message: 'must be at least 0, not -1' })]);
});

test('bounds on lists, maps and strings count items, entries and characters (not bytes)', () => {
  const none = { kinds: {}, types: {} };
  expect(checkShape(['a', 'b'], { t: 'array', items: { t: 'string' }, max: 1 }, none)).toEqual([
    { field: '', message: 'must have at most 1 item, not 2' },
  ]);
  expect(checkShape({}, { t: 'map', values: { t: 'string' }, min: 1 }, none)).toEqual([
    { field: '', message: 'must have at least 1 entry, not 0' },
  ]);
  expect(checkShape({ a: 1 }, { t: 'object', props: { a: { t: 'integer' } }, min: 2 }, none)).toEqual([
    { field: '', message: 'must have at least 2 entries, not 1' },
  ]);
  expect(checkShape('ünï', { t: 'string', max: 3 }, none)).toEqual([]);
  expect(checkShape(5, { t: 'integer', min: 1, max: 4 }, none)).toEqual([{ field: '', message: 'must be at most 4, not 5' }]);
});

test('every pattern in the generated schemas compiles', () => {
  const patterns = new Set<string>();
  JSON.stringify(schemas(), (key, value: unknown) => {
    if (key === 'pattern' && typeof value === 'string') patterns.add(value);
    return value;
  });
  expect(patterns.size).toBeGreaterThan(5);
  for (const pattern of patterns) expect(() => patternRegExp(pattern)).not.toThrow();
});

test('every kind the platform renders has its kubernetes-models validator bundled; each loader returns its own kind', () => {
  const renderedKinds = new Set(
    environmentNames.flatMap((env) =>
      [...rendered(env).manifests, ...rendered(env).bootstrap].map((m) => `${m.object.apiVersion}/${m.object.kind}`),
    ),
  );
  const withModel = [...renderedKinds].filter((key) => {
    const parts = key.split('/');
    const kind = parts.pop() as string;
    return modelFor(parts.join('/'), kind) !== undefined;
  });
  expect(withModel.filter((key) => !(key in BUNDLED_MODELS))).toEqual([]);
  for (const [key, load] of Object.entries(BUNDLED_MODELS)) {
    const model = load() as { apiVersion: string; kind: string };
    expect(`${model.apiVersion}/${model.kind}`).toBe(key);
  }
  // Other kinds still load by path.
  expect(modelFor('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBeDefined();
});

test('an unknown kind is a warning, not silently accepted', () => {
  const findings = checkSchemas([manifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })]);
  expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('no schema known') })]);
});

test('field paths read like kubectl explain; a key that is no plain name is quoted, as the structural layer writes it', () => {
  expect(fieldPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
  expect(fieldPath('/metadata/annotations/sidecar.istio.io~1proxyCPU')).toBe('metadata.annotations["sidecar.istio.io/proxyCPU"]');
});

describe('every served version of a pinned CRD', () => {
  const FIXTURES = join(__dirname, '..', 'support', 'fixtures');
  const findingsOf = (fixture: string) => {
    const read = readManifests([join(FIXTURES, 'validate', fixture)]);
    expect(read.problems).toEqual([]);
    return checkSchemas(read.manifests).map(({ severity, object, field, message }) => ({ severity, object, field, message }));
  };

  test("Istio's v1beta1 and v1alpha3 networking and v1beta1 security kinds are checked like v1: unknown fields caught, valid ones pass", () => {
    expect(findingsOf('schema-istio-older-versions.yaml')).toEqual([
      {
        severity: 'error',
        object: 'VirtualService/shop/storefront',
        field: 'spec.http[0].timeOut',
        message: 'unknown field (did you mean "timeout"?)',
      },
      {
        severity: 'error',
        object: 'DestinationRule/shop/catalog',
        field: 'spec.trafficPolicy.connectionpool',
        message: 'unknown field (did you mean "connectionPool"?)',
      },
      { severity: 'error', object: 'AuthorizationPolicy/shop/catalog-readers', field: 'spec.rules[0].form', message: 'unknown field' },
    ]);
  });

  test('the versions Istio serves with one schema share it: an older version costs a reference, not a copy', () => {
    const { crds, kinds } = schemas();
    for (const [key, expected] of [
      ['networking.istio.io/VirtualService', ['v1', 'v1beta1', 'v1alpha3']],
      ['networking.istio.io/DestinationRule', ['v1', 'v1beta1', 'v1alpha3']],
      ['security.istio.io/AuthorizationPolicy', ['v1', 'v1beta1']],
    ] as const) {
      expect(crds[key].served).toEqual(expected);
      const [group, kind] = key.split('/');
      const refs = expected.map((version) => kinds[`${group}/${version}/${kind}`]);
      expect(refs).toEqual(expected.map(() => ({ t: 'ref', ref: `${group}/v1/${kind}` })));
    }
  });

  test('a version its CRD does not serve says which it does; an unpinned prometheus-operator kind names the CRD file it needs', () => {
    const file = 'prometheus-operator/prometheus-operator v0.93.0 example/prometheus-operator-crd';
    const unpinned = (apiVersion: string, kind: string, plural: string) =>
      `no schema known for ${apiVersion} ${kind}: checking it needs the CRD file ${file}/monitoring.coreos.com_${plural}.yaml, ` +
      'which is not among the CRDs this validator is built from; not checked';
    expect(findingsOf('schema-unchecked-kinds.yaml')).toEqual([
      {
        severity: 'note',
        object: 'Prometheus/monitoring/main',
        field: undefined,
        message: unpinned('monitoring.coreos.com/v1', 'Prometheus', 'prometheuses'),
      },
      {
        severity: 'note',
        object: 'Alertmanager/monitoring/main',
        field: undefined,
        message: unpinned('monitoring.coreos.com/v1', 'Alertmanager', 'alertmanagers'),
      },
      {
        severity: 'warning',
        object: 'VirtualService/shop/legacy',
        field: undefined,
        message:
          'no schema known for networking.istio.io/v1alpha2 VirtualService: its CRD serves v1, v1beta1, v1alpha3, not v1alpha2; not checked',
      },
    ]);
  });

  // The pinned CRDs deprecate and unserve nothing today: a CRD of our own shows what the API server does when one does.
  describe('a CRD with deprecated, unserved and differing versions', () => {
    const crd = parseDocument(readFileSync(join(FIXTURES, 'crds', 'widgets.yaml'), 'utf8')).toJS() as Crd;
    const generated = crdShapes([crd]);
    const set: GeneratedSchemas = {
      kinds: generated.kinds,
      types: { ...schemas().types, ...generated.types },
      crds: generated.crds,
      unpinned: {},
    };
    const widget = (version: string, spec: Record<string, unknown>) =>
      manifest({
        apiVersion: `example.com/${version}`,
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'demo' },
        spec,
      } as Manifest['object']);
    const check = (version: string, spec: Record<string, unknown>) =>
      checkSchemas([widget(version, spec)], set).map(({ severity, field, message }) => ({ severity, field, message }));

    test('each version is judged by its own schema', () => {
      expect(check('v2', { size: 2, colour: 'red' })).toEqual([]);
      expect(check('v1', { size: 2, colour: 'red' })).toEqual([{ severity: 'error', field: 'spec.colour', message: 'unknown field' }]);
      expect(check('v1', { size: 0 })).toEqual([{ severity: 'error', field: 'spec.size', message: 'must be at least 1, not 0' }]);
      expect(check('v2', { colour: 'pink' })).toEqual([
        { severity: 'error', field: 'spec.size', message: 'is required' },
        { severity: 'error', field: 'spec.colour', message: 'must be one of "red", "green", "blue", not "pink"' },
      ]);
    });

    test("a deprecated version is checked and gets the API server's warning: the CRD's own text, else the default naming the newest", () => {
      expect(check('v1beta1', { size: 2 })).toEqual([
        { severity: 'warning', field: 'apiVersion', message: 'example.com/v1beta1 Widget is deprecated; use example.com/v2 Widget' },
      ]);
      expect(check('v1alpha2', { size: 2 })).toEqual([
        {
          severity: 'warning',
          field: 'apiVersion',
          message: 'example.com/v1alpha2 Widget is going away in the next release; move to example.com/v2',
        },
        { severity: 'error', field: 'spec.size', message: 'must be a string, not number 2' },
      ]);
    });

    test('a version with served: false is unknown, as the API server answers it', () => {
      expect(set.kinds['example.com/v1alpha1/Widget']).toBeUndefined();
      expect(check('v1alpha1', { size: 2 })).toEqual([
        {
          severity: 'warning',
          field: undefined,
          message: 'no schema known for example.com/v1alpha1 Widget: its CRD serves v2, v1, v1beta1, v1alpha2, not v1alpha1; not checked',
        },
      ]);
    });
  });
});

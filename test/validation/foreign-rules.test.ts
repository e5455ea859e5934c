// The rules on YAML nobody here wrote (issue 14): selectors as Kubernetes reads them, numeric
// targetPorts, scrape endpoints' targetPort and the mTLS mode a pod really has, Services for pods an
// operator makes, status classes in PromQL only where this project declares them, quantities. Each
// fixture's findings are asserted word for word; validate.test.ts checks their `# expect:` lines.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { observability } from '../../config/observability';
import { validateManifests, type ValidationContext } from '../../validation';
import type { Finding } from '../../validation/finding';
import type { Manifest } from '../../validation/manifest';
import { labelSelectorMatches, selects } from '../../validation/model';
import { typoOf } from '../../validation/service-rules';
import { repositoryOf } from '../../validation/argocd-rules';
import { promqlErrors } from '../../validation/monitoring-rules';
import { readManifests } from '../../validation/read-manifests';
import { checkSchemas, schemas, type GeneratedSchemas } from '../../validation/schema';
import { QUANTITY_PATTERN } from '../../validation/shape';
import { crdShapes, type Crd } from '../../tooling/schema-generation/crd-shapes';

const FIXTURES = join(__dirname, '..', 'support', 'fixtures', 'validate');
const project: ValidationContext = { externalSecrets: [], defaultNamespace: 'default', metricLabels: observability.serviceMetricLabels };
const foreign: ValidationContext = {
  mode: 'foreign',
  externalSecrets: [],
  defaultNamespace: 'default',
  metricLabels: observability.serviceMetricLabels,
};

function manifestsOf(fixture: string): Manifest[] {
  const read = readManifests([join(FIXTURES, fixture)]);
  expect(read.problems).toEqual([]);
  return read.manifests;
}

const line = (f: Finding) => `${f.severity} ${f.rule} ${f.object} ${f.field ?? ''}: ${f.message}`;

function findings(manifests: readonly Manifest[], context = project, rules?: readonly string[]): string[] {
  return validateManifests(manifests, context)
    .filter((f) => !rules || rules.includes(f.rule))
    .map(line)
    .sort();
}

const fixture = (name: string, context = project, rules?: readonly string[]) => findings(manifestsOf(name), context, rules);

describe('label selectors', () => {
  const pod = { app: 'ledger', tier: 'backend' };

  test.each([
    [{ matchLabels: { app: 'ledger' } }, true],
    [{ matchLabels: { app: 'ledger', tier: 'web' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['vault', 'ledger'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['vault'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: ['true'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'ledger' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Matches', values: ['ledger'] }] }, false],
    [{}, true],
    [{ matchLabels: {}, matchExpressions: [] }, true],
    [undefined, false],
    [null, false],
    [{ matchExpressions: 'app' }, false],
    [{ matchLabels: ['app'] }, false],
    ['app=ledger', false],
  ])('%j selects %j: %s', (selector, expected) => {
    expect(labelSelectorMatches(selector, pod)).toBe(expected);
  });

  test("a Service's map selector: an empty or absent one selects nothing", () => {
    expect(selects({ app: 'ledger' }, pod)).toBe(true);
    expect(selects({}, pod)).toBe(false);
    expect(selects(undefined, pod)).toBe(false);
    expect(selects({ app: 'vault' }, pod)).toBe(false);
  });

  test('matchExpressions and empty selectors count in PDBs, PodMonitors and ServiceMonitors', () => {
    expect(fixture('selector-expressions.yaml')).toEqual([
      'error pdb PodDisruptionBudget/payments/everything spec.maxUnavailable: allows no eviction of Deployment ledger at its minimum of 2 replica(s): every node drain blocks',
      'error pdb PodDisruptionBudget/payments/everything spec.maxUnavailable: allows no eviction of StatefulSet vault at its minimum of 1 replica(s): every node drain blocks',
      'error pdb PodDisruptionBudget/payments/ledger-by-expression spec.minAvailable: allows no eviction of Deployment ledger at its minimum of 2 replica(s): every node drain blocks',
    ]);
  });

  test('a controller must select its own template, the way the API server demands', () => {
    expect(fixture('pod-selector.yaml')).toEqual([
      'error pod-selector DaemonSet/web/log-shipper spec.selector: is empty: apps/v1 requires a DaemonSet to select its pods by label',
      'error pod-selector Deployment/web/frontend spec.selector: does not select the pods of its own template: it wants app: frontend where spec.template.metadata.labels has app: fronted; the API server refuses it',
      'error pod-selector StatefulSet/web/sessions spec.selector: does not select the pods of its own template (spec.template.metadata.labels: app: sessions, role: replica); the API server refuses it',
    ]);
  });
});

test('service-port: a numeric targetPort needs no declared container port, a named one does', () => {
  expect(fixture('service-numeric-target-port.yaml')).toEqual([
    'error service-port Service/shop/orders-metrics spec.ports[0].targetPort: "metrics" is no container port name of the pods it selects (Deployment orders): the Service has no endpoints on this port',
  ]);
});

describe('service-selector', () => {
  test('an error for a typo (naming the closest labels) or a namesake with other labels; a note when the pods may be elsewhere', () => {
    expect(fixture('service-selector-evidence.yaml')).toEqual([
      'error service-selector Service/storefront/api spec.selector: selects no pods in namespace storefront: Deployment api, of the same name, has app.kubernetes.io/name: api',
      'error service-selector Service/storefront/web spec.selector: selects no pods in namespace storefront: the closest, Deployment web, has app: wbe where the selector wants app: web',
      'note service-selector Service/storefront/events spec.selector: selects no pods in namespace storefront among the 2 workload(s) of that namespace in these files; unless its pods come from elsewhere (a Helm chart, an operator), it has no endpoints',
    ]);
  });

  test('pods prometheus-operator makes from a Prometheus or Alertmanager here are selected; a typo in their labels is not', () => {
    expect(fixture('service-selector-operator-pods.yaml', project, ['service-selector', 'service-port'])).toEqual([
      "error service-selector Service/observability/prometheus-typo spec.selector: selects no pods in namespace observability: the closest, Prometheus main's pods (made by prometheus-operator), has prometheus: main where the selector wants prometheus: mian",
    ]);
    // Without the custom resources, nothing explains the Services, and nothing in their namespace is close either.
    const withoutResources = manifestsOf('service-selector-operator-pods.yaml').filter(
      (m) => !['Prometheus', 'Alertmanager'].includes(m.object.kind),
    );
    expect(findings(withoutResources, project, ['service-selector']).every((f) => f.startsWith('note '))).toBe(true);
  });
});

describe('scrape', () => {
  test("endpoints' targetPort is honoured, and app ports of sidecar pods under STRICT are refused, the sidecar's own are not", () => {
    expect(fixture('scrape-target-port.yaml')).toEqual([
      "error scrape PodMonitor/checkout/cart-pods spec.podMetricsEndpoints[0].targetPort: scrapes Deployment cart's port 9100 in plaintext, but its pods have a sidecar under STRICT mTLS: Prometheus outside the mesh gets nothing (scrape the sidecar's :15020/stats/prometheus instead)",
      'error scrape PodMonitor/checkout/cart-pods spec.podMetricsEndpoints[1].targetPort: no selected pod (Deployment cart) declares container port 9999: the operator keeps no target',
      "error scrape ServiceMonitor/checkout/cart-all-ports spec.endpoints[0]: scrapes Deployment cart's port 8080 in plaintext, but its pods have a sidecar under STRICT mTLS: Prometheus outside the mesh gets nothing (scrape the sidecar's :15020/stats/prometheus instead)",
      "error scrape ServiceMonitor/checkout/cart-by-target-port spec.endpoints[0].targetPort: scrapes Deployment cart's port 8080 in plaintext, but its pods have a sidecar under STRICT mTLS: Prometheus outside the mesh gets nothing (scrape the sidecar's :15020/stats/prometheus instead)",
    ]);
  });

  test('plaintext is refused only where a policy here makes the port STRICT; where none sets a mode, a note says so', () => {
    const manifests = manifestsOf('scrape-target-port.yaml');
    const withMode = (mode: string | undefined) =>
      manifests.map((m) =>
        m.object.kind === 'PeerAuthentication' ? { ...m, object: { ...m.object, spec: mode ? { mtls: { mode } } : {} } } : m,
      );
    const severities = (set: Manifest[]) =>
      findings(set, project, ['scrape'])
        .filter((f) => !f.includes('declares container port'))
        .map((f) => f.split(' ')[0]);
    expect(severities(withMode('PERMISSIVE'))).toEqual([]);
    // No mode set here (a policy without one, or none at all): the mesh-wide one may be elsewhere, a note per endpoint.
    expect(severities(withMode(undefined))).toEqual(['note', 'note', 'note']);
    expect(severities(manifests.filter((m) => m.object.kind !== 'PeerAuthentication'))).toEqual(['note', 'note', 'note']);
  });
});

describe('mtls', () => {
  test("a DestinationRule's DISABLE fails only against in-mesh pods that are STRICT on that port", () => {
    expect(fixture('mtls-workload-policies.yaml')).toEqual([
      'error mtls DestinationRule/lab/billing spec.trafficPolicy.tls.mode: DISABLE sends plaintext to billing.lab.svc.cluster.local, whose pods (Deployment billing) are in the mesh and require STRICT mTLS: every request fails',
      'error mtls DestinationRule/shop/inventory spec.trafficPolicy.portLevelSettings[0].tls.mode: DISABLE sends plaintext to inventory.shop.svc.cluster.local, whose pods (Deployment inventory) are in the mesh and require STRICT mTLS: every request fails',
      'error mtls DestinationRule/shop/orders spec.trafficPolicy.tls.mode: DISABLE sends plaintext to orders.shop.svc.cluster.local, whose pods (Deployment orders) are in the mesh and require STRICT mTLS: every request fails',
      'error mtls PeerAuthentication/shop/inventory-admin spec.portLevelMtls["9000"].mode: PERMISSIVE on port 9000 is an exception to STRICT mTLS',
      'note mtls DestinationRule/lab/reports spec.trafficPolicy.tls.mode: DISABLE sends plaintext to reports.lab.svc.cluster.local, whose pods (Deployment reports) have a sidecar, and no PeerAuthentication here sets their mTLS mode: if one elsewhere makes it STRICT (a mesh-wide one in istio-system, say), every request fails',
    ]);
  });

  test("a mesh-wide policy in Istio's root namespace decides where the namespace has none", () => {
    const meshWide = (mode: string | undefined): Manifest => ({
      file: 'mesh.yaml',
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: mode ? { mtls: { mode } } : {},
      },
    });
    const reports = (manifests: Manifest[]) =>
      findings(manifests, project, ['mtls'])
        .filter((f) => f.includes('DestinationRule/lab/reports'))
        .map((f) => f.split(':')[0]);
    const manifests = manifestsOf('mtls-workload-policies.yaml');
    expect(reports([...manifests, meshWide('STRICT')])).toEqual(['error mtls DestinationRule/lab/reports spec.trafficPolicy.tls.mode']);
    // A mesh-wide policy without a mode leaves Istio's default, PERMISSIVE: plaintext works.
    expect(reports([...manifests, meshWide(undefined)])).toEqual([]);
    expect(reports(manifests)).toEqual(['note mtls DestinationRule/lab/reports spec.trafficPolicy.tls.mode']);
  });

  test('no message speaks of this project or its history', () => {
    for (const f of validateManifests(manifestsOf('mtls-exceptions.yaml'), foreign))
      expect(f.message).not.toMatch(/old platform|Redis|PostgreSQL/);
  });
});

describe('promql', () => {
  const classes = Object.values(observability.serviceMetricLabels.http_requests_total)[0].join(', ');
  const rule = (i: number, message: string) =>
    `warning promql PrometheusRule/monitoring/status-codes spec.groups[0].rules[${i}].expr: http_requests_total's status holds only ${classes}: ${message}`;

  test("status codes on the services' status classes: never matching, or matching by accident", () => {
    expect(fixture('promql-status-classes.yaml')).toEqual([
      rule(0, 'status=~"5.." is written for numeric codes and meets 5xx only because its wildcards also match letters; write status="5xx"'),
      rule(1, 'status="500" never matches'),
      rule(2, 'status=~"5[0-9]{2}" never matches'),
      rule(3, 'status!="200" excludes nothing'),
      rule(
        4,
        'status!~"5.." is written for numeric codes and meets 5xx only because its wildcards also match letters; write status!="5xx"',
      ),
    ]);
  });

  test('without the label values of this project, the same metric name is not judged', () => {
    expect(fixture('promql-status-classes.yaml', foreign)).toEqual([]);
    expect(fixture('promql.yaml', foreign).some((f) => f.includes('status'))).toBe(false);
  });
});

describe('quantities', () => {
  test('`cpu: lots` is no Kubernetes quantity; a number such as 0.5 is one', () => {
    expect(fixture('resource-quantity.yaml')).toEqual([
      'error schema Deployment/default/worker spec.template.spec.containers[0].resources.limits.memory: "1 gig" is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)',
      'error schema Deployment/default/worker spec.template.spec.containers[0].resources.requests.cpu: "lots" is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)',
    ]);
  });

  test('a fractional IntOrString is still refused', () => {
    const service: Manifest = {
      file: 'service.yaml',
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 80.5 }] } },
    };
    expect(findings([service], foreign, ['schema'])).toEqual([
      'error schema Service/web spec.ports[0].targetPort: must be an integer or a string, not number',
    ]);
  });
});

describe('int-or-string fields of custom resources (x-kubernetes-int-or-string)', () => {
  test('a pinned CRD: the pattern of the string form, and no fractional number', () => {
    // The rules after schema do not read the refused 8080.5 either: it is reported once.
    expect(fixture('crd-int-or-string.yaml', foreign, ['scrape']).filter((f) => !f.startsWith('note '))).toEqual([]);
    expect(fixture('crd-int-or-string.yaml', foreign, ['schema'])).toEqual([
      'error schema PodMonitor/monitoring/payments spec.nativeHistogramMinBucketFactor: must be an integer or a string, not number: a custom resource takes this quantity as "1.5" or an integer',
      'error schema ServiceMonitor/monitoring/orders spec.endpoints[0].targetPort: must be an integer or a string, not number',
      'error schema ServiceMonitor/monitoring/orders spec.nativeHistogramMinBucketFactor: "lots" is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)',
    ]);
  });

  // A CRD of our own with the fields controller-gen writes for resource.Quantity and IntOrString.
  const quantity = { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY_PATTERN, 'x-kubernetes-int-or-string': true };
  const crd: Crd = {
    spec: {
      group: 'example.com',
      names: { kind: 'Cache' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    resources: {
                      type: 'object',
                      properties: {
                        requests: { type: 'object', additionalProperties: quantity },
                        limits: { type: 'object', additionalProperties: quantity },
                      },
                    },
                    port: { 'x-kubernetes-int-or-string': true },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
  const generated = crdShapes([crd]);
  const set: GeneratedSchemas = {
    kinds: generated.kinds,
    types: { ...schemas().types, ...generated.types },
    crds: generated.crds,
    unpinned: {},
  };
  const cache = (spec: Record<string, unknown>): Manifest => ({
    file: 'cache.yaml',
    object: { apiVersion: 'example.com/v1', kind: 'Cache', metadata: { name: 'sessions', namespace: 'shop' }, spec },
  });
  const check = (spec: Record<string, unknown>) => checkSchemas([cache(spec)], set).map((f) => `${f.field}: ${f.message}`);

  test('quantities: `lots` is none, "0.5", 500m and 2 are; a fractional number is refused, as the API server refuses it', () => {
    expect(check({ resources: { requests: { cpu: '0.5', memory: '128Mi' }, limits: { cpu: 2, memory: '1Gi' } } })).toEqual([]);
    expect(check({ resources: { requests: { cpu: 'lots', memory: '500m' }, limits: { cpu: 0.5, memory: '1 gig' } } })).toEqual([
      'spec.resources.requests.cpu: "lots" is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)',
      'spec.resources.limits.cpu: must be an integer or a string, not number: a custom resource takes this quantity as "0.5" or an integer',
      'spec.resources.limits.memory: "1 gig" is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)',
    ]);
  });

  test('an int-or-string without a pattern takes any string and any integer, not a fraction nor another type', () => {
    expect(check({ port: 'http' })).toEqual([]);
    expect(check({ port: 8080 })).toEqual([]);
    expect(check({ port: 80.5 })).toEqual(['spec.port: must be an integer or a string, not number']);
    expect(check({ port: true })).toEqual(['spec.port: must be an integer or a string, not boolean']);
  });
});

test('no finding on any fixture names a port, label or value "undefined"', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
    for (const f of validateManifests(manifestsOf(name), project)) expect(`${name}: ${f.message}`).not.toMatch(/undefined/);
  }
});

describe('references to objects the files do not hold (reference, secret-ref)', () => {
  const assumed = 'not among these files; assumed to exist on the cluster (made by a Helm chart, an operator or by hand), not judged';
  const references = ['reference', 'secret-ref'];

  test('in foreign YAML: one note per namespace and kind, an error only for a name a typo away from one the files hold', () => {
    expect(fixture('references-made-elsewhere.yaml', foreign, references)).toEqual([
      'error reference Deployment/shop/storefront spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.name: ConfigMap "storefront-setings" in namespace "shop" is not among these files, but ConfigMap "storefront-settings", a typo away, is',
      'error secret-ref Deployment/shop/storefront spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef: Secret "payment-key" in namespace "shop" is not among these files, but these files hold Secret "payment-keys", a typo away',
      `note reference CronJob/batch/nightly-report spec.jobTemplate.spec.template.spec.volumes[0].configMap.name: ConfigMap "istio-ca-root-cert" in namespace "batch" is ${assumed}`,
      `note reference Deployment/shop/storefront spec.template.spec.serviceAccountName: ServiceAccount "storefront" in namespace "shop" is ${assumed}`,
      `note reference Deployment/shop/storefront spec.template.spec.volumes[0].configMap.name: ConfigMaps "nginx-conf", "storefront-env" in namespace "shop" are ${assumed} (3 references)`,
      `note secret-ref CronJob/batch/nightly-report spec.jobTemplate.spec.template.spec.containers[0].envFrom[0].secretRef: Secret "warehouse-db" in namespace "batch" is ${assumed}; --external-secret batch/warehouse-db states it`,
      `note secret-ref Deployment/shop/storefront spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef: Secret "stripe-api" in namespace "shop" is ${assumed} (2 references); --external-secret shop/stripe-api states it`,
    ]);
  });

  test('in our own render every missing one is an error, a typo named', () => {
    const errors = fixture('references-made-elsewhere.yaml', project, references);
    expect(errors.every((f) => f.startsWith('error '))).toBe(true);
    expect(errors.filter((f) => f.includes('a typo away'))).toEqual([
      'error reference Deployment/shop/storefront spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.name: ConfigMap "storefront-setings" does not exist in namespace shop, but ConfigMap "storefront-settings", a typo away, does',
      'error secret-ref Deployment/shop/storefront spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef: Secret "payment-key" in namespace "shop" is not declared in config/secrets.ts (externalSecrets), but these files hold Secret "payment-keys", a typo away',
    ]);
  });

  test('a stated Secret, and the targets once among the files, leave only the typos', () => {
    const manifests = manifestsOf('references-made-elsewhere.yaml');
    const stated = { ...foreign, statedSecrets: ['shop/stripe-api', 'batch/warehouse-db'] };
    expect(findings(manifests, stated, ['secret-ref']).map((f) => f.split(':')[0])).toEqual([
      'error secret-ref Deployment/shop/storefront spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef',
    ]);
    const made = (kind: string, namespace: string, name: string): Manifest => ({
      file: 'made.yaml',
      object: { apiVersion: 'v1', kind, metadata: { name, namespace } },
    });
    const complete = [
      ...manifests,
      made('ServiceAccount', 'shop', 'storefront'),
      made('ConfigMap', 'shop', 'nginx-conf'),
      made('ConfigMap', 'shop', 'storefront-env'),
      made('ConfigMap', 'batch', 'istio-ca-root-cert'),
    ];
    expect(findings(complete, foreign, ['reference']).map((f) => f.split(':')[0])).toEqual([
      'error reference Deployment/shop/storefront spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.name',
    ]);
  });

  test('names only digits apart, or more than two edits apart, are no typo', () => {
    expect(typoOf('redis-0', ['redis-1'])).toBeUndefined();
    expect(typoOf('api-config', ['web-config'])).toBeUndefined();
    expect(typoOf('db', ['dc'])).toBeUndefined();
    expect(typoOf('settngs', ['config', 'setting', 'settings'])).toBe('settings');
    expect(typoOf('storefront-env', [])).toBeUndefined();
  });
});

describe('argocd-path: folders of the repository validated, and of others', () => {
  const APP_OF_APPS = join(__dirname, '..', 'support', 'fixtures', 'foreign', 'app-of-apps');
  const read = readManifests([APP_OF_APPS]);
  // What the command passes besides the manifests: the chart's and the kustomization's folders the reader skipped.
  const inputFolders = read.problems.filter((p) => p.rule === 'source-tree').map((p) => p.file!);
  const paths = (context: ValidationContext) =>
    findings(read.manifests, { ...context, inputFolders }, ['argocd-path']).map((f) => f.replace(APP_OF_APPS, '<fixture>'));

  test('in foreign YAML, an error only for a repository the files show to be the one given; a chart and a kustomization are folders', () => {
    expect(inputFolders.map((f) => f.replace(`${APP_OF_APPS}/`, ''))).toEqual(['prod/cache', 'prod/shop']);
    expect(paths(foreign)).toEqual([
      'error argocd-path Application/argocd/api spec.source.path: prod/apii is no folder among these files, which hold the folders other Applications read from https://github.com/acme/gitops.git: the Application would sync nothing and prune what it had',
      'error argocd-path Application/argocd/redis spec.sources[2].path: prod/redis-extras is no folder among these files, which hold the folders other Applications read from https://github.com/acme/gitops.git: the Application would sync nothing and prune what it had',
      'note argocd-path Application/argocd/guestbook spec.source.path: prod/guestbook is no folder among these files, and nothing here shows that https://github.com/argoproj/argocd-example-apps.git is the repository validated (no Application of it reads a folder that is among them): assumed to be a folder of another repository, not judged',
    ]);
  });

  test("in this project's render every Application reads its own deploy branch: a missing folder is an error", () => {
    expect(paths(project).map((f) => f.split(':')[0])).toEqual([
      'error argocd-path Application/argocd/api spec.source.path',
      'error argocd-path Application/argocd/guestbook spec.source.path',
      'error argocd-path Application/argocd/redis spec.sources[2].path',
    ]);
  });

  test('without the folders of the chart and the kustomization, they would be missing too', () => {
    const withoutFolders = findings(read.manifests, foreign, ['argocd-path']).map((f) => f.split(':')[0]);
    expect(withoutFolders).toContain('error argocd-path Application/argocd/shop spec.source.path');
    expect(withoutFolders).toContain('error argocd-path Application/argocd/cache spec.source.path');
  });

  test.each([
    ['https://github.com/acme/gitops.git', 'github.com/acme/gitops'],
    ['https://github.com/Acme/gitops/', 'github.com/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'github.com/acme/gitops'],
    ['ssh://git@github.com/acme/gitops', 'github.com/acme/gitops'],
    ['ssh://git@gitlab.example.com:2222/acme/gitops.git', 'gitlab.example.com:2222/acme/gitops'],
  ])('%s is the repository %s', (url, repository) => {
    expect(repositoryOf(url)).toBe(repository);
  });
});

describe('promql on metric names of the object prototype', () => {
  test('they parse and are judged like any other; the rule keeps its other findings', () => {
    const classes = Object.values(observability.serviceMetricLabels.http_requests_total)[0].join(', ');
    const unfinished = 'error promql PrometheusRule/monitoring/odd-names spec.groups[0].rules[3].expr: does not parse (at offset 28)';
    expect(fixture('promql-prototype-names.yaml')).toEqual([
      unfinished,
      `warning promql PrometheusRule/monitoring/odd-names spec.groups[0].rules[4].expr: http_requests_total's status holds only ${classes}: status="500" never matches`,
    ]);
    expect(fixture('promql-prototype-names.yaml', foreign)).toEqual([unfinished]);
    expect(promqlErrors('rate(constructor[5m]) + sum(__proto__)')).toEqual([]);
  });
});

test("in foreign mode no finding on any fixture names this project's files, history or the old platform", () => {
  const named = readdirSync(FIXTURES).flatMap((name) =>
    validateManifests(readManifests([join(FIXTURES, name)]).manifests, foreign)
      .map((f) => `${name}: ${f.message}`)
      .filter((message) => /config\/|dist\/|old platform|this platform|deploy branch/i.test(message)),
  );
  expect(named).toEqual([]);
});

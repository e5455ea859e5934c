import { NamespaceZeroTrust, type NamespaceZeroTrustProps } from '../../../constructs/mesh/namespace-zero-trust';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: NamespaceZeroTrustProps = {
  namespace: 'shop',
  partOf: 'demo',
  version: '1.0.0',
  platformEgress: [
    {
      name: 'dns',
      namespace: 'kube-system',
      podLabels: { 'k8s-app': 'kube-dns' },
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    },
  ],
  scrapers: [],
};

const prometheus = {
  name: 'prometheus',
  namespace: 'monitoring',
  serviceAccount: 'prometheus',
  podLabels: { 'app.kubernetes.io/name': 'prometheus' },
  ports: [],
  internal: false,
};

const render = (extra: Partial<NamespaceZeroTrustProps> = {}) =>
  synth((chart) => new NamespaceZeroTrust(chart, 'zero-trust', { ...props, ...extra }));

describe('NamespaceZeroTrust', () => {
  const objects = render();

  test('creates mTLS STRICT, an allow-nothing AuthorizationPolicy, a default deny and the platform egress, in the namespace', () => {
    expect(refs(objects)).toEqual([
      'PeerAuthentication/default',
      'AuthorizationPolicy/allow-nothing',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-platform-egress',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
  });

  test('labels each object with its own name as the mesh-security component', () => {
    expect(one(objects, 'NetworkPolicy', 'default-deny').metadata.labels).toEqual({
      'app.kubernetes.io/name': 'default-deny',
      'app.kubernetes.io/part-of': 'demo',
      'app.kubernetes.io/component': 'mesh-security',
      'app.kubernetes.io/version': '1.0.0',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  test('mTLS is STRICT for every workload (no selector) and the allow-nothing policy has no rules', () => {
    expect(at(one(objects, 'PeerAuthentication'), 'spec')).toEqual({ mtls: { mode: 'STRICT' } });
    expect(at(one(objects, 'AuthorizationPolicy'), 'spec')).toEqual({});
  });

  test('the default deny selects every pod in both directions and allows nothing', () => {
    expect(at(one(objects, 'NetworkPolicy', 'default-deny'), 'spec')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test("platformEgress: every pod may reach each target's pods, in its namespace, on its ports and protocols", () => {
    expect(at(one(objects, 'NetworkPolicy', 'allow-platform-egress'), 'spec')).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
      ],
    });
  });

  test('scrapers: no scrape policy without scrapers; with one, its pods may reach the given port of every pod', () => {
    expect(refs(objects)).not.toContain('NetworkPolicy/allow-metrics-scrape');
    const scraped = render({ scrapers: [{ peer: prometheus, port: 15020 }] });
    expect(at(one(scraped, 'NetworkPolicy', 'allow-metrics-scrape'), 'spec')).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            },
          ],
          ports: [{ port: 15020, protocol: 'TCP' }],
        },
      ],
    });
  });
});

import type { MeshPeer } from '../../../constructs/mesh/call-graph';
import { WorkloadAccessPolicy, addAccessPolicy, type WorkloadAccessPolicyProps } from '../../../constructs/mesh/workload-access-policy';
import { at, one, refs, synth } from '../../support/construct-harness';

const peer = (name: string, namespace = 'shop', ports: number[] = [8080]): MeshPeer => ({
  name,
  namespace,
  serviceAccount: `${name}-sa`,
  podLabels: { 'app.kubernetes.io/name': name },
  ports,
  internal: namespace === 'shop',
});

const props: WorkloadAccessPolicyProps = {
  name: 'cart',
  namespace: 'shop',
  selector: { 'app.kubernetes.io/name': 'cart' },
  labels: { 'app.kubernetes.io/name': 'cart', team: 'a' },
  access: { inbound: [], outbound: [] },
};

const render = (extra: Partial<WorkloadAccessPolicyProps> = {}) =>
  synth((chart) => new WorkloadAccessPolicy(chart, 'access', { ...props, ...extra }));

describe('WorkloadAccessPolicy', () => {
  test("no edges: nothing at all (the namespace's deny-all applies)", () => {
    expect(render()).toEqual([]);
  });

  test('inbound edges: an ALLOW AuthorizationPolicy and an Ingress NetworkPolicy, named and labelled by props, selecting the workload', () => {
    const objects = render({ access: { inbound: [{ peer: peer('web'), ports: [8080] }], outbound: [] } });
    expect(refs(objects)).toEqual(['AuthorizationPolicy/cart', 'NetworkPolicy/cart']);
    for (const o of objects)
      expect(o.metadata).toEqual({ name: 'cart', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'cart', team: 'a' } });
    expect(at(one(objects, 'AuthorizationPolicy'), 'spec')).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web-sa'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(at(one(objects, 'NetworkPolicy'), 'spec')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
      ],
    });
  });

  test('trustDomain: principals are under cluster.local by default, under the given domain otherwise', () => {
    const access = { inbound: [{ peer: peer('web'), ports: [8080] }], outbound: [] };
    const principals = (trustDomain?: string) =>
      at(one(render({ access, trustDomain }), 'AuthorizationPolicy'), 'spec', 'rules', 0, 'from', 0, 'source', 'principals');
    expect(principals()).toEqual(['cluster.local/ns/shop/sa/web-sa']);
    expect(principals('example.org')).toEqual(['example.org/ns/shop/sa/web-sa']);
  });

  test("one rule per port set, its callers' principals sorted and once each", () => {
    const objects = render({
      access: {
        inbound: [
          { peer: peer('web'), ports: [8080] },
          { peer: peer('admin'), ports: [8080] },
          { peer: peer('web'), ports: [8080] },
          { peer: peer('prober'), ports: [9090] },
        ],
        outbound: [],
      },
    });
    expect(at(one(objects, 'AuthorizationPolicy'), 'spec', 'rules')).toEqual([
      {
        from: [{ source: { principals: ['cluster.local/ns/shop/sa/admin-sa', 'cluster.local/ns/shop/sa/web-sa'] } }],
        to: [{ operation: { ports: ['8080'] } }],
      },
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/prober-sa'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
  });

  test('outbound edges only: an Egress NetworkPolicy and no AuthorizationPolicy; peers elsewhere are pinned to their namespace', () => {
    const objects = render({
      access: {
        inbound: [],
        outbound: [
          { peer: peer('db'), ports: [5432] },
          { peer: peer('istiod', 'istio-system', [15012]), ports: [15012] },
        ],
      },
    });
    expect(refs(objects)).toEqual(['NetworkPolicy/cart']);
    expect(at(one(objects, 'NetworkPolicy'), 'spec')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        {
          to: [
            {
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'istiod' } },
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
            },
          ],
          ports: [{ port: 15012, protocol: 'TCP' }],
        },
      ],
    });
  });

  test('both directions: one NetworkPolicy with Ingress and Egress', () => {
    const objects = render({
      access: { inbound: [{ peer: peer('web'), ports: [8080] }], outbound: [{ peer: peer('db'), ports: [5432] }] },
    });
    expect(at(one(objects, 'NetworkPolicy'), 'spec', 'policyTypes')).toEqual(['Ingress', 'Egress']);
  });

  test('a connection without ports opens nothing (an empty port list would mean every port to a NetworkPolicy)', () => {
    // The load generator accepts calls on no port; an edge to it must not open all of its ports.
    expect(render({ access: { inbound: [{ peer: peer('web'), ports: [] }], outbound: [{ peer: peer('sink'), ports: [] }] } })).toEqual([]);
    const mixed = render({
      access: {
        inbound: [
          { peer: peer('web'), ports: [8080] },
          { peer: peer('admin'), ports: [] },
        ],
        outbound: [],
      },
    });
    expect(at(one(mixed, 'AuthorizationPolicy'), 'spec', 'rules')).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web-sa'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(at(one(mixed, 'NetworkPolicy'), 'spec', 'ingress')).toHaveLength(1);
  });

  test('addAccessPolicy adds the policies under id `access` only when the mesh props give edges', () => {
    const workload = { name: 'cart', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'cart' } };
    const selector = { 'app.kubernetes.io/name': 'cart' };
    expect(synth((chart) => addAccessPolicy(chart, workload, selector, {}))).toEqual([]);
    const objects = synth((chart) => {
      addAccessPolicy(chart, workload, selector, {
        access: { inbound: [{ peer: peer('web'), ports: [8080] }], outbound: [] },
        trustDomain: 'example.org',
      });
      expect(chart.node.tryFindChild('access')).toBeInstanceOf(WorkloadAccessPolicy);
    });
    expect(refs(objects)).toEqual(['AuthorizationPolicy/cart', 'NetworkPolicy/cart']);
    expect(at(one(objects, 'AuthorizationPolicy'), 'spec', 'rules', 0, 'from', 0, 'source', 'principals')).toEqual([
      'example.org/ns/shop/sa/web-sa',
    ]);
  });
});

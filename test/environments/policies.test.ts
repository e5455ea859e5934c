// Zero trust, checked on the rendered policies themselves: every declared edge of the call graph is
// allowed by both the Istio AuthorizationPolicies and the NetworkPolicies, and every other pair of
// workloads and peers is denied by both. mTLS is STRICT for the whole namespace with no exceptions.
import { platformConfig } from '../../config';
import { ingressEdges } from '../../config/call-graph';
import { meshPeers, principal, type MeshPeer } from '../../constructs/mesh/call-graph';
import { istioAllows, networkAllows, UnsupportedPolicyError } from '../support/policy-eval';
import { checkConfig } from '../../validation/config-checks';
import { platformReleases } from '../../charts/releases';
import { environmentNames, objects, ofKind, withConfig } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const all = objects(environment);
  const peers = meshPeers(config);
  const names = [...peers.keys()].sort();
  const declared = new Set(config.callGraph.edges.map((e) => `${e.from}→${e.to}`));
  const pod = (p: MeshPeer) => ({ namespace: p.namespace, labels: p.podLabels });

  /** Both policy kinds on one call: `from` connects to `to` on each of its ports. */
  function allowed(from: MeshPeer, to: MeshPeer): { istio: boolean; network: boolean } {
    const port = to.ports[0];
    const network = networkAllows(all, { from: pod(from), to: pod(to), port });
    // Only workloads of the application namespace are behind these AuthorizationPolicies.
    const istio = to.internal
      ? istioAllows(all, { namespace: to.namespace, labels: to.podLabels, principal: principal(config.trustDomain, from), port })
      : true;
    return { istio, network };
  }

  test('the graph covers the platform: gateway → routed services, api-gateway → auth/user/blog, data stores', () => {
    for (const edge of [
      'istio-ingressgateway→api-gateway',
      'istio-ingressgateway→auth-service',
      'istio-ingressgateway→user-service',
      'istio-ingressgateway→blog-service',
      'api-gateway→auth-service',
      'api-gateway→user-service',
      'api-gateway→blog-service',
      'auth-service→user-service',
      'blog-service→auth-service',
      'user-service→postgresql',
      'user-service→redis',
      'blog-service→postgresql',
      'blog-service→redis',
    ]) {
      expect(declared).toContain(edge);
    }
  });

  test.each(config.callGraph.edges.map((e) => [e.from, e.to]))('declared edge %s → %s is allowed by both policy kinds', (from, to) => {
    expect(allowed(peers.get(from)!, peers.get(to)!)).toEqual({ istio: true, network: true });
  });

  test('every undeclared pair is denied by both policy kinds', () => {
    const leaks: string[] = [];
    for (const from of names) {
      for (const to of names) {
        const target = peers.get(to)!;
        if (from === to || declared.has(`${from}→${to}`) || !target.internal) continue;
        const result = allowed(peers.get(from)!, target);
        if (result.istio) leaks.push(`${from} → ${to} allowed by Istio`);
        if (result.network) leaks.push(`${from} → ${to} allowed by NetworkPolicy`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test('workloads reach peers outside the namespace only along declared edges', () => {
    for (const from of names.filter((n) => peers.get(n)!.internal)) {
      for (const to of names.filter((n) => !peers.get(n)!.internal && peers.get(n)!.ports.length > 0)) {
        const target = peers.get(to)!;
        const result = networkAllows(all, { from: pod(peers.get(from)!), to: pod(target), port: target.ports[0] });
        expect([from, to, result]).toEqual([from, to, declared.has(`${from}→${to}`)]);
      }
    }
    expect(declared).toContain('load-generator→istio-ingressgateway');
  });

  test('a declared edge on another port is denied by both', () => {
    const from = peers.get('api-gateway')!;
    const to = peers.get('user-service')!;
    expect(networkAllows(all, { from: pod(from), to: pod(to), port: 9999 })).toBe(false);
    expect(
      istioAllows(all, { namespace: to.namespace, labels: to.podLabels, principal: principal(config.trustDomain, from), port: 9999 }),
    ).toBe(false);
  });

  test('a workload outside the graph (a new pod with no policy of its own) reaches nothing and nobody reaches it', () => {
    const stranger = { namespace: config.environment.namespace, labels: { 'app.kubernetes.io/name': 'stranger' } };
    for (const name of names) {
      const target = peers.get(name)!;
      if (!target.internal) continue;
      expect(networkAllows(all, { from: stranger, to: pod(target), port: target.ports[0] })).toBe(false);
      expect(networkAllows(all, { from: pod(target), to: stranger, port: 8080 })).toBe(false);
      expect(
        istioAllows(all, {
          namespace: target.namespace,
          labels: target.podLabels,
          principal: `${config.trustDomain}/ns/${target.namespace}/sa/stranger`,
          port: target.ports[0],
        }),
      ).toBe(false);
    }
  });

  test('every pod reaches DNS and istiod, and nothing else outside the graph', () => {
    for (const name of names) {
      const source = peers.get(name)!;
      if (!source.internal) continue;
      const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
      expect(networkAllows(all, { from: pod(source), to: dns, port: 53, protocol: 'UDP' })).toBe(true);
      expect(networkAllows(all, { from: pod(source), to: dns, port: 53, protocol: 'TCP' })).toBe(true);
      expect(networkAllows(all, { from: pod(source), to: dns, port: 9153 })).toBe(false);
      expect(networkAllows(all, { from: pod(source), to: { namespace: 'istio-system', labels: { app: 'istiod' } }, port: 15012 })).toBe(
        true,
      );
      expect(
        networkAllows(all, { from: pod(source), to: { namespace: 'kube-system', labels: { component: 'kube-apiserver' } }, port: 443 }),
      ).toBe(false);
    }
  });

  test('Prometheus scrapes every sidecar on 15020; nobody else does', () => {
    const prometheus = peers.get('prometheus')!;
    const gateway = peers.get('istio-ingressgateway')!;
    for (const name of names) {
      const target = peers.get(name)!;
      if (!target.internal) continue;
      expect(networkAllows(all, { from: pod(prometheus), to: pod(target), port: 15020 })).toBe(true);
      expect(networkAllows(all, { from: pod(gateway), to: pod(target), port: 15020 })).toBe(false);
    }
  });

  test('mTLS is STRICT for the whole namespace, with no selector, port exception or TLS override', () => {
    const peerAuthentications = ofKind(all, 'PeerAuthentication');
    expect(peerAuthentications.map((p) => [p.metadata?.namespace, p.spec])).toEqual([
      [config.environment.namespace, { mtls: { mode: 'STRICT' } }],
    ]);
    for (const rule of ofKind(all, 'DestinationRule')) {
      expect((rule.spec as { trafficPolicy?: { tls?: unknown } }).trafficPolicy?.tls).toBeUndefined();
    }
  });

  test('Redis and PostgreSQL stay in the mesh: same namespace, injected, TCP ports, and behind the policies', () => {
    const namespace = all.find((o) => o.kind === 'Namespace' && o.metadata?.name === config.environment.namespace) as KubeObject;
    expect(namespace.metadata?.labels?.['istio-injection']).toBe('enabled');
    const portNames = (name: string) =>
      (all.find((o) => o.kind === 'Service' && o.metadata?.name === name)!.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
    expect(portNames('redis')).toEqual(['tcp-redis']);
    expect(portNames('postgresql')).toEqual(['tcp-postgresql']);
    for (const store of ['redis', 'postgresql']) {
      const p = peers.get(store)!;
      expect(
        istioAllows(all, {
          namespace: p.namespace,
          labels: p.podLabels,
          principal: principal(config.trustDomain, peers.get('api-gateway')!),
          port: p.ports[0],
        }),
      ).toBe(false);
      const template = all.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata?.name === store)!;
      expect(JSON.stringify(template)).not.toContain('sidecar.istio.io/inject');
    }
  });
});

describe('the evaluators', () => {
  const labels = { app: 'x' };
  const request = { namespace: 'n', labels, principal: 'cluster.local/ns/n/sa/a', port: 80 };
  const policy = (kind: string, namespace: string, spec: object) => ({ apiVersion: 'v1', kind, metadata: { name: 'p', namespace }, spec });

  test('a policy in the root namespace applies to every namespace', () => {
    expect(istioAllows([policy('AuthorizationPolicy', 'istio-system', {})], request)).toBe(false);
  });

  test('features they do not model are refused, not guessed', () => {
    expect(() =>
      istioAllows([policy('AuthorizationPolicy', 'n', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[x]' }] }] })], request),
    ).toThrow(UnsupportedPolicyError);
    expect(() =>
      istioAllows([policy('AuthorizationPolicy', 'n', { rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] })], request),
    ).toThrow(UnsupportedPolicyError);
    const connection = { from: { namespace: 'n', labels }, to: { namespace: 'n', labels }, port: 80 };
    expect(() =>
      networkAllows(
        [
          policy('NetworkPolicy', 'n', {
            podSelector: {},
            policyTypes: ['Egress'],
            egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
          }),
        ],
        connection,
      ),
    ).toThrow(UnsupportedPolicyError);
    expect(() =>
      networkAllows(
        [policy('NetworkPolicy', 'n', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] })],
        connection,
      ),
    ).toThrow(UnsupportedPolicyError);
  });

  test('no policy allows, an allow-nothing policy denies', () => {
    const request = { namespace: 'n', labels, principal: 'cluster.local/ns/n/sa/a', port: 80 };
    expect(istioAllows([], request)).toBe(true);
    const allowNothing = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'd', namespace: 'n' },
      spec: {},
    };
    expect(istioAllows([allowNothing], request)).toBe(false);
    expect(networkAllows([], { from: { namespace: 'n', labels }, to: { namespace: 'n', labels }, port: 80 })).toBe(true);
    const deny = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'd', namespace: 'n' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    expect(networkAllows([deny], { from: { namespace: 'n', labels }, to: { namespace: 'n', labels }, port: 80 })).toBe(false);
  });
});

describe('call-graph mistakes are config errors, all at once', () => {
  test('unknown names, an edge between external peers and an uncallable peer', () => {
    const broken = withConfig('prod', (c) => ({
      callGraph: {
        ...c.callGraph,
        edges: [
          ...c.callGraph.edges,
          { from: 'api-gateway', to: 'payment-service' },
          { from: 'prometheus', to: 'istio-ingressgateway' },
          { from: 'api-gateway', to: 'prometheus' },
          { from: 'api-gateway', to: 'auth-service' },
        ],
      },
    }));
    const findings = checkConfig(broken, platformReleases(broken)).map((f) => `${f.field}: ${f.message}`);
    // Counted as config/call-graph.ts lists them: after the edges derived from the route table.
    const written = broken.callGraph.edges.slice(ingressEdges.length);
    const n = written.length;
    const first = written.findIndex((e) => e.from === 'api-gateway' && e.to === 'auth-service');
    expect(findings).toEqual([
      `edges[${n - 4}].to: 'api-gateway' → 'payment-service': expected a workload or external peer (known: ${[...meshPeers(broken).keys()].sort().join(', ')}), got 'payment-service'`,
      `edges[${n - 3}]: 'prometheus' → 'istio-ingressgateway': expected a workload of this namespace at one end, got two external peers (no policy in this namespace can allow it)`,
      `edges[${n - 2}].to: 'api-gateway' → 'prometheus': expected an external peer with ports to call, got 'prometheus', which declares none (its \`ports\` in callGraph.peers)`,
      `edges[${n - 1}]: 'api-gateway' → 'auth-service': expected each edge once, got it again (already edges[${first}])`,
    ]);
  });
});

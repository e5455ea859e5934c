// Every path of platform.md's route table, and the expected-status cases, sent through the rendered
// VirtualService: the destination Service, its port, and the path the service sees.
import type { PathMatch } from '../../config/types';
import { doubledSlashRewrites, routeRequest, type HttpRoute } from '../../validation/evaluators/routing';
import { checkConfig } from '../../validation/config-checks';
import { platformReleases } from '../../charts/releases';
import { renderEnvironment } from '../../synth/synth';
import { environmentNames, objects, ofKind, withConfig } from '../support/helpers';
import { platformConfig } from '../../config';

// platform.md, "Ingress and routing", written out independently of config/routes.ts.
// [request path, Service, port, path the service sees, why]
const TABLE: [string, string, number, string, string][] = [
  ['/api/login', 'auth-service', 8002, '/login', 'exactly /api/login'],
  ['/api/auth/verify', 'auth-service', 8002, '/verify', 'prefix /api/auth/ (the old rewrite produced //verify)'],
  ['/api/auth/', 'auth-service', 8002, '/', 'prefix /api/auth/ itself'],
  ['/api/users', 'user-service', 8001, '/users', 'prefix /api/users'],
  ['/api/users/alice', 'user-service', 8001, '/users/alice', 'a user by name'],
  ['/api/users/verify-credentials', 'user-service', 8001, '/users/verify-credentials', 'credential check'],
  ['/blog', 'blog-service', 8005, '/blog', 'prefix /blog'],
  ['/blog/', 'blog-service', 8005, '/blog/', 'expected 200'],
  ['/blog/api/posts', 'blog-service', 8005, '/blog/api/posts', 'expected 200'],
  ['/blog/api/categories', 'blog-service', 8005, '/blog/api/categories', 'expected 200'],
  ['/api/register', 'api-gateway', 8000, '/api/register', 'prefix /api/ (api-gateway maps *register to user /users)'],
  ['/api/posts', 'api-gateway', 8000, '/api/posts', 'prefix /api/'],
  ['/api/login/', 'api-gateway', 8000, '/api/login/', 'not exactly /api/login'],
  ['/api/auth', 'api-gateway', 8000, '/api/auth', 'no trailing slash: not /api/auth/'],
  ['/api/nonexistent', 'api-gateway', 8000, '/api/nonexistent', 'expected 404 from api-gateway'],
  ['/', 'blog-service', 8005, '/', 'expected 200'],
  ['/nonexistent', 'blog-service', 8005, '/nonexistent', 'expected 404: the demo’s deliberate error'],
  ['/health', 'blog-service', 8005, '/health', 'anything else'],
];

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);
  const namespace = platformConfig(environment).environment.namespace;
  const [virtualService] = ofKind(all, 'VirtualService');
  const spec = virtualService.spec as { hosts: string[]; gateways: string[]; http: HttpRoute[] };

  test.each(TABLE)('%s → %s:%d sees %s (%s)', (path, service, port, seen) => {
    expect(routeRequest(spec.http, path)).toMatchObject({ host: `${service}.${namespace}.svc.cluster.local`, port, path: seen });
  });

  test('every destination is a rendered Service port in the namespace', () => {
    for (const route of spec.http) {
      const { host, port } = route.route![0].destination;
      const name = host.split('.')[0];
      expect(host).toBe(`${name}.${namespace}.svc.cluster.local`);
      const service = all.find((o) => o.kind === 'Service' && o.metadata?.name === name && o.metadata?.namespace === namespace);
      expect((service?.spec as { ports: { port: number; name: string }[] }).ports).toContainEqual(
        expect.objectContaining({ port: port!.number, name: 'http' }),
      );
    }
  });

  test('no rewrite turns a clean path into one with //', () => {
    expect(doubledSlashRewrites(spec.http)).toEqual([]);
  });

  test('bound to the Gateway on port 80 for every host, served by the istio: ingressgateway pods', () => {
    const [gateway] = ofKind(all, 'Gateway');
    expect(spec.gateways).toEqual([gateway.metadata?.name]);
    expect(spec.hosts).toEqual(['*']);
    expect(gateway.metadata?.namespace).toBe(namespace);
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
  });
});

test('the doubled-slash check catches the old platform’s rewrite', () => {
  const old: HttpRoute[] = [
    { name: 'auth', match: [{ uri: { prefix: '/api/auth' } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'auth' } }] },
  ];
  expect(doubledSlashRewrites(old)).toContainEqual({ route: 'auth', request: '/api/auth/x', path: '//x' });
  expect(routeRequest(old, '/api/auth/verify')?.path).toBe('//verify');
});

test('first match wins: a catch-all before the others takes everything', () => {
  const routes: HttpRoute[] = [
    { name: 'all', match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'a' } }] },
    { name: 'login', match: [{ uri: { exact: '/api/login' } }], route: [{ destination: { host: 'b' } }] },
  ];
  expect(routeRequest(routes, '/api/login')?.host).toBe('a');
});

test('a route to an unknown service is a config error, reported with the others, and nothing renders', () => {
  const match: PathMatch = { prefix: '/shop' };
  const broken = withConfig('prod', (c) => ({ routes: [{ name: 'shop', match, service: 'shop-service' }, ...c.routes] }));
  const findings = checkConfig(broken, platformReleases(broken));
  expect(findings).toEqual([
    expect.objectContaining({
      rule: 'config',
      file: 'config/routes.ts',
      field: 'routes[0].service',
      message: expect.stringContaining("got 'shop-service'"),
    }),
  ]);
  expect(renderEnvironment(broken).manifests).toEqual([]);
});

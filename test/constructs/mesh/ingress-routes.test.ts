import { IngressRoutes, type IngressRoutesProps } from '../../../constructs/mesh/ingress-routes';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: IngressRoutesProps = {
  namespace: 'shop',
  labels: { 'app.kubernetes.io/name': 'shop-ingress' },
  gatewaySelector: { istio: 'ingressgateway' },
  routes: [
    { name: 'api', match: { prefix: '/api/' }, service: 'api', rewrite: '/' },
    { name: 'home', match: { exact: '/' }, service: 'web' },
  ],
  targets: new Map([
    ['api', { host: 'api.shop.svc.cluster.local', port: 8080 }],
    ['web', { host: 'web.shop.svc.cluster.local', port: 80 }],
  ]),
};

const render = (extra: Partial<IngressRoutesProps> = {}) =>
  synth((chart) => new IngressRoutes(chart, 'shop-ingress', { ...props, ...extra }));

describe('IngressRoutes', () => {
  const objects = render();
  const http = at(one(objects, 'VirtualService'), 'spec', 'http') as unknown[];

  test('creates a Gateway and a VirtualService, both named after the id, in the namespace, with the given labels', () => {
    expect(refs(objects)).toEqual(['Gateway/shop-ingress', 'VirtualService/shop-ingress']);
    for (const o of objects)
      expect(o.metadata).toEqual({ name: 'shop-ingress', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop-ingress' } });
  });

  test('the Gateway binds to the gateway pods by the given selector and serves HTTP on port 80 for every host', () => {
    expect(at(one(objects, 'Gateway'), 'spec')).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
  });

  test("the VirtualService is bound to that Gateway, with one HTTP route per row in the table's order", () => {
    expect(at(one(objects, 'VirtualService'), 'spec', 'gateways')).toEqual(['shop-ingress']);
    expect(at(one(objects, 'VirtualService'), 'spec', 'hosts')).toEqual(['*']);
    expect(http.map((route) => at(route, 'name'))).toEqual(['api', 'home']);
  });

  test("a prefix row with a rewrite: prefix match, rewritten URI, routed to its target's host and port", () => {
    expect(http[0]).toMatchObject({
      match: [{ uri: { prefix: '/api/' } }],
      rewrite: { uri: '/' },
      route: [{ destination: { host: 'api.shop.svc.cluster.local', port: { number: 8080 } } }],
    });
  });

  test('an exact row without a rewrite: exact match, the path passed on unchanged', () => {
    expect(at(http[1], 'match')).toEqual([{ uri: { exact: '/' } }]);
    expect(at(http[1], 'rewrite')).toBeUndefined();
  });

  test('every route retries only failures before a replica got the request, within a 15 s timeout', () => {
    for (const route of http) {
      expect(route).toMatchObject({
        retries: { attempts: 2, perTryTimeout: '5s', retryOn: 'connect-failure,refused-stream,reset-before-request' },
        timeout: '15s',
      });
    }
  });

  test('a row naming a service without a target is refused, naming both', () => {
    expect(() => render({ routes: [{ name: 'lost', match: { prefix: '/' }, service: 'nowhere' }] })).toThrow(
      'route "lost" names unknown service "nowhere"',
    );
  });

  test("exposes the Gateway's name", () => {
    let ingress: IngressRoutes | undefined;
    synth((chart) => (ingress = new IngressRoutes(chart, 'edge', props)));
    expect(ingress!.gatewayName).toBe('edge');
  });
});

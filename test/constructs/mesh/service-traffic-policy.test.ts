import { ServiceTrafficPolicy, type ServiceTrafficPolicyProps } from '../../../constructs/mesh/service-traffic-policy';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: ServiceTrafficPolicyProps = {
  name: 'cart',
  host: 'cart.shop.svc.cluster.local',
  namespace: 'shop',
  labels: { 'app.kubernetes.io/name': 'cart' },
};

const render = (extra: Partial<ServiceTrafficPolicyProps> = {}) =>
  one(
    synth((chart) => new ServiceTrafficPolicy(chart, 'traffic', { ...props, ...extra })),
    'DestinationRule',
  );

describe('ServiceTrafficPolicy', () => {
  test('creates one DestinationRule named by props (not by the id) for the host, with the given labels', () => {
    const objects = synth((chart) => new ServiceTrafficPolicy(chart, 'traffic', props));
    expect(refs(objects)).toEqual(['DestinationRule/cart']);
    expect(objects[0]).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      metadata: { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'cart' } },
      spec: { host: 'cart.shop.svc.cluster.local' },
    });
  });

  test('defaults: 100 connections and 100 pending requests, outlier detection after 5 consecutive 5xx', () => {
    expect(at(render(), 'spec', 'trafficPolicy')).toEqual({
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: '3s' },
        http: { http1MaxPendingRequests: 100, idleTimeout: '60s' },
      },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
    });
  });

  test('maxConnections bounds both the TCP pool and the pending HTTP requests', () => {
    const pool = at(render({ maxConnections: 20 }), 'spec', 'trafficPolicy', 'connectionPool');
    expect(at(pool, 'tcp', 'maxConnections')).toBe(20);
    expect(at(pool, 'http', 'http1MaxPendingRequests')).toBe(20);
  });

  test('consecutive5xxErrors sets the ejection threshold; outlierDetection false drops it', () => {
    expect(at(render({ consecutive5xxErrors: 2 }), 'spec', 'trafficPolicy', 'outlierDetection', 'consecutive5xxErrors')).toBe(2);
    expect(at(render({ outlierDetection: false }), 'spec', 'trafficPolicy', 'outlierDetection')).toBeUndefined();
  });

  test("leaves TLS to Istio's automatic mTLS", () => {
    expect(at(render(), 'spec', 'trafficPolicy', 'tls')).toBeUndefined();
  });
});

import { SidecarMetricsMonitor, type SidecarMetricsMonitorProps } from '../../../constructs/observability/sidecar-metrics-monitor';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: SidecarMetricsMonitorProps = { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'sidecars' } };

const render = (extra: Partial<SidecarMetricsMonitorProps> = {}) =>
  synth((chart) => new SidecarMetricsMonitor(chart, 'sidecars', { ...props, ...extra }));

describe('SidecarMetricsMonitor', () => {
  const objects = render();
  const monitor = one(objects, 'PodMonitor');
  const endpoint = at(monitor, 'spec', 'podMetricsEndpoints', 0);

  test('creates one PodMonitor named after the id, in the scraped namespace, with the given labels', () => {
    expect(refs(objects)).toEqual(['PodMonitor/sidecars']);
    expect(monitor.metadata).toEqual({ name: 'sidecars', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'sidecars' } });
  });

  test('selects only sidecar-injected pods and names the job after their app label', () => {
    expect(at(monitor, 'spec', 'selector')).toEqual({ matchLabels: { 'security.istio.io/tlsMode': 'istio' } });
    expect(at(monitor, 'spec', 'jobLabel')).toBe('app');
    expect(at(endpoint, 'relabelings', 1)).toEqual({
      action: 'replace',
      sourceLabels: ['__meta_kubernetes_pod_label_app'],
      targetLabel: 'app',
    });
  });

  test("defaults: one target per pod via the sidecar's declared port, pointed at :15020/stats/prometheus every 15s", () => {
    expect(endpoint).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus', interval: '15s' });
    expect(at(endpoint, 'relabelings', 0)).toEqual({
      action: 'replace',
      sourceLabels: ['__meta_kubernetes_pod_ip'],
      regex: '(.+)',
      replacement: '$1:15020',
      targetLabel: '__address__',
    });
  });

  test("a selector replaces the default, for proxies that are no sidecar (a gateway's pods); the endpoint stays the same", () => {
    const gateway = render({ namespace: 'edge', selector: { istio: 'ingressgateway' } });
    const monitor = one(gateway, 'PodMonitor');
    expect(monitor.metadata.namespace).toBe('edge');
    expect(at(monitor, 'spec', 'selector')).toEqual({ matchLabels: { istio: 'ingressgateway' } });
    expect(at(monitor, 'spec', 'podMetricsEndpoints')).toEqual([endpoint]);
  });

  test('port and interval replace the defaults', () => {
    const custom = at(one(render({ port: 15090, interval: '30s' }), 'PodMonitor'), 'spec', 'podMetricsEndpoints', 0);
    expect(at(custom, 'interval')).toBe('30s');
    expect(at(custom, 'relabelings', 0, 'replacement')).toBe('$1:15090');
  });
});

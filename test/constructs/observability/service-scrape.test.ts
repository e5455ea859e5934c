import { ServiceScrape, type ServiceScrapeProps } from '../../../constructs/observability/service-scrape';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: ServiceScrapeProps = {
  namespace: 'istio-system',
  labels: { 'app.kubernetes.io/name': 'istiod' },
  selector: { app: 'istiod' },
  port: 'http-monitoring',
};

const render = (extra: Partial<ServiceScrapeProps> = {}) => synth((chart) => new ServiceScrape(chart, 'istiod', { ...props, ...extra }));

describe('ServiceScrape', () => {
  const objects = render();

  test("creates one ServiceMonitor named after the id, in the Service's namespace, selecting the Service by the given labels", () => {
    expect(refs(objects)).toEqual(['ServiceMonitor/istiod']);
    expect(one(objects, 'ServiceMonitor')).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      metadata: { name: 'istiod', namespace: 'istio-system', labels: { 'app.kubernetes.io/name': 'istiod' } },
      spec: { selector: { matchLabels: { app: 'istiod' } } },
    });
  });

  test("defaults: the named port's /metrics every 30s", () => {
    expect(at(one(objects, 'ServiceMonitor'), 'spec', 'endpoints')).toEqual([
      { port: 'http-monitoring', path: '/metrics', interval: '30s' },
    ]);
  });

  test('path and interval replace the defaults', () => {
    const custom = one(render({ path: '/stats', interval: '1m' }), 'ServiceMonitor');
    expect(at(custom, 'spec', 'endpoints')).toEqual([{ port: 'http-monitoring', path: '/stats', interval: '1m' }]);
  });
});

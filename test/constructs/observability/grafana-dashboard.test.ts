import { GrafanaDashboard, type GrafanaDashboardProps } from '../../../constructs/observability/grafana-dashboard';
import { at, one, refs, synth } from '../../support/construct-harness';

// Any Grafana JSON model; the construct reads only its uid.
const model = { uid: 'shop', title: 'Shop', panels: [] };
const untitled = { title: 'Plain' };

const props: GrafanaDashboardProps = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'shop-dashboard' }, dashboard: model };

describe('GrafanaDashboard', () => {
  let dashboard: GrafanaDashboard | undefined;
  const objects = synth((chart) => (dashboard = new GrafanaDashboard(chart, 'shop-dashboard', props)));
  const configMap = one(objects, 'ConfigMap');

  test("creates one ConfigMap named after the id, in the namespace, labelled for Grafana's dashboard sidecar", () => {
    expect(refs(objects)).toEqual(['ConfigMap/shop-dashboard']);
    expect(configMap.metadata).toEqual({
      name: 'shop-dashboard',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'shop-dashboard', grafana_dashboard: '1' },
    });
  });

  test('holds the dashboard as pretty-printed JSON under <uid>.json, the same text the construct exposes', () => {
    expect(at(configMap, 'data')).toEqual({ 'shop.json': dashboard!.json });
    expect(dashboard!.json).toBe('{\n  "uid": "shop",\n  "title": "Shop",\n  "panels": []\n}\n');
    expect(JSON.parse(dashboard!.json)).toEqual(props.dashboard);
  });

  test('a dashboard without a uid is stored under the construct id', () => {
    const noUid = one(
      synth((chart) => new GrafanaDashboard(chart, 'plain', { ...props, dashboard: untitled })),
      'ConfigMap',
    );
    expect(Object.keys(at(noUid, 'data') as object)).toEqual(['plain.json']);
  });
});

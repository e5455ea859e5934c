// PlatformChart is a Chart itself, so it is built in an app of its own (testApp) instead of the harness's chart.
import { Testing } from 'cdk8s';
import { k8s } from '../../constructs/k8s';
import { PlatformChart } from '../../constructs/platform-chart';
import { testApp } from '../support/construct-harness';

describe('PlatformChart', () => {
  test('is the chart of one Argo CD Application: its id, folder name, description and sync wave', () => {
    const chart = new PlatformChart(testApp(), { appName: 'shop', description: 'The shop', syncWave: 3 });
    expect(chart.node.id).toBe('shop');
    expect(chart).toMatchObject({ appName: 'shop', description: 'The shop', syncWave: 3 });
  });

  test('namespace: none by default; the given one is recorded for Argo CD, not stamped on the objects', () => {
    expect(new PlatformChart(testApp(), { appName: 'a', description: '', syncWave: 0 }).defaultNamespace).toBeUndefined();
    const chart = new PlatformChart(testApp(), { appName: 'b', description: '', syncWave: 0, namespace: 'shop' });
    new k8s.KubeConfigMap(chart, 'settings', { metadata: { name: 'settings' } });
    expect(chart.defaultNamespace).toBe('shop');
    expect(Testing.synth(chart)[0].metadata).toEqual({ name: 'settings' });
  });

  test('names an object that gives no name after the chart and construct, with no hash appended', () => {
    const chart = new PlatformChart(testApp(), { appName: 'shop', description: '', syncWave: 0 });
    new k8s.KubeConfigMap(chart, 'settings', {});
    expect(Testing.synth(chart).map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['shop-settings']);
  });
});

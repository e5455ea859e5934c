import { APPLICATION_HEALTH_LUA, ArgoCdSettings } from '../../../constructs/argocd/argocd-settings';
import { at, one, refs, synth } from '../../support/construct-harness';
import { runHealthCheck } from '../../support/lua';

describe('ArgoCdSettings', () => {
  const objects = synth((chart) => new ArgoCdSettings(chart, 'settings', { argocdNamespace: 'argocd', reconciliationTimeout: '60s', reconciliationJitter: '10s' }));
  const configMap = one(objects, 'ConfigMap');

  test('creates argocd-cm (whatever the id) in Argo CD\'s namespace, with Argo CD\'s own labels', () => {
    expect(refs(objects)).toEqual(['ConfigMap/argocd-cm']);
    expect(configMap.metadata).toEqual({
      name: 'argocd-cm',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    });
  });

  test('sets the polling interval and its jitter, and the Application health check', () => {
    expect(at(configMap, 'data')).toEqual({
      'timeout.reconciliation': '60s',
      'timeout.reconciliation.jitter': '10s',
      'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
    });
  });

  // The child states an app of apps meets, on a fresh cluster and after.
  const child = (health?: string, sync?: string, message?: string) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'child' },
    ...(health === undefined ? {} : { status: { health: { status: health, ...(message ? { message } : {}) }, ...(sync ? { sync: { status: sync } } : {}) } }),
  });
  const check = (obj: unknown) => runHealthCheck(APPLICATION_HEALTH_LUA, obj);

  test('a child is Healthy only when it is Healthy and Synced', () => {
    expect(check(child('Healthy', 'Synced')).status).toBe('Healthy');
    expect(check(child('Healthy', 'OutOfSync'))).toEqual({ status: 'Progressing', message: 'child Healthy but OutOfSync' });
    expect(check(child('Healthy'))).toEqual({ status: 'Progressing', message: 'child Healthy but Unknown' });
  });

  test('a Degraded child keeps the parent waiting (Progressing) with the child\'s message, instead of failing its sync', () => {
    // Prometheus before its pod is ready; an HPA before metrics-server has data.
    expect(check(child('Degraded', 'Synced', 'Available=False'))).toEqual({
      status: 'Progressing',
      message: 'child Degraded, waiting for it to recover: Available=False',
    });
    expect(check(child('Degraded', 'Synced', 'FailedGetResourceMetric')).status).toBe('Progressing');
  });

  test('a child without a status yet, Missing, Progressing or Suspended is Progressing', () => {
    expect(check(child())).toEqual({ status: 'Progressing', message: "waiting for the child Application's status" });
    for (const health of ['Missing', 'Progressing', 'Suspended', 'Unknown']) {
      expect(check(child(health, 'OutOfSync', 'starting'))).toEqual({ status: 'Progressing', message: `child ${health}: starting` });
    }
  });
});

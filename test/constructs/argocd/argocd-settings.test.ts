import { APPLICATION_HEALTH_LUA, ArgoCdSettings } from '../../../constructs/argocd/argocd-settings';
import { at, one, refs, synth } from '../../support/construct-harness';

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

  test('the health check reports an Application Progressing until it has a health status, then that status', () => {
    expect(APPLICATION_HEALTH_LUA).toMatch(/^hs = \{\}\nhs.status = "Progressing"\n/);
    expect(APPLICATION_HEALTH_LUA).toContain('hs.status = obj.status.health.status');
    expect(APPLICATION_HEALTH_LUA.trimEnd().endsWith('return hs')).toBe(true);
  });
});

import { PlatformNamespace, type PlatformNamespaceProps } from '../../constructs/platform-namespace';
import { at, one, refs, synth } from '../support/construct-harness';

const props: PlatformNamespaceProps = { partOf: 'demo', version: '1.0.0', podSecurityVersion: 'v1.31' };

const render = (extra: Partial<PlatformNamespaceProps> = {}) =>
  synth((chart) => new PlatformNamespace(chart, 'shop', { ...props, ...extra }));

describe('PlatformNamespace', () => {
  const objects = render();
  const namespace = one(objects, 'Namespace');

  test('creates one Namespace named after the id, with the standard labels as component namespace', () => {
    expect(refs(objects)).toEqual(['Namespace/shop']);
    expect(namespace.metadata.namespace).toBeUndefined();
    expect(namespace.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/part-of': 'demo',
      'app.kubernetes.io/component': 'namespace',
      'app.kubernetes.io/version': '1.0.0',
    });
    const platform = one(render({ component: 'platform' }), 'Namespace');
    expect(platform.metadata.labels?.['app.kubernetes.io/component']).toBe('platform');
  });

  test('podSecurity: enforces restricted by default, at the pinned version; warns and audits at restricted always', () => {
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.31',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.31',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.31',
    });
    const privileged = one(render({ podSecurity: 'privileged' }), 'Namespace');
    expect(privileged.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('sidecarInjection: labelled istio-injection enabled by default; no label at all when off (not "disabled")', () => {
    expect(namespace.metadata.labels?.['istio-injection']).toBe('enabled');
    expect(one(render({ sidecarInjection: false }), 'Namespace').metadata.labels).not.toHaveProperty(['istio-injection']);
  });

  test('protectFromDeletion: Argo CD never prunes or deletes it by default; no annotation when off', () => {
    expect(namespace.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(one(render({ protectFromDeletion: false }), 'Namespace').metadata.annotations).toBeUndefined();
  });

  test('resourceQuota: none by default; given one, a ResourceQuota of the same name inside the namespace', () => {
    const quotaed = render({ resourceQuota: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '4', memory: '4Gi' }, pods: 20 } });
    expect(refs(quotaed)).toEqual(['Namespace/shop', 'ResourceQuota/shop']);
    const quota = one(quotaed, 'ResourceQuota');
    expect(quota.metadata).toMatchObject({ name: 'shop', namespace: 'shop' });
    expect(at(quota, 'spec', 'hard')).toEqual({
      'requests.cpu': '2',
      'requests.memory': '2Gi',
      'limits.cpu': '4',
      'limits.memory': '4Gi',
      pods: '20',
    });
  });

  test('exposes its name', () => {
    let ns: PlatformNamespace | undefined;
    synth((chart) => (ns = new PlatformNamespace(chart, 'shop', props)));
    expect(ns!.name).toBe('shop');
  });
});

import { GitOpsApplication, type GitOpsApplicationProps } from '../../../constructs/argocd/gitops-application';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: GitOpsApplicationProps = {
  argocdNamespace: 'argocd',
  project: 'shop',
  source: { repoURL: 'https://example.org/shop.git', targetRevision: 'deploy', path: 'prod/shop' },
  server: 'https://kubernetes.default.svc',
  namespace: 'shop',
  retry: { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } },
  partOf: 'demo',
  version: '1.0.0',
};

const render = (extra: Partial<GitOpsApplicationProps> = {}) => one(synth((chart) => new GitOpsApplication(chart, 'shop-app', { ...props, ...extra })), 'Application');

describe('GitOpsApplication', () => {
  const application = render();

  test('creates one Application named after the id, in Argo CD\'s namespace, in the given project and destination', () => {
    let app: GitOpsApplication | undefined;
    const objects = synth((chart) => (app = new GitOpsApplication(chart, 'shop-app', props)));
    expect(refs(objects)).toEqual(['Application/shop-app']);
    expect(app!.name).toBe('shop-app');
    expect(application).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      metadata: { name: 'shop-app', namespace: 'argocd', labels: { 'app.kubernetes.io/component': 'delivery' } },
      spec: { project: 'shop', destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
    });
  });

  test('a folder source: the branch and folder of the repository', () => {
    expect(at(application, 'spec', 'source')).toEqual({ repoURL: 'https://example.org/shop.git', targetRevision: 'deploy', path: 'prod/shop' });
  });

  test('a Helm source: the pinned chart, its release name and the typed values as valuesObject', () => {
    const helm = render({
      source: {
        chart: { repoURL: 'https://charts.example.org', chart: 'cache', version: '1.2.3', releaseName: 'cache', namespace: 'shop', clusterKinds: [] },
        values: { replicas: 2 },
      },
    });
    expect(at(helm, 'spec', 'source')).toEqual({
      repoURL: 'https://charts.example.org',
      chart: 'cache',
      targetRevision: '1.2.3',
      helm: { releaseName: 'cache', valuesObject: { replicas: 2 } },
    });
  });

  test('syncs automatically with prune and self-heal, server-side, retrying with the given backoff', () => {
    expect(at(application, 'spec', 'syncPolicy')).toEqual({
      automated: { prune: true, selfHeal: true },
      retry: { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '1m' }, refresh: true },
      syncOptions: ['ServerSideApply=true', 'ApplyOutOfSyncOnly=true', 'PruneLast=true'],
    });
    expect(at(application, 'metadata', 'annotations', 'argocd.argoproj.io/compare-options')).toBe('ServerSideDiff=true');
  });

  test('syncWave: no wave annotation by default; the given wave otherwise', () => {
    expect(application.metadata.annotations).not.toHaveProperty(['argocd.argoproj.io/sync-wave']);
    expect(render({ syncWave: 2 }).metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('2');
  });

  test('applyOutOfSyncOnly: on by default; off (an app of apps re-applies every child) when false', () => {
    expect(at(application, 'spec', 'syncPolicy', 'syncOptions')).toContain('ApplyOutOfSyncOnly=true');
    expect(at(render({ applyOutOfSyncOnly: false }), 'spec', 'syncPolicy', 'syncOptions')).toEqual(['ServerSideApply=true', 'PruneLast=true']);
  });

  test('cascadeDelete: the resources finalizer by default; none when off', () => {
    expect(application.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/foreground']);
    expect(render({ cascadeDelete: false }).metadata.finalizers).toBeUndefined();
  });

  test('ignoreDifferences: none by default; given ones render without their reason and turn on RespectIgnoreDifferences', () => {
    expect(at(application, 'spec', 'ignoreDifferences')).toBeUndefined();
    const ignoring = render({
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'], reason: 'the HPA owns it' }],
    });
    expect(at(ignoring, 'spec', 'ignoreDifferences')).toEqual([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
    expect(at(ignoring, 'spec', 'syncPolicy', 'syncOptions')).toContain('RespectIgnoreDifferences=true');
  });
});

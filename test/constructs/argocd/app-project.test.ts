import { PlatformProject, type PlatformProjectProps } from '../../../constructs/argocd/app-project';
import { at, one, refs, synth } from '../../support/construct-harness';

const props: PlatformProjectProps = {
  argocdNamespace: 'argocd',
  description: 'The shop',
  sourceRepos: ['https://example.org/shop.git', 'https://charts.example.org'],
  destinations: [
    { server: 'https://kubernetes.default.svc', namespace: 'shop' },
    { server: 'https://kubernetes.default.svc', namespace: 'monitoring' },
  ],
  clusterResourceWhitelist: [
    { group: '', kind: 'Namespace' },
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  ],
  partOf: 'demo',
  version: '1.0.0',
};

describe('PlatformProject', () => {
  let project: PlatformProject | undefined;
  const objects = synth((chart) => (project = new PlatformProject(chart, 'shop', props)));
  const appProject = one(objects, 'AppProject');

  test('creates one AppProject named after the id, in Argo CD\'s namespace, labelled as delivery', () => {
    expect(refs(objects)).toEqual(['AppProject/shop']);
    expect(appProject).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', metadata: { name: 'shop', namespace: 'argocd' } });
    expect(appProject.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'delivery', 'app.kubernetes.io/part-of': 'demo', 'app.kubernetes.io/version': '1.0.0' });
    expect(project!.name).toBe('shop');
  });

  test('syncs before every Application (wave -100)', () => {
    expect(appProject.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-100' });
  });

  test('allows exactly the given repositories, destinations and cluster-scoped kinds, and nothing else', () => {
    expect(at(appProject, 'spec')).toEqual({
      description: 'The shop',
      sourceRepos: ['https://example.org/shop.git', 'https://charts.example.org'],
      destinations: [
        { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        { server: 'https://kubernetes.default.svc', namespace: 'monitoring' },
      ],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace' },
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
      ],
    });
  });
});

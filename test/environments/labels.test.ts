// Labels and names: the five standard labels on everything, selectors on the stable name label only,
// no cdk8s construct addresses, no hash suffixes, nothing version-dependent in immutable fields.
import { environmentNames, objects, workloads } from '../support/helpers';

const STANDARD = ['name', 'part-of', 'component', 'version', 'managed-by'].map((l) => `app.kubernetes.io/${l}`);

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);

  test('every object carries the standard labels', () => {
    const missing = all.flatMap((o) => STANDARD.filter((l) => !o.metadata?.labels?.[l]).map((l) => `${o.kind}/${o.metadata?.name} ${l}`));
    expect(missing).toEqual([]);
    for (const object of all) {
      expect(object.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('titanium');
      expect(object.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('cdk8s');
    }
  });

  test('workload labels carry the image tag as version', () => {
    for (const { object, pod } of workloads(all)) {
      const tag = pod.spec.containers[0].image.split(':')[1];
      expect(object.metadata?.labels?.['app.kubernetes.io/version']).toBe(tag);
      expect(pod.metadata?.labels).toMatchObject({ app: pod.metadata?.labels?.['app.kubernetes.io/name'], version: tag });
    }
  });

  test('selectors of our own workloads use only app.kubernetes.io/name', () => {
    // The Istio Gateway and the scrape configs select other components' pods by their own labels.
    for (const object of all.filter((o) => !['Gateway', 'PodMonitor', 'ServiceMonitor'].includes(o.kind))) {
      const spec = object.spec as
        { selector?: Record<string, unknown>; podSelector?: { matchLabels?: Record<string, string> } } | undefined;
      const selector = spec?.selector ?? spec?.podSelector;
      if (!selector) continue;
      const labels = (selector.matchLabels as Record<string, string> | undefined) ?? (selector as Record<string, string>);
      // An empty pod selector (namespace-wide NetworkPolicies) selects every pod on purpose.
      if (Object.keys(labels).length === 0 && object.kind === 'NetworkPolicy') continue;
      expect([object.kind, object.metadata?.name, Object.keys(labels)]).toEqual([
        object.kind,
        object.metadata?.name,
        ['app.kubernetes.io/name'],
      ]);
    }
  });

  test('no cdk8s construct address and no generated hash in any name', () => {
    const text = JSON.stringify(all);
    expect(text).not.toContain('cdk8s.io/metadata.addr');
    for (const object of all) expect(object.metadata?.name).not.toMatch(/-c8[0-9a-f]{6,}$|-[0-9a-f]{8}$/);
  });

  test('volumeClaimTemplates (immutable) carry no version label', () => {
    for (const statefulSet of all.filter((o) => o.kind === 'StatefulSet')) {
      for (const claim of (statefulSet.spec as { volumeClaimTemplates: { metadata: { labels: Record<string, string> } }[] })
        .volumeClaimTemplates) {
        expect(claim.metadata.labels['app.kubernetes.io/version']).toBeUndefined();
      }
    }
  });
});

// The namespace quota holds the whole platform at full scale: every service at its HPA maximum plus a
// surge pod each (a rollout at peak), sidecars included. A quota that is too small would surface in
// the demo as an HPA that cannot scale, so synth refuses it (lib/quota.ts, lib/config-checks.ts);
// here the count is held against the rendered objects.
import { platformConfig } from '../config';
import type { PlatformConfig } from '../config/types';
import { QUOTA_FIELDS, quotaAllows, quotaNeeds, quotaWorkloads } from '../lib/quota';
import { renderEnvironment } from '../lib/synth';
import { formatFinding } from '../lib/validation/finding';
import { cpuMillis, fifthService, memoryBytes, named, objects, ofKind, withConfig, workloads } from './helpers';

test('prod ResourceQuota is the one platform.md describes', () => {
  const quota = named(objects('prod'), 'ResourceQuota', 'titanium-prod');
  expect((quota.spec as { hard: Record<string, string> }).hard).toEqual({
    'requests.cpu': '8',
    'requests.memory': '16Gi',
    'limits.cpu': '16',
    'limits.memory': '32Gi',
    pods: '50',
  });
});

test('lib/quota.ts counts what the rendered workloads ask for: pods at full scale and every container, sidecars included', () => {
  const all = objects('prod');
  const hpas = ofKind(all, 'HorizontalPodAutoscaler');
  const fromObjects = workloads(all).map(({ object, pod }) => {
    const hpa = hpas.find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === object.metadata?.name);
    // A CronJob forbids overlap: one pod. Everything else at its maximum plus a surge pod.
    const pods =
      object.kind === 'CronJob' ? 1 : (hpa ? (hpa.spec as { maxReplicas: number }).maxReplicas : (object.spec as { replicas: number }).replicas) + 1;
    const annotations = pod.metadata?.annotations ?? {};
    const sidecar = annotations['sidecar.istio.io/inject'] !== 'false';
    const perPod = {
      'requests.cpu': sidecar ? cpuMillis(annotations['sidecar.istio.io/proxyCPU']) : 0,
      'requests.memory': sidecar ? memoryBytes(annotations['sidecar.istio.io/proxyMemory']) : 0,
      'limits.cpu': sidecar ? cpuMillis(annotations['sidecar.istio.io/proxyCPULimit']) : 0,
      'limits.memory': sidecar ? memoryBytes(annotations['sidecar.istio.io/proxyMemoryLimit']) : 0,
    };
    for (const c of pod.spec.containers) {
      perPod['requests.cpu'] += cpuMillis(c.resources!.requests!.cpu);
      perPod['requests.memory'] += memoryBytes(c.resources!.requests!.memory);
      perPod['limits.cpu'] += cpuMillis(c.resources!.limits!.cpu);
      perPod['limits.memory'] += memoryBytes(c.resources!.limits!.memory);
    }
    return { name: object.metadata?.name, kind: object.kind, pods, perPod, sidecar };
  });
  const byName = (a: { name?: string }, b: { name?: string }) => String(a.name).localeCompare(String(b.name));
  expect([...quotaWorkloads(platformConfig('prod'))].sort(byName)).toEqual(fromObjects.sort(byName));
});

test('prod ResourceQuota fits every workload at its maximum during a rollout', () => {
  const config = platformConfig('prod');
  const needs = quotaNeeds(quotaWorkloads(config));
  for (const field of QUOTA_FIELDS) expect(needs[field]).toBeLessThanOrEqual(quotaAllows(config.environment.resourceQuota!, field).value!);
  expect(needs).toEqual({ 'requests.cpu': 4700, 'requests.memory': 6.125 * 2 ** 30, 'limits.cpu': 13800, 'limits.memory': 16.5 * 2 ** 30, pods: 31 });
});

describe('a fifth service in prod', () => {
  const allowed = (c: PlatformConfig, maxReplicas?: number) => ({
    services: [...c.services, maxReplicas === undefined ? fifthService : { ...fifthService, autoscaling: { maxReplicas } }],
  });

  test('at the default maxReplicas no longer fits: synth refuses, naming the quota field, the figures and the ways out', () => {
    const errors = renderEnvironment(withConfig('prod', (c) => allowed(c))).findings.filter((f) => f.severity === 'error');
    expect(errors.map(formatFinding)).toEqual([
      'error   config/environments/prod.ts environment prod resourceQuota.limits.cpu: ' +
        "expected the namespace's workloads at full scale to fit, got needs 16200m, allows 16 (every HPA at maxReplicas plus a surge pod, sidecars included: " +
        'api-gateway 6 × 400m, auth-service 6 × 400m, user-service 6 × 400m, blog-service 6 × 400m, notification-service 6 × 400m, ' +
        'redis 2 × 400m, postgresql 2 × 700m, load-generator 2 × 500m, load-spike 1 × 1000m). ' +
        'Raise resourceQuota.limits.cpu in config/environments/prod.ts, or lower maxReplicas: ' +
        'for one service with `autoscaling: { maxReplicas: N }` in config/services.ts, for all 5 with services.autoscaling.maxReplicas in config/environments/prod.ts [config]',
    ]);
  });

  test('with `autoscaling: { maxReplicas: 3 }` fits and renders', () => {
    const result = renderEnvironment(withConfig('prod', (c) => allowed(c, 3)));
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.manifests.length).toBeGreaterThan(0);
  });

  test('every dimension is checked: pods too', () => {
    const crowded = withConfig('prod', (c) => ({ ...allowed(c, 3), environment: { ...c.environment, resourceQuota: { ...c.environment.resourceQuota!, pods: 30 } } }));
    const errors = renderEnvironment(crowded).findings.filter((f) => f.severity === 'error');
    expect(errors.map((e) => `${e.file} ${e.field}: ${e.message.slice(0, e.message.indexOf(' ('))}`)).toEqual([
      "config/environments/prod.ts resourceQuota.pods: expected the namespace's workloads at full scale to fit, got needs 35, allows 30",
    ]);
  });
});

test('local has no quota', () => {
  expect(ofKind(objects('local'), 'ResourceQuota')).toEqual([]);
});

test('quantity helpers', () => {
  expect(cpuMillis('250m')).toBe(250);
  expect(cpuMillis('8')).toBe(8000);
  expect(memoryBytes('1Gi')).toBe(2 ** 30);
  expect(() => memoryBytes('1Gb')).toThrow();
});

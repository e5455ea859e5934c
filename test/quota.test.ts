// The namespace quota holds the whole platform at full scale: every service at its HPA maximum plus a
// surge pod each (a rollout at peak), sidecars included. A quota that is too small would surface in
// the demo as an HPA that cannot scale.
import { platformConfig } from '../config';
import { cpuMillis, memoryBytes, named, objects, ofKind, workloads } from './helpers';

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

test('prod ResourceQuota fits every workload at its maximum during a rollout', () => {
  const all = objects('prod');
  const quota = platformConfig('prod').environment.resourceQuota!;
  const hpas = ofKind(all, 'HorizontalPodAutoscaler');
  let pods = 0;
  const total = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  for (const { object, pod } of workloads(all)) {
    const hpa = hpas.find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === object.metadata?.name);
    // A CronJob forbids overlap: one pod. Everything else at its maximum plus a surge pod.
    const replicas =
      object.kind === 'CronJob' ? 1 : (hpa ? (hpa.spec as { maxReplicas: number }).maxReplicas : (object.spec as { replicas: number }).replicas) + 1;
    const annotations = pod.metadata?.annotations ?? {};
    const injected = annotations['sidecar.istio.io/inject'] !== 'false';
    const perPod = {
      requestsCpu: injected ? cpuMillis(annotations['sidecar.istio.io/proxyCPU']) : 0,
      requestsMemory: injected ? memoryBytes(annotations['sidecar.istio.io/proxyMemory']) : 0,
      limitsCpu: injected ? cpuMillis(annotations['sidecar.istio.io/proxyCPULimit']) : 0,
      limitsMemory: injected ? memoryBytes(annotations['sidecar.istio.io/proxyMemoryLimit']) : 0,
    };
    for (const c of pod.spec.containers) {
      perPod.requestsCpu += cpuMillis(c.resources!.requests!.cpu);
      perPod.requestsMemory += memoryBytes(c.resources!.requests!.memory);
      perPod.limitsCpu += cpuMillis(c.resources!.limits!.cpu);
      perPod.limitsMemory += memoryBytes(c.resources!.limits!.memory);
    }
    pods += replicas;
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += perPod[key] * replicas;
  }
  expect(pods).toBeLessThanOrEqual(quota.pods);
  expect(total.requestsCpu).toBeLessThanOrEqual(cpuMillis(quota.requests.cpu));
  expect(total.requestsMemory).toBeLessThanOrEqual(memoryBytes(quota.requests.memory));
  expect(total.limitsCpu).toBeLessThanOrEqual(cpuMillis(quota.limits.cpu));
  expect(total.limitsMemory).toBeLessThanOrEqual(memoryBytes(quota.limits.memory));
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

// The namespace quota holds the whole platform at full scale: every service at its HPA maximum plus a
// surge pod each (a rollout at peak), sidecars included. A quota that is too small would surface in
// the demo as an HPA that cannot scale, so synth refuses it (validation/quota.ts, validation/config-checks.ts);
// here the count is held against the rendered objects.
import { platformConfig } from '../../config';
import type { PlatformConfig } from '../../config/types';
import { formatNeed, QUOTA_FIELDS, quotaAllows, quotaNeeds, quotaWorkloads } from '../../validation/quota';
import { renderEnvironment } from '../../synth/synth';
import { formatFinding } from '../../validation/finding';
import { cpuMillis, fifthService, memoryBytes, named, objects, ofKind, withConfig, withServices, workloads } from '../support/helpers';

test('prod renders the ResourceQuota its config declares', () => {
  const quota = named(objects('prod'), 'ResourceQuota', 'titanium-prod');
  const declared = platformConfig('prod').environment.resourceQuota!;
  expect((quota.spec as { hard: Record<string, string> }).hard).toEqual({
    'requests.cpu': declared.requests.cpu,
    'requests.memory': declared.requests.memory,
    'limits.cpu': declared.limits.cpu,
    'limits.memory': declared.limits.memory,
    pods: String(declared.pods),
  });
});

test('validation/quota.ts counts what the rendered workloads ask for: pods at full scale and every container, sidecars included', () => {
  const all = objects('prod');
  const hpas = ofKind(all, 'HorizontalPodAutoscaler');
  const fromObjects = workloads(all).map(({ object, pod }) => {
    const hpa = hpas.find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === object.metadata?.name);
    // A CronJob forbids overlap: one pod. Everything else at its maximum plus a surge pod.
    const pods =
      object.kind === 'CronJob'
        ? 1
        : (hpa ? (hpa.spec as { maxReplicas: number }).maxReplicas : (object.spec as { replicas: number }).replicas) + 1;
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
});

describe('one more service in prod', () => {
  // The extra service at the environment's default maxReplicas, or at its own.
  const withExtra = (c: PlatformConfig, maxReplicas?: number) => ({
    services: [...c.services, { ...fifthService, autoscaling: maxReplicas === undefined ? undefined : { maxReplicas } }],
  });

  test('at the default maxReplicas no longer fits: synth refuses, naming the quota field, the figures and the ways out', () => {
    // A CPU limit exactly as large as today's platform needs, whatever the config allows: one more
    // service at full scale cannot fit.
    const today = platformConfig('prod');
    const exact = `${quotaNeeds(quotaWorkloads(today))['limits.cpu']}m`;
    const crowded = withConfig('prod', (c) => ({
      ...withExtra(c),
      environment: {
        ...c.environment,
        resourceQuota: { ...c.environment.resourceQuota!, limits: { ...c.environment.resourceQuota!.limits, cpu: exact } },
      },
    }));
    const needs = quotaNeeds(quotaWorkloads(crowded))['limits.cpu'];
    const allows = crowded.environment.resourceQuota!.limits.cpu;
    const errors = renderEnvironment(crowded).findings.filter((f) => f.severity === 'error');
    const perPod = quotaWorkloads(crowded).find((w) => w.name === fifthService.name)!.perPod['limits.cpu'];
    const surge = crowded.environment.services.autoscaling.maxReplicas + 1;
    expect(errors.map(formatFinding)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error   config/environments/prod\\.ts environment prod resourceQuota\\.limits\\.cpu: expected the namespace's workloads at full scale to fit, ` +
            `got needs ${formatNeed('limits.cpu', needs)}, allows ${allows} \\(every HPA at maxReplicas plus a surge pod, sidecars included: .*\\b${fifthService.name} ${surge} × ${perPod}m\\b.*\\)\\. ` +
            'Raise resourceQuota\\.limits\\.cpu in config/environments/prod\\.ts, or lower maxReplicas: ' +
            `for one service with \`autoscaling: \\{ maxReplicas: N \\}\` in config/services\\.ts, for all ${crowded.services.length} with services\\.autoscaling\\.maxReplicas in config/environments/prod\\.ts \\[config\\]$`,
        ),
      ),
    ]);
  });

  test('either way out works: raising the quota field to the need, or lowering maxReplicas', () => {
    const crowded = withConfig('prod', (c) => withExtra(c));
    const raised = withServices(
      withConfig('prod', () => ({})),
      { ...fifthService, autoscaling: undefined },
    );
    expect(renderEnvironment(raised).findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Each replica less is one pod's worth less of every dimension.
    const perPod = quotaWorkloads(crowded).find((w) => w.name === fifthService.name)!.perPod;
    const lowered = quotaNeeds(quotaWorkloads(withConfig('prod', (c) => withExtra(c, 3))));
    const before = quotaNeeds(quotaWorkloads(crowded));
    const defaultMax = crowded.environment.services.autoscaling.maxReplicas;
    for (const field of ['requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory'] as const) {
      expect(before[field] - lowered[field]).toBe((defaultMax - 3) * perPod[field]);
    }
    expect(before.pods - lowered.pods).toBe(defaultMax - 3);
  });

  test('every dimension is checked: pods too', () => {
    const fitting = withServices(
      withConfig('prod', () => ({})),
      fifthService,
    );
    const pods = quotaNeeds(quotaWorkloads(fitting)).pods;
    const crowded = {
      ...fitting,
      environment: { ...fitting.environment, resourceQuota: { ...fitting.environment.resourceQuota!, pods: pods - 1 } },
    };
    const errors = renderEnvironment(crowded).findings.filter((f) => f.severity === 'error');
    expect(errors.map((e) => `${e.file} ${e.field}: ${e.message.slice(0, e.message.indexOf(' ('))}`)).toEqual([
      `config/environments/prod.ts resourceQuota.pods: expected the namespace's workloads at full scale to fit, got needs ${pods}, allows ${pods - 1}`,
    ]);
  });
});

test('local has no quota', () => {
  expect(ofKind(objects('local'), 'ResourceQuota')).toEqual([]);
});

test('needs and allowances are printed in one unit', () => {
  expect(formatNeed('limits.cpu', 16200)).toBe('16200m');
  expect(formatNeed('limits.memory', 32 * 2 ** 30)).toBe('32Gi');
  expect(formatNeed('limits.memory', 32 * 2 ** 30 + 2 ** 20)).toBe('32769Mi');
  const tiny = withConfig('prod', (c) => ({
    environment: {
      ...c.environment,
      resourceQuota: { ...c.environment.resourceQuota!, requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
  }));
  const messages = renderEnvironment(tiny).findings.map((f) => f.message);
  expect(messages.find((m) => /got needs \d+m, allows 1 \(1000m\)/.test(m))).toBeDefined();
  expect(messages.find((m) => /got needs \d+Mi, allows 1Gi \(1024Mi\)|got needs \d+Gi, allows 1Gi \(every/.test(m))).toBeDefined();
});

test('quantity helpers', () => {
  expect(cpuMillis('250m')).toBe(250);
  expect(cpuMillis('8')).toBe(8000);
  expect(memoryBytes('1Gi')).toBe(2 ** 30);
  expect(() => memoryBytes('1Gb')).toThrow();
});

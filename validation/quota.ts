// What the application namespace asks of its ResourceQuota at full scale, from the config alone (so
// synth can refuse before it renders): every service at its HPA maximum plus a surge pod each (a
// rollout at peak), Redis, PostgreSQL and the load generator at their replica count plus a surge pod,
// and one pod of the spike CronJob (it forbids overlap). Sidecars count: the quota sees the injected
// istio-proxy container like any other. test/environments/quota.test.ts holds this against the rendered objects.
import type { ComputeResources, PlatformConfig, ResourceQuotaSpec, ResourceRequirements } from '../config/types';

/** CPU in millicores, or undefined for a string that is not a CPU quantity. */
export function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Memory in bytes, or undefined for a string that is not a memory quantity. */
export function memoryBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  return m ? Number(m[1]) * MEMORY_UNITS[m[2] ?? ''] : undefined;
}

/** The quota's dimensions, named by their field in `resourceQuota`. */
export const QUOTA_FIELDS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'pods'] as const;
export type QuotaField = (typeof QUOTA_FIELDS)[number];

/** One pod's share of each compute dimension: millicores and bytes. */
export type PodUsage = Record<Exclude<QuotaField, 'pods'>, number>;

export interface QuotaWorkload {
  /** Deployment, StatefulSet or CronJob name. */
  readonly name: string;
  readonly kind: 'Deployment' | 'StatefulSet' | 'CronJob';
  /** Pods at full scale. */
  readonly pods: number;
  /** Every container of one pod, the sidecar included when the pod has one. */
  readonly perPod: PodUsage;
  /** Whether the pod has the Istio sidecar. */
  readonly sidecar: boolean;
}

function usage(containers: readonly ResourceRequirements[]): PodUsage {
  const sum = (pick: (r: ResourceRequirements) => ComputeResources, parse: (q: string) => number | undefined, key: 'cpu' | 'memory') =>
    containers.reduce((total, r) => total + (parse(pick(r)[key]) ?? NaN), 0);
  return {
    'requests.cpu': sum((r) => r.requests, cpuMillis, 'cpu'),
    'requests.memory': sum((r) => r.requests, memoryBytes, 'memory'),
    'limits.cpu': sum((r) => r.limits, cpuMillis, 'cpu'),
    'limits.memory': sum((r) => r.limits, memoryBytes, 'memory'),
  };
}

/** Every workload of the application namespace at full scale, in render order. */
export function quotaWorkloads(config: PlatformConfig): QuotaWorkload[] {
  const env = config.environment;
  const meshed = (name: string, kind: QuotaWorkload['kind'], replicas: number, resources: ResourceRequirements): QuotaWorkload => ({
    name,
    kind,
    pods: replicas + 1,
    perPod: usage([resources, env.sidecar]),
    sidecar: true,
  });
  return [
    ...config.services.map((s) =>
      meshed(s.name, 'Deployment', { ...env.services.autoscaling, ...s.autoscaling }.maxReplicas, s.resources ?? env.services.resources),
    ),
    meshed(config.redis.name, 'Deployment', 1, env.redis.resources),
    meshed(config.postgresql.name, 'StatefulSet', 1, env.postgresql.resources),
    // Outside the mesh: no sidecar.
    { name: config.loadGenerator.name, kind: 'Deployment', pods: 2, perPod: usage([env.loadGenerator.resources]), sidecar: false },
    { name: config.loadGenerator.spikeName, kind: 'CronJob', pods: 1, perPod: usage([env.loadGenerator.spikeResources]), sidecar: false },
  ];
}

/** What the workloads need of each dimension in total (millicores, bytes, pods). */
export function quotaNeeds(workloads: readonly QuotaWorkload[]): Record<QuotaField, number> {
  const total = (key: keyof PodUsage) => workloads.reduce((sum, w) => sum + w.perPod[key] * w.pods, 0);
  return {
    'requests.cpu': total('requests.cpu'),
    'requests.memory': total('requests.memory'),
    'limits.cpu': total('limits.cpu'),
    'limits.memory': total('limits.memory'),
    pods: workloads.reduce((sum, w) => sum + w.pods, 0),
  };
}

/** The quota's value of a dimension, as written and parsed. */
export function quotaAllows(quota: ResourceQuotaSpec, field: QuotaField): { written: string; value: number | undefined } {
  if (field === 'pods') return { written: String(quota.pods), value: Number.isInteger(quota.pods) ? quota.pods : undefined };
  const [kind, resource] = field.split('.') as ['requests' | 'limits', 'cpu' | 'memory'];
  const written = quota[kind][resource];
  return { written, value: resource === 'cpu' ? cpuMillis(written) : memoryBytes(written) };
}

/** A total in the unit people write it in: `16200m`, `34Gi`, `33792Mi` (not a whole Gi), `37`. */
export function formatNeed(field: QuotaField, value: number): string {
  if (field === 'pods') return String(value);
  if (field.endsWith('.cpu')) return `${value}m`;
  const gi = value / 2 ** 30;
  if (Number.isInteger(gi) && gi >= 1) return `${gi}Gi`;
  return `${Math.ceil(value / 2 ** 20)}Mi`;
}

// What the controllers make of a synced environment: every Deployment's and StatefulSet's pods exist
// (so the PodSecurity and ResourceQuota admission let them in), and the same holds with every
// HorizontalPodAutoscaler's target at its maximum. Pods stay Pending (no scheduler, no nodes): that
// they were created is what admission decides.
import type { KubeObject, Manifest } from '../../validation/manifest';
import { objectRef } from '../../validation/manifest';
import { errorText, type Kubectl } from './kubectl';
import { groupOf } from './sync';

export interface WorkloadState {
  readonly ref: string;
  /** Pods the controller should have made: spec.replicas, or 1 for an OrderedReady StatefulSet whose first pod never gets Ready. */
  readonly expected: number;
  /** Pods it made (status.replicas). */
  readonly created: number;
  /** The namespace's `pod-security.kubernetes.io/enforce` label. */
  readonly enforce?: string;
  /** Why pods were refused (FailedCreate events of the workload's ReplicaSets or of the StatefulSet). */
  readonly refusals: readonly string[];
}

interface LiveWorkload extends KubeObject {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly generation?: number; readonly uid: string };
  readonly spec: { readonly replicas?: number; readonly podManagementPolicy?: string };
  readonly status?: { readonly replicas?: number; readonly observedGeneration?: number };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const workloadsIn = (manifests: readonly Manifest[]): KubeObject[] =>
  manifests.map((m) => m.object).filter((o) => WORKLOAD_KINDS.has(o.kind) && groupOf(o.apiVersion) === 'apps');

async function getJson<T>(kubectl: Kubectl, args: readonly string[]): Promise<T> {
  const result = await kubectl([...args, '-o', 'json']);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${errorText(result)}`);
  return JSON.parse(result.stdout) as T;
}

function expectedPods(live: LiveWorkload): number {
  const replicas = live.spec.replicas ?? 1;
  // The StatefulSet controller waits for each pod to be Ready before the next; with no nodes none is.
  if (live.kind === 'StatefulSet' && live.spec.podManagementPolicy !== 'Parallel') return Math.min(replicas, 1);
  return replicas;
}

async function stateOf(kubectl: Kubectl, workloads: readonly KubeObject[]): Promise<WorkloadState[]> {
  const namespaces = [...new Set(workloads.map((w) => w.metadata?.namespace ?? 'default'))];
  const labels = new Map<string, Record<string, string>>();
  const refusals = new Map<string, string[]>();
  const live = new Map<string, LiveWorkload>();
  for (const namespace of namespaces) {
    const ns = await getJson<{ metadata: { labels?: Record<string, string> } }>(kubectl, ['get', 'namespace', namespace]);
    labels.set(namespace, ns.metadata.labels ?? {});
    const list = await getJson<{ items: LiveWorkload[] }>(kubectl, ['get', 'deployments.apps,statefulsets.apps', '--namespace', namespace]);
    for (const item of list.items) live.set(`${item.kind}/${namespace}/${item.metadata.name}`, item);
    const events = await getJson<{ items: { involvedObject: { kind: string; name: string }; message: string }[] }>(kubectl, [
      'get',
      'events',
      '--namespace',
      namespace,
      '--field-selector',
      'reason=FailedCreate',
    ]);
    for (const event of events.items) {
      // A ReplicaSet is named <deployment>-<pod-template-hash>.
      const owner =
        event.involvedObject.kind === 'ReplicaSet'
          ? `Deployment/${namespace}/${event.involvedObject.name.replace(/-[a-z0-9]+$/, '')}`
          : `${event.involvedObject.kind}/${namespace}/${event.involvedObject.name}`;
      refusals.set(owner, [...(refusals.get(owner) ?? []), event.message]);
    }
  }
  return workloads.map((w) => {
    const ref = objectRef(w);
    const current = live.get(ref);
    const namespace = w.metadata?.namespace ?? 'default';
    return {
      ref,
      expected: current ? expectedPods(current) : 0,
      created: current?.status?.replicas ?? 0,
      enforce: labels.get(namespace)?.['pod-security.kubernetes.io/enforce'],
      refusals: [...new Set(refusals.get(ref) ?? [])],
    };
  });
}

/** Polls until every workload has its pods, or `seconds` pass; returns the last state either way. */
export async function waitForPods(kubectl: Kubectl, workloads: readonly KubeObject[], seconds = 90): Promise<WorkloadState[]> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const states = await stateOf(kubectl, workloads);
    const done = states.every((s) => s.created >= s.expected && s.expected > 0);
    if (done || Date.now() > deadline) return states;
    await sleep(1000);
  }
}

export interface ScaleTarget {
  readonly hpa: string;
  readonly target: string;
  readonly namespace: string;
  readonly maxReplicas: number;
}

export function hpaTargets(manifests: readonly Manifest[]): ScaleTarget[] {
  return manifests
    .map((m) => m.object)
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .map((o) => {
      const spec = o.spec as { scaleTargetRef: { apiVersion: string; kind: string; name: string }; maxReplicas: number };
      const group = groupOf(spec.scaleTargetRef.apiVersion);
      return {
        hpa: objectRef(o),
        target: `${spec.scaleTargetRef.kind.toLowerCase()}${group ? `.${group}` : ''}/${spec.scaleTargetRef.name}`,
        namespace: o.metadata?.namespace ?? 'default',
        maxReplicas: spec.maxReplicas,
      };
    });
}

/** Scales each HPA's target to its maximum through the /scale subresource, as the HPA controller would. */
export async function scaleToMaximum(kubectl: Kubectl, targets: readonly ScaleTarget[]): Promise<void> {
  for (const t of targets) {
    const result = await kubectl(['scale', t.target, `--replicas=${t.maxReplicas}`, '--namespace', t.namespace]);
    if (result.code !== 0) throw new Error(`scaling ${t.target} for ${t.hpa}: ${errorText(result)}`);
  }
}

export interface QuotaUse {
  readonly ref: string;
  readonly hard: Readonly<Record<string, string>>;
  readonly used: Readonly<Record<string, string>>;
}

export async function quotaUse(kubectl: Kubectl, namespace: string): Promise<QuotaUse[]> {
  const list = await getJson<{
    items: { metadata: { name: string }; status?: { hard?: Record<string, string>; used?: Record<string, string> } }[];
  }>(kubectl, ['get', 'resourcequotas', '--namespace', namespace]);
  return list.items.map((q) => ({
    ref: `ResourceQuota/${namespace}/${q.metadata.name}`,
    hard: q.status?.hard ?? {},
    used: q.status?.used ?? {},
  }));
}

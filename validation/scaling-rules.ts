// Autoscaling and disruption: an HPA's target exists, leaves `replicas` unset and requests CPU in every
// container; no PodDisruptionBudget can block every node drain at the workload's minimum.
import { findingFor, type Finding } from './finding';
import type { ManifestSet, Workload } from './model';

interface HpaSpec {
  readonly scaleTargetRef?: { readonly kind?: string; readonly name?: string };
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly metrics?: readonly { readonly resource?: { readonly name?: string } }[];
}

/** `namespace/Kind/name` of a workload, or of an HPA's target. */
const targetKey = (namespace: string, kind: unknown, name: unknown) => `${namespace}/${String(kind)}/${String(name)}`;

export function checkAutoscaling(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  const workloads = new Map(
    set.workloads.map((w) => [targetKey(w.namespace, w.manifest.object.kind, w.manifest.object.metadata?.name), w]),
  );
  for (const manifest of set.ofKind('HorizontalPodAutoscaler')) {
    const spec = (manifest.object.spec ?? {}) as HpaSpec;
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    if (!set.hasWorkloadsIn(namespace)) continue;
    const target = workloads.get(targetKey(namespace, spec.scaleTargetRef?.kind, spec.scaleTargetRef?.name));
    if (!target) {
      findings.push(
        findingFor(
          manifest,
          'error',
          'hpa',
          'spec.scaleTargetRef',
          `no ${spec.scaleTargetRef?.kind} ${namespace}/${spec.scaleTargetRef?.name} to scale`,
        ),
      );
      continue;
    }
    if ((target.manifest.object.spec as { replicas?: number }).replicas !== undefined) {
      findings.push(
        findingFor(
          target.manifest,
          'error',
          'hpa',
          'spec.replicas',
          `is pinned although HorizontalPodAutoscaler ${manifest.object.metadata?.name} scales it: Argo CD self-heal and the HPA fight over it`,
        ),
      );
    }
    const onCpu = (spec.metrics ?? []).some((m) => m.resource?.name === 'cpu') || !spec.metrics;
    if (onCpu) {
      target.template.spec.containers.forEach((c, i) => {
        if (c.resources?.requests?.cpu === undefined) {
          findings.push(
            findingFor(
              target.manifest,
              'error',
              'hpa',
              `${target.templatePath}.spec.containers[${i}].resources.requests.cpu`,
              `is missing: HorizontalPodAutoscaler ${manifest.object.metadata?.name} computes CPU utilisation against it`,
            ),
          );
        }
      });
    }
  }
  return findings;
}

function resolve(value: number | string, replicas: number): number {
  return typeof value === 'number' ? value : Math.ceil((Number.parseFloat(value) / 100) * replicas);
}

export function checkDisruptionBudgets(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  const hpas = new Map<string, HpaSpec>();
  for (const h of set.ofKind('HorizontalPodAutoscaler')) {
    const spec = (h.object.spec ?? {}) as HpaSpec;
    hpas.set(targetKey(set.namespaceOf(h, defaultNamespace), spec.scaleTargetRef?.kind, spec.scaleTargetRef?.name), spec);
  }
  const hpaFor = (w: Workload) => hpas.get(targetKey(w.namespace, w.manifest.object.kind, w.manifest.object.metadata?.name));
  for (const manifest of set.ofKind('PodDisruptionBudget')) {
    const spec = (manifest.object.spec ?? {}) as {
      selector?: unknown;
      minAvailable?: number | string;
      maxUnavailable?: number | string;
    };
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    // policy/v1: an empty selector selects every pod of the namespace, an absent one none.
    const owners = set.workloadsMatching([namespace], spec.selector);
    for (const owner of owners) {
      const minimum = hpaFor(owner)?.minReplicas ?? (owner.manifest.object.spec as { replicas?: number }).replicas ?? 1;
      const allowed =
        spec.maxUnavailable !== undefined
          ? resolve(spec.maxUnavailable, minimum)
          : spec.minAvailable !== undefined
            ? minimum - resolve(spec.minAvailable, minimum)
            : minimum;
      if (allowed < 1) {
        const field = spec.maxUnavailable !== undefined ? 'spec.maxUnavailable' : 'spec.minAvailable';
        findings.push(
          findingFor(
            manifest,
            'error',
            'pdb',
            field,
            `allows no eviction of ${owner.manifest.object.kind} ${owner.manifest.object.metadata?.name} at its minimum of ${minimum} replica(s): every node drain blocks`,
          ),
        );
      }
    }
  }
  return findings;
}

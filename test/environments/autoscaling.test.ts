// HPA and replicas: a Deployment with an HPA never pins `replicas` (Argo CD self-heal and the HPA
// would fight), every container it scales has a CPU request (sidecar included), and no PDB can block
// a node drain at the HPA minimum.
import { platformConfig } from '../../config';
import { environmentNames, matchesSelector, objects, ofKind, workloads } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

interface Hpa {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
  metrics: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
}
interface Pdb {
  selector: { matchLabels: Record<string, string> };
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: string;
}

/** Pods a drain may evict at once when `replicas` healthy pods run (the PDB's allowed disruptions). */
function allowedDisruptions(pdb: Pdb, replicas: number): number {
  const resolve = (value: number | string) =>
    typeof value === 'number' ? value : Math.ceil((Number(value.replace('%', '')) / 100) * replicas);
  if (pdb.maxUnavailable !== undefined) return Math.min(replicas, resolve(pdb.maxUnavailable));
  if (pdb.minAvailable !== undefined) return Math.max(0, replicas - resolve(pdb.minAvailable));
  return replicas;
}

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);
  const hpas = ofKind(all, 'HorizontalPodAutoscaler');
  const deployments = ofKind(all, 'Deployment');
  const config = platformConfig(environment);
  const services = config.services.map((s) => s.name);
  // A service's own `autoscaling` overrides the environment's defaults field by field.
  const expectedFor = (name: string) => ({
    ...config.environment.services.autoscaling,
    ...config.services.find((s) => s.name === name)?.autoscaling,
  });

  test('each service has an HPA on CPU with the environment settings or its own overrides', () => {
    expect(hpas.map((h) => h.metadata?.name).sort()).toEqual([...services].sort());
    for (const hpa of hpas) {
      const spec = hpa.spec as Hpa;
      const expected = expectedFor(hpa.metadata!.name!);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(spec.minReplicas).toBe(expected.minReplicas);
      expect(spec.maxReplicas).toBe(expected.maxReplicas);
      expect(spec.metrics).toEqual([
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expected.targetCpuUtilizationPercent } },
        },
      ]);
    }
  });

  test('every HPA targets an existing Deployment that leaves replicas unset and requests CPU everywhere', () => {
    for (const hpa of hpas) {
      const ref = (hpa.spec as Hpa).scaleTargetRef;
      const target = deployments.find((d) => d.metadata?.name === ref.name && d.metadata?.namespace === hpa.metadata?.namespace);
      expect(ref).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(target).toBeDefined();
      const spec = target!.spec as {
        replicas?: number;
        template: {
          metadata: { annotations: Record<string, string> };
          spec: { containers: { resources?: { requests?: { cpu?: string } } }[] };
        };
      };
      expect(spec.replicas).toBeUndefined();
      for (const container of spec.template.spec.containers) expect(container.resources?.requests?.cpu).toBeTruthy();
      // The injected sidecar counts in the pod's utilisation; its request comes from this annotation.
      expect(spec.template.metadata.annotations['sidecar.istio.io/proxyCPU']).toBeTruthy();
    }
  });

  test('Deployments without an HPA pin their replicas', () => {
    const scaled = new Set(hpas.map((h) => (h.spec as Hpa).scaleTargetRef.name));
    for (const deployment of deployments.filter((d) => !scaled.has(d.metadata!.name!))) {
      expect((deployment.spec as { replicas?: number }).replicas).toBeGreaterThanOrEqual(1);
    }
  });

  test('no PDB blocks a drain at the HPA minimum, and unready pods never hold one up', () => {
    const pods = workloads(all);
    for (const pdb of ofKind(all, 'PodDisruptionBudget')) {
      const spec = pdb.spec as Pdb;
      const owner = pods.find((w) => matchesSelector(w.pod.metadata?.labels, spec.selector.matchLabels));
      expect(owner).toBeDefined();
      const hpa = hpas.find((h) => (h.spec as Hpa).scaleTargetRef.name === owner!.object.metadata?.name);
      const minimum = hpa ? ((hpa.spec as Hpa).minReplicas ?? 1) : ((owner!.object.spec as { replicas?: number }).replicas ?? 1);
      expect(allowedDisruptions(spec, minimum)).toBeGreaterThanOrEqual(1);
      expect(spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    }
  });

  test('every service has a PDB', () => {
    const pdbs = ofKind(all, 'PodDisruptionBudget').map((p: KubeObject) => p.metadata?.name);
    expect(pdbs.sort()).toEqual([...services].sort());
  });
});

describe('the disruption arithmetic the PDB test relies on', () => {
  test('minAvailable equal to the minimum blocks every drain', () => {
    expect(allowedDisruptions({ selector: { matchLabels: {} }, minAvailable: 2 }, 2)).toBe(0);
    expect(allowedDisruptions({ selector: { matchLabels: {} }, minAvailable: '100%' }, 2)).toBe(0);
  });
  test('maxUnavailable 1 allows one eviction even at one replica', () => {
    expect(allowedDisruptions({ selector: { matchLabels: {} }, maxUnavailable: 1 }, 1)).toBe(1);
  });
});

test('prod scales each service between 2 and 5 replicas on 70 % CPU (platform.md)', () => {
  expect(platformConfig('prod').environment.services.autoscaling).toEqual({
    minReplicas: 2,
    maxReplicas: 5,
    targetCpuUtilizationPercent: 70,
  });
});

test('local runs one replica of each service', () => {
  expect(platformConfig('local').environment.services.autoscaling.minReplicas).toBe(1);
});

// What an Argo CD sync of one environment applies, and in which order, read from the rendered files
// alone: the root Application in argocd/<env>/ names the folder of the deploy branch that holds the
// child Applications; each child either names a folder of it (our own rendered objects) or a Helm
// chart (rendered by Argo CD's repo server from the chart repository, so not here). Children sync in
// sync-wave order; inside one Application, objects go in Argo CD's order: wave, then kind, then name.
import { join } from 'node:path';
import type { KubeObject, Manifest } from '../../validation/manifest';
import { readManifests } from '../../validation/read-manifests';

/**
 * Argo CD's apply order of kinds within one sync wave (gitops-engine, `pkg/sync/sync_tasks.go`,
 * `kindOrder`): kinds not listed come after these, by name.
 */
export const ARGO_KIND_ORDER: readonly string[] = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
const KIND_RANK = new Map(ARGO_KIND_ORDER.map((kind, index) => [kind, index]));

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

export function syncWave(object: KubeObject): number {
  const wave = Number(object.metadata?.annotations?.[SYNC_WAVE] ?? 0);
  return Number.isInteger(wave) ? wave : 0;
}

/** Argo CD's order: sync wave, then kind (ARGO_KIND_ORDER, others after by name), then name. */
export function compareForSync(a: KubeObject, b: KubeObject): number {
  const rank = (o: KubeObject) => KIND_RANK.get(o.kind) ?? ARGO_KIND_ORDER.length;
  return (
    syncWave(a) - syncWave(b) ||
    rank(a) - rank(b) ||
    a.kind.localeCompare(b.kind) ||
    (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') ||
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')
  );
}

export interface HelmSource {
  readonly chart: string;
  readonly repoURL: string;
  readonly targetRevision: string;
}

export interface PlannedApplication {
  readonly name: string;
  readonly wave: number;
  /** The namespace objects without one go to. */
  readonly destinationNamespace: string;
  /** For an Application over a folder of the deploy branch: its path there and its objects, in sync order. */
  readonly folder?: { readonly path: string; readonly objects: readonly Manifest[] };
  /** For an Application over a Helm chart, which this project does not render. */
  readonly helm?: HelmSource;
}

export interface SyncPlan {
  readonly environment: string;
  /** argocd/<env>/: applied by hand once (docs/bootstrap.md), in file order. */
  readonly bootstrap: readonly Manifest[];
  readonly root: PlannedApplication;
  /** The root's children, in sync-wave order (then by name, as Argo CD does). */
  readonly children: readonly PlannedApplication[];
}

interface ApplicationSpec {
  destination?: { namespace?: string };
  source?: { path?: string; chart?: string; repoURL?: string; targetRevision?: string };
}

function planned(application: KubeObject, distRoot: string, problems: string[]): PlannedApplication {
  const spec = (application.spec ?? {}) as ApplicationSpec;
  const name = application.metadata?.name ?? '<unnamed>';
  const base = { name, wave: syncWave(application), destinationNamespace: spec.destination?.namespace ?? 'default' };
  const source = spec.source ?? {};
  if (source.chart) {
    return { ...base, helm: { chart: source.chart, repoURL: source.repoURL ?? '', targetRevision: source.targetRevision ?? '' } };
  }
  if (!source.path) {
    problems.push(`Application ${name}: spec.source has neither path nor chart`);
    return base;
  }
  const read = readManifests([join(distRoot, source.path)]);
  problems.push(...read.problems.map((p) => `Application ${name}: ${p.file}: ${p.message}`));
  const objects = [...read.manifests].sort((a, b) => compareForSync(a.object, b.object));
  return { ...base, folder: { path: source.path, objects } };
}

/**
 * The sync of `environment`: `bootstrapDir` is argocd/<env>/, `distRoot` the deploy branch's tree
 * (dist/). Throws with every problem at once when the files do not describe a sync.
 */
export function planSync(environment: string, bootstrapDir: string, distRoot: string): SyncPlan {
  const problems: string[] = [];
  const bootstrapRead = readManifests([bootstrapDir]);
  problems.push(...bootstrapRead.problems.map((p) => `${p.file}: ${p.message}`));
  const bootstrap = bootstrapRead.manifests;
  const roots = bootstrap.filter((m) => m.object.kind === 'Application');
  if (roots.length !== 1) problems.push(`${bootstrapDir}: expected one root Application, found ${roots.length}`);
  const root = roots.length === 1 ? planned(roots[0].object, distRoot, problems) : undefined;
  const children = (root?.folder?.objects ?? [])
    .filter((m) => m.object.kind === 'Application')
    .map((m) => planned(m.object, distRoot, problems))
    .sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
  if (problems.length > 0 || !root) throw new Error(`cannot plan the sync of ${environment}:\n  ${problems.join('\n  ')}`);
  return { environment, bootstrap, root, children };
}

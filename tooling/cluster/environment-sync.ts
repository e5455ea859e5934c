// One environment synced onto a cluster the way it reaches a real one: the pinned CRDs (the files
// imports/ is generated from; on a real cluster the istio-base and kube-prometheus-stack charts
// install them), the namespace Argo CD's own install creates, argocd/<env>/ applied by hand as
// docs/bootstrap.md does, then what Argo CD syncs from it: the root Application's folder and every
// child Application's folder in sync-wave order.
// Children over Helm charts are listed, not rendered: their charts come from the chart repositories.
import type { Manifest } from '../../validation/manifest';
import { errorText, type Kubectl } from './kubectl';
import { Sync, type AppliedObject, type SyncResult } from './sync';
import type { PlannedApplication, SyncPlan } from './sync-plan';

export const ARGOCD_NAMESPACE = 'argocd';

export interface EnvironmentSyncReport {
  readonly environment: string;
  /** The bootstrap as `argocd/<env>` (on a first sync), then one entry per Application over a folder, the root first. */
  readonly syncs: readonly SyncResult[];
  /** Children over Helm charts, which this sync cannot render: `name (chart@version from repo)`. */
  readonly notRendered: readonly string[];
  readonly crds: number;
}

export const allApplied = (report: EnvironmentSyncReport): AppliedObject[] => report.syncs.flatMap((s) => s.applied);

/** Server-side applies CRD files and waits until the API server serves them. */
export async function applyCrds(kubectl: Kubectl, crdFiles: readonly string[]): Promise<number> {
  const args = ['apply', '--server-side', '--field-manager=titanium-crds', '--force-conflicts', '--validate=strict', '-o', 'name'];
  const result = await kubectl([...args, ...crdFiles.flatMap((f) => ['-f', f])]);
  if (result.code !== 0) throw new Error(`applying the CRDs failed: ${errorText(result)}`);
  const wait = await kubectl(['wait', '--for=condition=Established', 'customresourcedefinitions', '--all', '--timeout=60s']);
  if (wait.code !== 0) throw new Error(`the CRDs were not established: ${errorText(wait)}`);
  return result.stdout.split('\n').filter((line) => line.trim() !== '').length;
}

async function ensureNamespace(kubectl: Kubectl, name: string): Promise<void> {
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const result = await kubectl(['apply', '--server-side', '--field-manager=argocd-install', '-f', '-'], manifest);
  if (result.code !== 0) throw new Error(`creating namespace ${name} failed: ${errorText(result)}`);
}

export interface EnvironmentSyncOptions {
  /**
   * Folder contents to sync instead of the planned ones, by Application name (fixtures for prune tests).
   * @default the plan's own
   */
  readonly override?: ReadonlyMap<string, readonly Manifest[]>;
  /**
   * Apply CRDs and the bootstrap too (a first sync), not only the Applications' folders.
   * @default true
   */
  readonly bootstrap?: boolean;
  readonly dryRun?: boolean;
}

function folderApps(plan: SyncPlan): PlannedApplication[] {
  return [plan.root, ...plan.children].filter((a) => a.folder);
}

export async function syncEnvironment(
  kubectl: Kubectl,
  plan: SyncPlan,
  crdFiles: readonly string[],
  { override, bootstrap = true, dryRun = false }: EnvironmentSyncOptions = {},
): Promise<EnvironmentSyncReport> {
  const sync = new Sync(kubectl);
  const crds = bootstrap ? await applyCrds(kubectl, crdFiles) : 0;
  if (bootstrap) await ensureNamespace(kubectl, ARGOCD_NAMESPACE);
  const syncs: SyncResult[] = [];
  if (bootstrap) {
    syncs.push(
      await sync.application(`argocd/${plan.environment}`, plan.bootstrap, ARGOCD_NAMESPACE, { dryRun, asUser: 'kubectl-bootstrap' }),
    );
  }
  for (const app of folderApps(plan)) {
    const objects = override?.get(app.name) ?? app.folder!.objects;
    syncs.push(await sync.application(app.name, objects, app.destinationNamespace, { dryRun }));
  }
  const notRendered = plan.children
    .filter((a) => a.helm)
    .map((a) => `${a.name} (${a.helm!.chart}@${a.helm!.targetRevision} from ${a.helm!.repoURL})`);
  return { environment: plan.environment, syncs, notRendered, crds };
}

import { Construct } from 'constructs';
import type { HelmChartRef, RetryBackoff } from '../../config/types';
import { Application, type ApplicationSpecIgnoreDifferences, type ApplicationSpecSource } from '../../imports/argoproj.io';
import { standardLabels } from '../labels';

/** An `ignoreDifferences` entry with the reason it is needed; the reason stays in the source. */
/** Argo CD's `ForegroundPropagationPolicyFinalizer` (pkg/apis/application/v1alpha1). */
export const ARGOCD_CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io/foreground';

export interface JustifiedIgnoreDifference extends ApplicationSpecIgnoreDifferences {
  readonly reason: string;
}

/** A folder of rendered YAML on a branch. */
export interface FolderSource {
  readonly repoURL: string;
  /** Branch, e.g. `deploy`. */
  readonly targetRevision: string;
  /** Folder in that branch, e.g. `prod/titanium-prod`. */
  readonly path: string;
}

/** A pinned upstream Helm chart with typed values. */
export interface HelmSource {
  readonly chart: HelmChartRef;
  readonly values: object;
}

export interface GitOpsApplicationProps {
  readonly argocdNamespace: string;
  readonly project: string;
  readonly source: FolderSource | HelmSource;
  /** The cluster to deploy to. */
  readonly server: string;
  /**
   * Destination namespace: the default for objects that name none. Always set: Argo CD checks it
   * against the project's destinations even when every object is cluster-scoped.
   */
  readonly namespace: string;
  /**
   * Sync wave in the parent app of apps: lower waves are synced and healthy first.
   * @default none (an Application nothing else syncs, such as the root)
   */
  readonly syncWave?: number;
  /**
   * Delete what the Application deployed when the Application is deleted (or pruned by its parent).
   * @default true
   */
  readonly cascadeDelete?: boolean;
  readonly retry: { readonly limit: number; readonly backoff: RetryBackoff };
  /**
   * Apply only the objects that are out of sync. Off for an app of apps: a retry would then skip
   * the children it already applied without waiting for their health, and lose the wave order.
   * @default true
   */
  readonly applyOutOfSyncOnly?: boolean;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** Version label. */
  readonly version: string;
  /**
   * Fields Argo CD must not compare, each with its reason.
   * @default none
   */
  readonly ignoreDifferences?: readonly JustifiedIgnoreDifference[];
}

function applicationSource(source: FolderSource | HelmSource): ApplicationSpecSource {
  if ('path' in source) return { repoUrl: source.repoURL, targetRevision: source.targetRevision, path: source.path };
  return {
    repoUrl: source.chart.repoURL,
    chart: source.chart.chart,
    targetRevision: source.chart.version,
    helm: { releaseName: source.chart.releaseName, valuesObject: source.values },
  };
}

/**
 * An Argo CD Application that keeps a folder of the deploy branch, or a pinned Helm chart, applied:
 * automated sync with prune and self-heal, server-side apply and diff, retries with backoff.
 */
export class GitOpsApplication extends Construct {
  readonly name: string;

  constructor(scope: Construct, name: string, props: GitOpsApplicationProps) {
    super(scope, name);
    this.name = name;
    new Application(this, 'application', {
      metadata: {
        name,
        namespace: props.argocdNamespace,
        labels: standardLabels({ name, partOf: props.partOf, component: 'delivery', version: props.version }),
        annotations: {
          ...(props.syncWave === undefined ? {} : { 'argocd.argoproj.io/sync-wave': String(props.syncWave) }),
          // Diff against what the API server would store: no false drift from defaulted fields,
          // e.g. a StatefulSet's volumeClaimTemplates (argoproj/argo-cd#11143).
          'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
        },
        // Removing the Application (e.g. pruned by the root app) removes what it deployed, foreground
        // as with the bare name; the /foreground form is Argo CD's domain-qualified one, which the API
        // server (≥ 1.29) accepts without a warning on every apply.
        finalizers: props.cascadeDelete === false ? undefined : [ARGOCD_CASCADE_FINALIZER],
      },
      spec: {
        project: props.project,
        source: applicationSource(props.source),
        destination: { server: props.server, namespace: props.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: {
            limit: props.retry.limit,
            backoff: { ...props.retry.backoff },
            // A new commit during retries is picked up instead of retrying the old one.
            refresh: true,
          },
          syncOptions: [
            // Large objects (CRDs, dashboards) exceed the client-side last-applied annotation.
            'ServerSideApply=true',
            // Only changed objects are applied: faster syncs inside the five-minute budget.
            ...(props.applyOutOfSyncOnly === false ? [] : ['ApplyOutOfSyncOnly=true']),
            // Deletions wait until everything else is synced and healthy.
            'PruneLast=true',
            // A sync leaves the ignored fields to whoever owns them instead of resetting them.
            ...(props.ignoreDifferences?.length ? ['RespectIgnoreDifferences=true'] : []),
          ],
        },
        ignoreDifferences: props.ignoreDifferences?.map(({ reason: _reason, ...entry }) => entry),
      },
    });
  }
}

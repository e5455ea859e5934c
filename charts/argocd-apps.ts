import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { PlatformProject, type PlatformProjectProps } from '../constructs/argocd/app-project';
import { GitOpsApplication } from '../constructs/argocd/gitops-application';
import type { HelmRelease } from '../constructs/argocd/helm-release';
import { PlatformChart } from '../constructs/platform-chart';

export const ARGOCD_APPS = 'argocd-apps';

export interface ArgoAppsChartProps {
  readonly config: PlatformConfig;
  readonly project: PlatformProjectProps;
  /** Charts rendered to folders, each one child Application. */
  readonly apps: readonly PlatformChart[];
  /** Upstream Helm charts, each one child Application. */
  readonly releases: readonly HelmRelease[];
}

/**
 * What the root Application (app of apps) syncs: one child Application per rendered folder and per
 * Helm release, and the AppProject itself, so a project change made in code reaches the cluster
 * like any other change.
 */
export class ArgoAppsChart extends PlatformChart {
  constructor(scope: Construct, props: ArgoAppsChartProps) {
    // Synced by the root Application, not by a parent wave.
    super(scope, {
      appName: ARGOCD_APPS,
      description: 'the app of apps: the AppProject and one child Application per folder and per Helm release',
      syncWave: 0,
    });
    const { platform, delivery, environment } = props.config;
    const common = {
      argocdNamespace: delivery.argocd.namespace,
      project: delivery.argocd.project,
      server: environment.cluster.server,
      retry: delivery.retry,
      partOf: platform.name,
      version: platform.version,
    };
    new PlatformProject(this, delivery.argocd.project, props.project);
    for (const app of props.apps) {
      new GitOpsApplication(this, app.appName, {
        ...common,
        source: { repoURL: delivery.repoURL, targetRevision: delivery.deployBranch, path: `${environment.name}/${app.appName}` },
        // Argo CD checks the destination namespace against the project even for an Application of
        // cluster-scoped objects only, and an empty one matches no destination (argoproj/argo-cd#11510).
        namespace: app.defaultNamespace ?? environment.namespace,
        syncWave: app.syncWave,
      });
    }
    for (const release of props.releases) {
      new GitOpsApplication(this, release.name, {
        ...common,
        source: { chart: release.chart, values: release.values },
        namespace: release.chart.namespace,
        syncWave: release.syncWave,
        ignoreDifferences: release.ignoreDifferences,
      });
    }
  }
}

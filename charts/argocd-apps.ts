import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { PlatformProject, type PlatformProjectProps } from '../lib/argocd/app-project';
import { GitOpsApplication } from '../lib/argocd/gitops-application';
import { PlatformChart } from '../lib/platform-chart';

export const ARGOCD_APPS = 'argocd-apps';

export interface ArgoAppsChartProps {
  readonly config: PlatformConfig;
  readonly project: PlatformProjectProps;
  /** The charts that become child Applications. */
  readonly apps: readonly PlatformChart[];
}

/**
 * What the root Application (app of apps) syncs: one child Application per rendered folder, and the
 * AppProject itself, so a project change made in code reaches the cluster like any other change.
 */
export class ArgoAppsChart extends PlatformChart {
  constructor(scope: Construct, props: ArgoAppsChartProps) {
    // Synced by the root Application, not by a parent wave.
    super(scope, { appName: ARGOCD_APPS, syncWave: 0 });
    const { platform, delivery, environment } = props.config;
    new PlatformProject(this, delivery.argocd.project, props.project);
    for (const app of props.apps) {
      new GitOpsApplication(this, app.appName, {
        argocdNamespace: delivery.argocd.namespace,
        project: delivery.argocd.project,
        repoURL: delivery.repoURL,
        targetRevision: delivery.deployBranch,
        path: `${environment.name}/${app.appName}`,
        server: environment.cluster.server,
        namespace: app.defaultNamespace,
        syncWave: app.syncWave,
        retry: delivery.retry,
        partOf: platform.name,
        version: platform.version,
      });
    }
  }
}

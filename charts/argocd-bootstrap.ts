import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { PlatformProject, type PlatformProjectProps } from '../constructs/argocd/app-project';
import { ArgoCdSettings } from '../constructs/argocd/argocd-settings';
import { GitOpsApplication } from '../constructs/argocd/gitops-application';
import { ARGOCD_APPS } from './argocd-apps';

export interface ArgoBootstrapChartProps {
  readonly config: PlatformConfig;
  readonly project: PlatformProjectProps;
}

/**
 * What an operator applies once per cluster, rendered to `argocd/<env>/` and committed: the
 * AppProject, the root Application (app of apps) and Argo CD's settings. From then on git drives.
 */
export class ArgoBootstrapChart extends Chart {
  constructor(scope: Construct, props: ArgoBootstrapChartProps) {
    super(scope, 'argocd', { disableResourceNameHashes: true });
    const { platform, delivery, environment } = props.config;
    new PlatformProject(this, delivery.argocd.project, props.project);
    new GitOpsApplication(this, delivery.argocd.rootApplication, {
      argocdNamespace: delivery.argocd.namespace,
      project: delivery.argocd.project,
      source: { repoURL: delivery.repoURL, targetRevision: delivery.deployBranch, path: `${environment.name}/${ARGOCD_APPS}` },
      server: environment.cluster.server,
      namespace: delivery.argocd.namespace,
      retry: delivery.rootRetry,
      // A retry must re-apply every child and wait for each wave's health again.
      applyOutOfSyncOnly: false,
      // Deleting the root by hand must not take the whole platform with it.
      cascadeDelete: false,
      partOf: platform.name,
      version: platform.version,
    });
    new ArgoCdSettings(this, 'settings', {
      argocdNamespace: delivery.argocd.namespace,
      reconciliationTimeout: delivery.argocd.reconciliationTimeout,
      reconciliationJitter: delivery.argocd.reconciliationJitter,
    });
  }
}

import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { helmRepositories } from '../config/helm-charts';
import type { PlatformConfig } from '../config/types';
import type { PlatformProjectProps } from '../lib/argocd/app-project';
import { projectScope } from '../lib/argocd/project-scope';
import type { PlatformChart } from '../lib/platform-chart';
import { ArgoAppsChart } from './argocd-apps';
import { ArgoBootstrapChart } from './argocd-bootstrap';
import { NamespacesChart } from './namespaces';
import { TitaniumAppChart } from './titanium-app';

export interface PlatformCharts {
  /** Charts rendered to `dist/<env>/<app>/`, each one Argo CD Application (the app of apps included). */
  readonly apps: readonly PlatformChart[];
  /** The once-per-cluster bootstrap rendered to `argocd/<env>/`. */
  readonly bootstrap: Chart;
}

export function platformCharts(scope: Construct, config: PlatformConfig): PlatformCharts {
  const workloads: PlatformChart[] = [new NamespacesChart(scope, { config }), new TitaniumAppChart(scope, { config })];

  const { delivery, environment, platform } = config;
  const scopeOfCharts = projectScope(workloads);
  const project: PlatformProjectProps = {
    argocdNamespace: delivery.argocd.namespace,
    description: `${platform.name} platform (${environment.name}): rendered YAML from the ${delivery.deployBranch} branch`,
    sourceRepos: [delivery.repoURL, ...helmRepositories()],
    // Argo CD's own namespace holds the Applications and the project itself.
    destinations: [...new Set([delivery.argocd.namespace, ...scopeOfCharts.namespaces])]
      .sort()
      .map((namespace) => ({ server: environment.cluster.server, namespace })),
    clusterResourceWhitelist: scopeOfCharts.clusterKinds,
    partOf: platform.name,
    version: platform.version,
  };

  const apps = [...workloads, new ArgoAppsChart(scope, { config, project, apps: workloads })];
  return { apps, bootstrap: new ArgoBootstrapChart(scope, { config, project }) };
}

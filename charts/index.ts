import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { GroupKind, PlatformConfig } from '../config/types';
import type { PlatformProjectProps } from '../constructs/argocd/app-project';
import type { HelmRelease } from '../constructs/argocd/helm-release';
import { projectScope } from '../constructs/argocd/project-scope';
import type { PlatformChart } from '../constructs/platform-chart';
import { ArgoAppsChart } from './argocd-apps';
import { ArgoBootstrapChart } from './argocd-bootstrap';
import { NamespacesChart } from './namespaces';
import { platformReleases } from './releases';
import { MonitoringChart } from './monitoring';
import { TitaniumAppChart } from './titanium-app';

export interface PlatformCharts {
  /** Charts rendered to `dist/<env>/<app>/`, each one Argo CD Application (the app of apps included). */
  readonly apps: readonly PlatformChart[];
  /** Upstream Helm charts installed by child Applications. */
  readonly releases: readonly HelmRelease[];
  /** The once-per-cluster bootstrap rendered to `argocd/<env>/`. */
  readonly bootstrap: Chart;
}

/** Every Helm repository the AppProject may pull from. */
function helmRepositories(config: PlatformConfig): string[] {
  return [...new Set(Object.values(config.helmCharts).map((c) => c.repoURL))].sort();
}

function byKey(kinds: readonly GroupKind[]): GroupKind[] {
  const unique = new Map(kinds.map((gk) => [`${gk.group}/${gk.kind}`, gk]));
  return [...unique.keys()].sort().map((key) => unique.get(key)!);
}

export function platformCharts(scope: Construct, config: PlatformConfig): PlatformCharts {
  const releases = platformReleases(config);
  const releaseNamespaces = releases.map((r) => r.chart.namespace);
  const workloads: PlatformChart[] = [
    new NamespacesChart(scope, { config, releaseNamespaces }),
    new TitaniumAppChart(scope, { config }),
    new MonitoringChart(scope, { config }),
  ];

  const { delivery, environment, platform } = config;
  const rendered = projectScope(workloads);
  const project: PlatformProjectProps = {
    argocdNamespace: delivery.argocd.namespace,
    description: `${platform.name} platform (${environment.name}): rendered YAML from the ${delivery.deployBranch} branch and pinned Helm charts`,
    sourceRepos: [delivery.repoURL, ...helmRepositories(config)],
    // Argo CD's own namespace holds the Applications and the project itself.
    destinations: [...new Set([delivery.argocd.namespace, ...rendered.namespaces, ...releaseNamespaces])]
      .sort()
      .map((namespace) => ({ server: environment.cluster.server, namespace })),
    clusterResourceWhitelist: byKey([...rendered.clusterKinds, ...releases.flatMap((r) => r.chart.clusterKinds)]),
    partOf: platform.name,
    version: platform.version,
  };

  const apps = [...workloads, new ArgoAppsChart(scope, { config, project, apps: workloads, releases })];
  return { apps, releases, bootstrap: new ArgoBootstrapChart(scope, { config, project }) };
}

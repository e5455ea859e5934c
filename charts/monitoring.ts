import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { standardLabels } from '../constructs/labels';
import { platformAlertRules } from '../constructs/observability/alert-rules';
import { goldenSignalsDashboard } from '../constructs/observability/golden-signals-dashboard';
import { GrafanaDashboard } from '../constructs/observability/grafana-dashboard';
import { PlatformAlertRules } from '../constructs/observability/platform-alert-rules';
import { ServiceScrape } from '../constructs/observability/service-scrape';
import { SidecarMetricsMonitor } from '../constructs/observability/sidecar-metrics-monitor';
import { PlatformChart } from '../constructs/platform-chart';

export interface MonitoringChartProps {
  readonly config: PlatformConfig;
}

/**
 * What the platform asks of the monitoring stack: scrape configs for the sidecars, the ingress gateway,
 * istiod and Argo CD, the Golden Signals dashboard and the alert rules. After kube-prometheus-stack (its CRDs).
 */
export class MonitoringChart extends PlatformChart {
  constructor(scope: Construct, props: MonitoringChartProps) {
    const { platform, environment, delivery, observability, syncWaves, helmCharts, callGraph } = props.config;
    super(scope, {
      appName: 'monitoring',
      description: 'scrape configs, the Golden Signals dashboard and the alert rules',
      syncWave: syncWaves.addons,
      namespace: observability.namespace,
    });
    const labels = (name: string) => standardLabels({ name, partOf: platform.name, component: 'monitoring', version: platform.version });

    new SidecarMetricsMonitor(this, 'istio-sidecars', { namespace: environment.namespace, labels: labels('istio-sidecars') });
    // The ingress gateway's own proxy, where the load generator's traffic enters. Its namespace is not
    // injected, so the sidecar monitor never sees it; it serves the same :15020/stats/prometheus.
    // Config checks guarantee the peer exists before anything renders.
    const gateway = callGraph.peers.find((p) => p.name === callGraph.ingressGateway);
    if (gateway) {
      new SidecarMetricsMonitor(this, gateway.name, {
        namespace: gateway.namespace,
        labels: labels(gateway.name),
        selector: gateway.podLabels,
      });
    }
    new ServiceScrape(this, 'istiod', {
      namespace: helmCharts.istiod.namespace,
      labels: labels('istiod'),
      selector: { app: 'istiod' },
      port: 'http-monitoring',
    });
    // Argo CD's application controller: sync and health of every Application, for the delivery row.
    new ServiceScrape(this, 'argocd-application-controller', {
      namespace: delivery.argocd.namespace,
      labels: labels('argocd-application-controller'),
      selector: { 'app.kubernetes.io/name': 'argocd-metrics' },
      port: 'metrics',
    });

    new GrafanaDashboard(this, 'titanium-golden-signals', {
      namespace: observability.namespace,
      labels: labels('titanium-golden-signals'),
      dashboard: goldenSignalsDashboard({
        uid: observability.dashboard.uid,
        title: observability.dashboard.title,
        namespace: environment.namespace,
        datasources: observability.datasources,
        latencyObjectiveMs: observability.latencyP95Milliseconds,
        argocdProject: delivery.argocd.project,
      }),
    });

    new PlatformAlertRules(this, 'titanium-alerts', {
      namespace: observability.namespace,
      labels: labels('titanium-alerts'),
      groups: platformAlertRules({
        namespace: environment.namespace,
        monitoringNamespace: observability.namespace,
        availabilityObjective: observability.availabilityObjective,
        latencyP95Milliseconds: observability.latencyP95Milliseconds,
        errorRatioThreshold: observability.errorRatioThreshold,
        saturationThreshold: observability.saturationThreshold,
        // Each alert's runbook is the heading of its name in docs/runbooks.md.
        runbookBase: `${delivery.repoURL.replace(/\.git$/, '')}/blob/main/docs/runbooks.md`,
      }),
    });
  }
}

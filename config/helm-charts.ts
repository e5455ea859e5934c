// Third-party Helm charts, pinned in one place (../shared/docs/charts.md). Argo CD renders them
// itself; this project only writes the Applications that point at them.

export interface HelmChartRef {
  /** Helm repository, as Argo CD's `repoURL`. */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Set explicitly: in-cluster Service names derive from it. */
  readonly releaseName: string;
  readonly namespace: string;
}

const ISTIO = 'https://istio-release.storage.googleapis.com/charts';

export const helmCharts = {
  istioBase: { repoURL: ISTIO, chart: 'base', version: '1.29.6', releaseName: 'istio-base', namespace: 'istio-system' },
  istioCni: { repoURL: ISTIO, chart: 'cni', version: '1.29.6', releaseName: 'istio-cni', namespace: 'istio-system' },
  istiod: { repoURL: ISTIO, chart: 'istiod', version: '1.29.6', releaseName: 'istiod', namespace: 'istio-system' },
  istioIngressGateway: {
    repoURL: ISTIO,
    chart: 'gateway',
    version: '1.29.6',
    releaseName: 'istio-ingressgateway',
    namespace: 'istio-system',
  },
  kiali: {
    repoURL: 'https://kiali.org/helm-charts',
    chart: 'kiali-server',
    version: '2.29.0',
    releaseName: 'kiali',
    namespace: 'istio-system',
  },
  kubePrometheusStack: {
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    releaseName: 'kube-prometheus-stack',
    namespace: 'monitoring',
  },
  // The open-source Loki chart moved to grafana-community in March 2026.
  loki: {
    repoURL: 'https://grafana-community.github.io/helm-charts',
    chart: 'loki',
    version: '18.11.0',
    releaseName: 'loki',
    namespace: 'monitoring',
  },
  alloy: { repoURL: 'https://grafana.github.io/helm-charts', chart: 'alloy', version: '1.11.1', releaseName: 'alloy', namespace: 'monitoring' },
} satisfies Record<string, HelmChartRef>;

/** Every Helm repository the AppProject may pull from. */
export function helmRepositories(): string[] {
  return [...new Set(Object.values(helmCharts).map((c) => c.repoURL))].sort();
}

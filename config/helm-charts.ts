// Third-party Helm charts, pinned in one place (../shared/docs/charts.md). Argo CD renders them
// itself; this project only writes the Applications that point at them.
import type { GroupKind, HelmChartRef, HelmCharts } from './types';

export type { GroupKind, HelmChartRef };

const ISTIO = 'https://istio-release.storage.googleapis.com/charts';
const CRD = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };
const CLUSTER_ROLE = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
const CLUSTER_ROLE_BINDING = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' };
const VALIDATING_WEBHOOK = { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' };
const MUTATING_WEBHOOK = { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' };

export const helmCharts = {
  istioBase: {
    repoURL: ISTIO,
    chart: 'base',
    version: '1.29.6',
    releaseName: 'istio-base',
    namespace: 'istio-system',
    clusterKinds: [CRD, VALIDATING_WEBHOOK],
  },
  // In a namespace of its own: its DaemonSet needs `privileged`, istio-system stays `baseline`.
  istioCni: {
    repoURL: ISTIO,
    chart: 'cni',
    version: '1.29.6',
    releaseName: 'istio-cni',
    namespace: 'istio-cni',
    clusterKinds: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
  },
  istiod: {
    repoURL: ISTIO,
    chart: 'istiod',
    version: '1.29.6',
    releaseName: 'istiod',
    namespace: 'istio-system',
    clusterKinds: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING, MUTATING_WEBHOOK, VALIDATING_WEBHOOK],
  },
  istioIngressGateway: {
    repoURL: ISTIO,
    chart: 'gateway',
    version: '1.29.6',
    releaseName: 'istio-ingressgateway',
    namespace: 'istio-system',
    clusterKinds: [],
  },
  kiali: {
    repoURL: 'https://kiali.org/helm-charts',
    chart: 'kiali-server',
    version: '2.29.0',
    releaseName: 'kiali',
    namespace: 'istio-system',
    clusterKinds: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
  },
  kubePrometheusStack: {
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    releaseName: 'kube-prometheus-stack',
    namespace: 'monitoring',
    clusterKinds: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING, MUTATING_WEBHOOK, VALIDATING_WEBHOOK],
  },
  // The open-source Loki chart moved to grafana-community in March 2026.
  loki: {
    repoURL: 'https://grafana-community.github.io/helm-charts',
    chart: 'loki',
    version: '18.11.0',
    releaseName: 'loki',
    namespace: 'monitoring',
    clusterKinds: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
  },
  alloy: {
    repoURL: 'https://grafana.github.io/helm-charts',
    chart: 'alloy',
    version: '1.11.1',
    releaseName: 'alloy',
    namespace: 'monitoring',
    clusterKinds: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
  },
} satisfies HelmCharts;

/** Every Helm repository the AppProject may pull from. */
export function helmRepositories(): string[] {
  return [...new Set(Object.values(helmCharts).map((c) => c.repoURL))].sort();
}

// Kiali 2.29.0 from its upstream chart: the service graph on NodePort 31200, reading Prometheus and
// linking Grafana in-cluster. The whole values tree is Kiali's configuration (the Kiali CR schema).
import type { PlatformConfig } from '../../config/types';
import type { HelmRelease } from '../../constructs/argocd/helm-release';

export interface KialiValues {
  /** `anonymous` (no login) only where config allows it; otherwise `token`. */
  readonly auth: { readonly strategy: 'anonymous' | 'token' };
  readonly deployment: { readonly service_type: 'NodePort' };
  readonly server: {
    readonly port: number;
    readonly node_port: number;
    readonly web_root: string;
    /** Kiali's own metrics port would be a second NodePort with a random number; nothing scrapes it. */
    readonly observability: { readonly metrics: { readonly enabled: false } };
  };
  /** `secret:<name>:<key>`: a fixed key, or the chart writes a random one on every render (permanent drift). */
  readonly login_token: { readonly signing_key: string };
  readonly external_services: {
    readonly prometheus: { readonly url: string };
    readonly grafana: { readonly enabled: true; readonly internal_url: string; readonly external_url: string };
    readonly tracing: { readonly enabled: false };
  };
}

export function kialiRelease(config: PlatformConfig): HelmRelease {
  const { environment, nodePorts, helmCharts, syncWaves } = config;
  const { kialiSigningKey } = config.secrets;
  // kube-prometheus-stack's Services are named after its release.
  const stack = helmCharts.kubePrometheusStack;
  const values: KialiValues = {
    auth: { strategy: environment.mesh.kialiAnonymous ? 'anonymous' : 'token' },
    deployment: { service_type: 'NodePort' },
    server: { port: 20001, node_port: nodePorts.kiali, web_root: '/kiali', observability: { metrics: { enabled: false } } },
    login_token: { signing_key: `secret:${kialiSigningKey.name}:${kialiSigningKey.keys[0]}` },
    external_services: {
      // Without these in-cluster addresses the graph is empty (platform.md).
      prometheus: { url: `http://${stack.releaseName}-prometheus.${stack.namespace}:9090` },
      grafana: {
        enabled: true,
        internal_url: `http://${stack.releaseName}-grafana.${stack.namespace}:80`,
        external_url: `http://${environment.publicHost}:${nodePorts.grafana}`,
      },
      tracing: { enabled: false },
    },
  };
  return { name: 'kiali', chart: helmCharts.kiali, values, syncWave: syncWaves.addons };
}

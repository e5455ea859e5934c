import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/monitoring.coreos.com';

export interface SidecarMetricsMonitorProps {
  /** Namespace whose Istio proxy pods are scraped (the PodMonitor lives there too). */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /**
   * Labels of the pods to scrape, e.g. the ingress gateway's `istio: ingressgateway`.
   * @default every sidecar-injected pod of the namespace (`security.istio.io/tlsMode: istio`)
   */
  readonly selector?: Readonly<Record<string, string>>;
  /**
   * Port where the proxy serves the merged app and Envoy metrics.
   * @default 15020
   */
  readonly port?: number;
  /**
   * Scrape interval.
   * @default '15s'
   */
  readonly interval?: string;
}

/**
 * Scrapes Istio proxies' merged metrics (`:15020/stats/prometheus`: Envoy's, the agent's and, for a
 * sidecar, the app's own `/metrics`): a namespace's sidecars, or a gateway's pods, which run the same
 * proxy. The proxy serves this port itself, outside its mTLS listener, so a Prometheus outside the
 * mesh can scrape under STRICT mTLS; the apps' own ports are never scraped in plaintext.
 */
export class SidecarMetricsMonitor extends Construct {
  constructor(scope: Construct, name: string, props: SidecarMetricsMonitorProps) {
    super(scope, name);
    const port = props.port ?? 15020;
    new PodMonitor(this, 'pod-monitor', {
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: {
        // By default injected pods only: the injector labels them with their TLS mode.
        selector: { matchLabels: { ...(props.selector ?? { 'security.istio.io/tlsMode': 'istio' }) } },
        jobLabel: 'app',
        podMetricsEndpoints: [
          {
            // 15020 is not a declared container port; select the proxy by its one declared port
            // (one target per pod) and point the target at 15020 instead.
            port: 'http-envoy-prom',
            path: '/stats/prometheus',
            interval: props.interval ?? '15s',
            relabelings: [
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                sourceLabels: ['__meta_kubernetes_pod_ip'],
                regex: '(.+)',
                replacement: `$1:${port}`,
                targetLabel: '__address__',
              },
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                sourceLabels: ['__meta_kubernetes_pod_label_app'],
                targetLabel: 'app',
              },
            ],
          },
        ],
      },
    });
  }
}

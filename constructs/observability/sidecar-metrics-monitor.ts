import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/monitoring.coreos.com';

export interface SidecarMetricsMonitorProps {
  /** Namespace whose sidecar-injected pods are scraped (the PodMonitor lives there too). */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /**
   * Port where the sidecar serves the merged app and Envoy metrics.
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
 * Scrapes every sidecar's merged metrics (`:15020/stats/prometheus`: Envoy's and the app's own
 * `/metrics`). The sidecar serves this port itself, outside its mTLS listener, so a Prometheus
 * outside the mesh can scrape under STRICT mTLS; the apps' own ports are never scraped in plaintext.
 */
export class SidecarMetricsMonitor extends Construct {
  constructor(scope: Construct, name: string, props: SidecarMetricsMonitorProps) {
    super(scope, name);
    const port = props.port ?? 15020;
    new PodMonitor(this, 'pod-monitor', {
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: {
        // Injected pods only: the injector labels them with their TLS mode.
        selector: { matchLabels: { 'security.istio.io/tlsMode': 'istio' } },
        jobLabel: 'app',
        podMetricsEndpoints: [
          {
            // 15020 is not a declared container port; select the sidecar by its one declared port
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

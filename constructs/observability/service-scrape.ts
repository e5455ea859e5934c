import { Construct } from 'constructs';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com';

export interface ServiceScrapeProps {
  /** Namespace of the Service (the ServiceMonitor lives there too). */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Labels of the Service to scrape. */
  readonly selector: Record<string, string>;
  /** Name of the Service port serving metrics. */
  readonly port: string;
  /**
   * Path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default '30s'
   */
  readonly interval?: string;
}

/** A ServiceMonitor for one component's metrics Service (istiod, Argo CD). */
export class ServiceScrape extends Construct {
  constructor(scope: Construct, name: string, props: ServiceScrapeProps) {
    super(scope, name);
    new ServiceMonitor(this, 'service-monitor', {
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: {
        selector: { matchLabels: props.selector },
        endpoints: [{ port: props.port, path: props.path ?? '/metrics', interval: props.interval ?? '30s' }],
      },
    });
  }
}

import { Construct } from 'constructs';
import { k8s } from '../k8s';

/** ConfigMaps are limited to 1 MiB; Argo CD's server-side apply needs no room for an annotation. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface GrafanaDashboardProps {
  /** Namespace the ConfigMap goes to (Grafana's sidecar searches every namespace). */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The dashboard model, as Grafana's JSON. */
  readonly dashboard: object & { readonly uid?: string };
}

/**
 * A dashboard Grafana loads by itself: a ConfigMap labelled `grafana_dashboard: "1"`, which
 * kube-prometheus-stack's dashboard sidecar picks up from any namespace.
 */
export class GrafanaDashboard extends Construct {
  /** The JSON as written, for size and content checks. */
  readonly json: string;

  constructor(scope: Construct, name: string, props: GrafanaDashboardProps) {
    super(scope, name);
    // Pretty-printed: a dashboard change reads as a line diff in review.
    this.json = `${JSON.stringify(props.dashboard, null, 2)}\n`;
    new k8s.KubeConfigMap(this, 'configmap', {
      metadata: {
        name,
        namespace: props.namespace,
        labels: { ...props.labels, grafana_dashboard: '1' },
      },
      data: { [`${props.dashboard.uid ?? name}.json`]: this.json },
    });
  }
}

// What the monitoring stack watches and promises: one place for the SLO, the alert thresholds and the
// dashboard's identity. The queries themselves are built in constructs/observability/queries.ts.
import type { ObservabilityConfig } from './types';

export const observability = {
  namespace: 'monitoring',
  /** Availability objective of every service: the share of requests that must not fail with 5xx. */
  availabilityObjective: 0.995,
  /** p95 latency above this, sustained, is an alert (the old performance budget). */
  latencyP95Milliseconds: 500,
  /** Share of 5xx answers that is an alert on its own, whatever the burn rate. */
  errorRatioThreshold: 0.05,
  /** CPU and memory use, as a share of the container's limit, that is an alert. */
  saturationThreshold: 0.9,
  dashboard: { uid: 'titanium-golden-signals', title: 'Titanium / Golden Signals' },
  /** Data source uids the dashboard refers to (kube-prometheus-stack's Prometheus, our Loki). */
  datasources: { prometheus: 'prometheus', loki: 'loki' },
  /** In-cluster addresses, from the release names. */
  lokiUrl: 'http://loki.monitoring.svc.cluster.local:3100',
  /** platform.md: the services count `http_requests_total{method, status}` with `status` as a class, never a code. */
  serviceMetricLabels: { http_requests_total: { status: ['1xx', '2xx', '3xx', '4xx', '5xx'] } },
} as const satisfies ObservabilityConfig;

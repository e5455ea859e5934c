// The PromQL behind the Golden Signals, shared by the dashboard and the alert rules so both always
// measure the same thing. Server side (reporter="destination"): what the service itself answered.

export interface QueryScope {
  /** The application namespace. */
  readonly namespace: string;
  /** A label matcher on the workload, e.g. `=~"$service"` or `!=""`. */
  readonly workload: string;
}

function requests(scope: QueryScope, extra = ''): string {
  return `istio_requests_total{reporter="destination", destination_workload_namespace="${scope.namespace}", destination_workload${scope.workload}${extra}}`;
}

export function requestRate(scope: QueryScope, window: string): string {
  return `sum by (destination_workload) (rate(${requests(scope)}[${window}]))`;
}

/**
 * Share of requests answered with a status class, e.g. `5..`. A service with no such answers gets 0,
 * not "no data": the numerator falls back to 0 × its traffic.
 */
export function statusRatio(scope: QueryScope, statusRegex: string, window: string): string {
  const total = `sum by (destination_workload) (rate(${requests(scope)}[${window}]))`;
  return `(
  sum by (destination_workload) (rate(${requests(scope, `, response_code=~"${statusRegex}"`)}[${window}]))
  or
  0 * ${total}
)
/
${total}`;
}

export function latencyQuantile(scope: QueryScope, quantile: number, window: string): string {
  return `histogram_quantile(${quantile}, sum by (le, destination_workload) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_workload_namespace="${scope.namespace}", destination_workload${scope.workload}}[${window}])))`;
}

/** Pods of a workload: Deployment pods are `<name>-<hash>-<hash>`, StatefulSet pods `<name>-<n>`. */
function pods(workload: string): string {
  return workload.startsWith('=~') ? `=~${workload.slice(2).replace(/"$/, '-.*"')}` : workload;
}

/** CPU used per pod (app and sidecar) as a share of the pod's CPU limit. */
export function cpuOfLimit(scope: QueryScope, window: string): string {
  return `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${scope.namespace}", pod${pods(scope.workload)}, container!="", container!="POD"}[${window}]))
/
sum by (pod) (kube_pod_container_resource_limits{namespace="${scope.namespace}", pod${pods(scope.workload)}, resource="cpu"})`;
}

/** Working-set memory per pod as a share of the pod's memory limit. */
export function memoryOfLimit(scope: QueryScope): string {
  return `sum by (pod) (container_memory_working_set_bytes{namespace="${scope.namespace}", pod${pods(scope.workload)}, container!="", container!="POD"})
/
sum by (pod) (kube_pod_container_resource_limits{namespace="${scope.namespace}", pod${pods(scope.workload)}, resource="memory"})`;
}

export function hpaReplicas(scope: QueryScope): { current: string; max: string } {
  const selector = `namespace="${scope.namespace}", horizontalpodautoscaler${scope.workload}`;
  return {
    current: `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${selector}})`,
    max: `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${selector}})`,
  };
}

// The platform's alerting rules, as data: an availability SLO with multiwindow, multi-burn-rate alerts
// (Google SRE workbook, "Alerting on SLOs"), the Golden Signals, saturation against limits (never
// against one core), autoscaling at its ceiling, restart loops, missing scrapes and a missing log
// pipeline. Every alert names a runbook.
import { latencyQuantile, requestRate, statusRatio, type QueryScope } from './queries';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export interface AlertRulesOptions {
  /** The application namespace. */
  readonly namespace: string;
  /** Namespace of Loki and Alloy. */
  readonly monitoringNamespace: string;
  /** Availability objective, e.g. 0.995. */
  readonly availabilityObjective: number;
  readonly latencyP95Milliseconds: number;
  readonly errorRatioThreshold: number;
  readonly saturationThreshold: number;
  /** Page that holds the runbooks; each alert links `<base>#<alert name in lower case>`. */
  readonly runbookBase: string;
}

/** Windows of the error ratio the burn-rate alerts compare. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export function errorRatioRecord(window: string): string {
  return `titanium:request_errors:ratio_rate${window}`;
}

/** A number as PromQL writes it, without floating-point noise (14.4 × 0.005 = 0.072, not 0.07200000000000001). */
function num(value: number): string {
  return String(Number(value.toPrecision(10)));
}

export function platformAlertRules(o: AlertRulesOptions): RuleGroup[] {
  const all: QueryScope = { namespace: o.namespace, workload: '!=""' };
  const ns = `namespace="${o.namespace}"`;
  const budget = 1 - o.availabilityObjective;
  const burn = (factor: number, long: string, short: string) =>
    `(${errorRatioRecord(long)} > ${num(factor * budget)} and ${errorRatioRecord(short)} > ${num(factor * budget)})`;
  const alert = (
    name: string,
    severity: 'critical' | 'warning',
    expr: string,
    forDuration: string | undefined,
    summary: string,
    description: string,
  ): AlertingRule => ({
    alert: name,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity },
    annotations: { summary, description, runbook_url: `${o.runbookBase}#${name.toLowerCase()}` },
  });
  const objective = `${num(o.availabilityObjective * 100)} %`;

  return [
    {
      name: 'titanium-slo-recording',
      rules: SLO_WINDOWS.map((window) => ({ record: errorRatioRecord(window), expr: statusRatio(all, '5..', window) })),
    },
    {
      name: 'titanium-slo-alerts',
      rules: [
        alert(
          'TitaniumErrorBudgetBurnFast',
          'critical',
          `${burn(14.4, '1h', '5m')}\nor\n${burn(6, '6h', '30m')}`,
          '2m',
          '{{ $labels.destination_workload }} is burning its error budget fast',
          `{{ $labels.destination_workload }} fails so many requests that the ${objective} availability objective's 30-day error budget goes in days.`,
        ),
        alert(
          'TitaniumErrorBudgetBurnSlow',
          'warning',
          `${burn(3, '1d', '2h')}\nor\n${burn(1, '3d', '6h')}`,
          '15m',
          '{{ $labels.destination_workload }} is burning its error budget',
          `{{ $labels.destination_workload }} fails enough requests to miss the ${objective} availability objective within the month.`,
        ),
      ],
    },
    {
      name: 'titanium-golden-signals',
      rules: [
        alert(
          'TitaniumHighLatencyP95',
          'warning',
          `${latencyQuantile(all, 0.95, '5m')} > ${o.latencyP95Milliseconds}`,
          '5m',
          '{{ $labels.destination_workload }} is slow',
          `{{ $labels.destination_workload }} answers slower than ${o.latencyP95Milliseconds} ms at p95.`,
        ),
        alert(
          'TitaniumHigh5xxRatio',
          'critical',
          // Only with real traffic: two failed requests out of three say little.
          `(${statusRatio(all, '5..', '5m')}) > ${num(o.errorRatioThreshold)}\nand\n${requestRate(all, '5m')} > 0.1`,
          '5m',
          '{{ $labels.destination_workload }} answers with 5xx',
          `More than ${num(o.errorRatioThreshold * 100)} % of the requests to {{ $labels.destination_workload }} fail with a 5xx status.`,
        ),
      ],
    },
    {
      name: 'titanium-saturation',
      rules: [
        alert(
          'TitaniumContainerCpuNearLimit',
          'warning',
          `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${ns}, container!="", container!="POD"}[5m]))
/
sum by (namespace, pod, container) (kube_pod_container_resource_limits{${ns}, resource="cpu"})
> ${num(o.saturationThreshold)}`,
          '10m',
          '{{ $labels.pod }}/{{ $labels.container }} uses nearly all its CPU limit',
          `{{ $labels.container }} in {{ $labels.pod }} uses more than ${num(o.saturationThreshold * 100)} % of its CPU limit and is being throttled.`,
        ),
        alert(
          'TitaniumContainerMemoryNearLimit',
          'warning',
          `sum by (namespace, pod, container) (container_memory_working_set_bytes{${ns}, container!="", container!="POD"})
/
sum by (namespace, pod, container) (kube_pod_container_resource_limits{${ns}, resource="memory"})
> ${num(o.saturationThreshold)}`,
          '10m',
          '{{ $labels.pod }}/{{ $labels.container }} is close to its memory limit',
          `{{ $labels.container }} in {{ $labels.pod }} uses more than ${num(o.saturationThreshold * 100)} % of its memory limit; the next step is the OOM killer.`,
        ),
        alert(
          'TitaniumHpaAtMaximum',
          'warning',
          `kube_horizontalpodautoscaler_status_current_replicas{${ns}}
>=
kube_horizontalpodautoscaler_spec_max_replicas{${ns}}`,
          '15m',
          '{{ $labels.horizontalpodautoscaler }} cannot scale out any further',
          '{{ $labels.horizontalpodautoscaler }} has run at its maximum replica count for 15 minutes; more load will not be absorbed.',
        ),
        alert(
          'TitaniumPodRestartLoop',
          'critical',
          `increase(kube_pod_container_status_restarts_total{${ns}}[15m]) >= 3`,
          undefined,
          '{{ $labels.pod }}/{{ $labels.container }} keeps restarting',
          '{{ $labels.container }} in {{ $labels.pod }} restarted at least 3 times in 15 minutes.',
        ),
      ],
    },
    {
      name: 'titanium-observability',
      rules: [
        alert(
          'TitaniumScrapeTargetDown',
          'warning',
          `up{namespace=~"${o.namespace}|istio-system"} == 0`,
          '5m',
          'Prometheus cannot scrape {{ $labels.namespace }}/{{ $labels.pod }}',
          'The scrape of {{ $labels.pod }} ({{ $labels.job }}) has failed for 5 minutes; its panels and alerts are blind.',
        ),
        alert(
          'TitaniumLokiDown',
          'critical',
          `kube_statefulset_status_replicas_ready{namespace="${o.monitoringNamespace}", statefulset="loki"} < 1
or
absent(kube_statefulset_status_replicas_ready{namespace="${o.monitoringNamespace}", statefulset="loki"})`,
          '5m',
          'Loki is down',
          'No Loki replica is ready: logs are not stored and the logs panel is empty.',
        ),
        alert(
          'TitaniumAlloyDown',
          'warning',
          `kube_daemonset_status_number_unavailable{namespace="${o.monitoringNamespace}", daemonset="alloy"} > 0
or
absent(kube_daemonset_status_number_ready{namespace="${o.monitoringNamespace}", daemonset="alloy"})`,
          '10m',
          'Alloy is not collecting logs on every node',
          'At least one node runs no ready Alloy pod: the logs of its pods do not reach Loki.',
        ),
      ],
    },
  ];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

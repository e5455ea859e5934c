// The Golden Signals dashboard, built with Grafana's typed builders (@grafana/grafana-foundation-sdk):
// latency, traffic, errors and saturation per service, the service's logs, and the delivery loop.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { cpuOfLimit, hpaReplicas, latencyQuantile, memoryOfLimit, requestRate, statusRatio, type QueryScope } from './queries';

export interface GoldenSignalsOptions {
  readonly uid: string;
  readonly title: string;
  /** The application namespace. */
  readonly namespace: string;
  readonly datasources: { readonly prometheus: string; readonly loki: string };
  /** p95 latency objective, drawn as a threshold line. */
  readonly latencyObjectiveMs: number;
  /**
   * Add a row with Argo CD's sync status and syncs (needs Argo CD's metrics scraped).
   * @default true
   */
  readonly delivery?: boolean;
  /**
   * The Argo CD project whose Applications the delivery row shows.
   * @default 'titanium'
   */
  readonly argocdProject?: string;
}

const RATE = '$__rate_interval';

export function goldenSignalsDashboard(options: GoldenSignalsOptions): dashboard.Dashboard {
  const promDs = { type: 'prometheus', uid: options.datasources.prometheus };
  const lokiDs = { type: 'loki', uid: options.datasources.loki };
  const scope: QueryScope = { namespace: '$namespace', workload: '=~"$service"' };
  let refIds = 0;
  const query = (expr: string, legend: string) =>
    new prometheus.DataqueryBuilder()
      .expr(expr)
      .legendFormat(legend)
      .refId(String.fromCharCode(65 + (refIds++ % 26)))
      .datasource(promDs);
  const graph = (title: string, unit: string) => {
    refIds = 0;
    return new timeseries.PanelBuilder().title(title).unit(unit).datasource(promDs).fillOpacity(10);
  };

  const builder = new dashboard.DashboardBuilder(options.title)
    .uid(options.uid)
    .tags(['titanium', 'golden-signals', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .withVariable(new dashboard.ConstantVariableBuilder('namespace').value(options.namespace))
    .withVariable(
      new dashboard.QueryVariableBuilder('service')
        .label('Service')
        .datasource(promDs)
        .query(
          `label_values(istio_requests_total{reporter="destination", destination_workload_namespace="$namespace"}, destination_workload)`,
        )
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .includeAll(true)
        .allValue('.*'),
    )

    .withRow(new dashboard.RowBuilder('Latency'))
    .withPanel(
      graph('Request duration p50 / p95 / p99 (server side)', 'ms')
        .withTarget(query(latencyQuantile(scope, 0.5, RATE), 'p50 {{destination_workload}}'))
        .withTarget(query(latencyQuantile(scope, 0.95, RATE), 'p95 {{destination_workload}}'))
        .withTarget(query(latencyQuantile(scope, 0.99, RATE), 'p99 {{destination_workload}}'))
        .thresholds(
          new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
            { value: null, color: 'green' },
            { value: options.latencyObjectiveMs, color: 'red' },
          ]),
        )
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)),
    )

    .withRow(new dashboard.RowBuilder('Traffic'))
    .withPanel(graph('Requests per second', 'reqps').withTarget(query(requestRate(scope, RATE), '{{destination_workload}}')))
    .withPanel(
      graph('Requests by status class, as the services count them', 'reqps').withTarget(
        query(`sum by (app, status) (rate(http_requests_total{namespace="$namespace", app=~"$service"}[${RATE}]))`, '{{app}} {{status}}'),
      ),
    )

    .withRow(new dashboard.RowBuilder('Errors'))
    .withPanel(
      graph('5xx share of requests', 'percentunit')
        .min(0)
        .withTarget(query(statusRatio(scope, '5..', RATE), '{{destination_workload}}')),
    )
    .withPanel(
      graph('4xx share of requests', 'percentunit')
        .min(0)
        .withTarget(query(statusRatio(scope, '4..', RATE), '{{destination_workload}}')),
    )

    .withRow(new dashboard.RowBuilder('Saturation'))
    .withPanel(
      graph('CPU used / CPU limit, per pod', 'percentunit')
        .min(0)
        .max(1)
        .withTarget(query(cpuOfLimit(scope, RATE), '{{pod}}')),
    )
    .withPanel(
      graph('Memory working set / memory limit, per pod', 'percentunit')
        .min(0)
        .max(1)
        .withTarget(query(memoryOfLimit(scope), '{{pod}}')),
    )
    .withPanel(
      graph('HPA replicas: current and maximum', 'short')
        .min(0)
        .withTarget(query(hpaReplicas(scope).current, 'current {{horizontalpodautoscaler}}'))
        .withTarget(query(hpaReplicas(scope).max, 'maximum {{horizontalpodautoscaler}}')),
    )

    .withRow(new dashboard.RowBuilder('Logs'))
    .withPanel(
      new logs.PanelBuilder()
        .title('Logs of the selected service (Loki)')
        .datasource(lokiDs)
        .showTime(true)
        .wrapLogMessage(true)
        .enableLogDetails(true)
        .sortOrder(common.LogsSortOrder.Descending)
        .withTarget(new loki.DataqueryBuilder().refId('A').datasource(lokiDs).expr('{namespace="$namespace", app=~"$service"}')),
    );

  if (options.delivery !== false) {
    const project = options.argocdProject ?? 'titanium';
    builder
      .withRow(new dashboard.RowBuilder('Delivery (Argo CD)'))
      .withPanel(
        new table.PanelBuilder()
          .title('Applications: sync and health')
          .datasource(promDs)
          .withTarget(
            new prometheus.DataqueryBuilder()
              .refId('A')
              .datasource(promDs)
              .expr(`max by (name, sync_status, health_status) (argocd_app_info{project="${project}"})`)
              .format(prometheus.PromQueryFormat.Table)
              .instant(),
          ),
      )
      .withPanel(
        new table.PanelBuilder()
          .title('Last successful sync, seconds ago')
          .datasource(promDs)
          .withTarget(
            new prometheus.DataqueryBuilder()
              .refId('A')
              .datasource(promDs)
              // When the sync counter last went up, within the past day, as seconds before now.
              .expr(
                `time() - max by (name) (max_over_time((timestamp(increase(argocd_app_sync_total{project="${project}", phase="Succeeded"}[2m]) > 0))[1d:1m]))`,
              )
              .format(prometheus.PromQueryFormat.Table)
              .instant(),
          ),
      )
      .withPanel(
        ((refIds = 0), new timeseries.PanelBuilder())
          .title('Syncs (the push-to-pods loop)')
          .unit('short')
          .datasource(promDs)
          .withTarget(query(`sum by (name, phase) (increase(argocd_app_sync_total{project="${project}"}[${RATE}]))`, '{{name}} {{phase}}')),
      );
  }
  return builder.build();
}

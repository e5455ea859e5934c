// Monitoring as code: the Golden Signals dashboard, the alert rules and the scrape configs, as
// rendered. Every PromQL expression parses; the dashboard has what the demo shows; every alert names
// a runbook that exists; nothing scrapes the apps in plaintext.
import { platformConfig } from '../../config';
import { CONFIGMAP_LIMIT_BYTES } from '../../constructs/observability/grafana-dashboard';
import { environmentNames, objects } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';
import { promqlErrors } from '../support/promql';
import { readDoc } from '../support/docs';

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId?: string; datasource?: { uid: string } }[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string; includeAll?: boolean }[] };
}
interface PrometheusRuleSpec {
  groups: {
    name: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

const runbooks = readDoc('docs/runbooks.md');

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const all = objects(environment);
  const dashboardMap = all.find((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.grafana_dashboard === '1')!;
  const [json] = Object.values(dashboardMap.data as Record<string, string>);
  const dashboard = JSON.parse(json) as Dashboard;
  const panel = (title: RegExp) => dashboard.panels.find((p) => title.test(p.title))!;
  const exprs = (p: Panel) => (p.targets ?? []).map((t) => t.expr);
  const rule = all.find((o) => o.kind === 'PrometheusRule')!;
  const rules = (rule.spec as PrometheusRuleSpec).groups.flatMap((g) => g.rules);
  const alerts = rules.filter((r) => r.alert);

  test('the dashboard ConfigMap is picked up by Grafana and far below the ConfigMap size limit', () => {
    expect(dashboardMap.metadata?.namespace).toBe('monitoring');
    expect(Buffer.byteLength(json)).toBeLessThan(CONFIGMAP_LIMIT_BYTES / 4);
    expect(dashboard.uid).toBe('titanium-golden-signals');
  });

  test('every PromQL expression of the dashboard and the rules parses', () => {
    const all = [...dashboard.panels.flatMap((p) => (p.datasource?.type === 'loki' ? [] : exprs(p))), ...rules.map((r) => r.expr)];
    expect(all.length).toBeGreaterThan(25);
    const broken = all.filter((e) => promqlErrors(e).length > 0);
    expect(broken).toEqual([]);
    // The check is real.
    expect(promqlErrors('sum by (a) (rate(x[5m])')).not.toEqual([]);
  });

  test('a service variable drives every Golden Signals panel', () => {
    const service = dashboard.templating.list.find((v) => v.name === 'service')!;
    expect(service).toMatchObject({ type: 'query', includeAll: true });
    // label_values(<selector>, <label>): the selector is PromQL too.
    const selector = /^label_values\((.*), (\w+)\)$/.exec(service.query!)!;
    expect(selector[2]).toBe('destination_workload');
    expect(promqlErrors(selector[1])).toEqual([]);
    for (const p of dashboard.panels.filter((p) => p.type !== 'row' && !/Argo CD|Applications|[Ss]ync/.test(p.title))) {
      expect([p.title, exprs(p).every((e) => e.includes('$service'))]).toEqual([p.title, true]);
    }
  });

  test('latency p50/p95/p99, traffic, 5xx and 4xx ratios from Istio’s server-side metrics', () => {
    const latency = exprs(panel(/p50 \/ p95 \/ p99/));
    expect(latency.map((e) => /histogram_quantile\(([\d.]+),/.exec(e)?.[1])).toEqual(['0.5', '0.95', '0.99']);
    for (const e of latency) expect(e).toContain('istio_request_duration_milliseconds_bucket{reporter="destination"');
    expect(exprs(panel(/^Requests per second/))[0]).toContain('rate(istio_requests_total{reporter="destination"');
    expect(exprs(panel(/^5xx share/))[0]).toContain('response_code=~"5.."');
    expect(exprs(panel(/^4xx share/))[0]).toContain('response_code=~"4.."');
  });

  test('saturation against limits (not one core), and HPA replicas against their maximum', () => {
    for (const title of [/^CPU used/, /^Memory working set/]) {
      const [e] = exprs(panel(title));
      expect(e).toContain('kube_pod_container_resource_limits');
    }
    expect(exprs(panel(/^CPU used/))[0]).toContain('resource="cpu"');
    expect(exprs(panel(/^HPA replicas/)).join()).toMatch(/status_current_replicas.*spec_max_replicas/s);
  });

  test('a Loki logs panel filtered by the selected service', () => {
    const logs = dashboard.panels.find((p) => p.type === 'logs')!;
    expect(logs.datasource).toEqual({ type: 'loki', uid: 'loki' });
    expect(exprs(logs)).toEqual(['{namespace="$namespace", app=~"$service"}']);
  });

  test('a delivery row from Argo CD’s metrics', () => {
    expect(exprs(panel(/Applications: sync and health/))[0]).toContain('argocd_app_info{project="titanium"}');
    expect(exprs(panel(/^Syncs/))[0]).toContain('argocd_app_sync_total');
    expect(exprs(panel(/^Last successful sync/))[0]).toContain('phase="Succeeded"');
    expect(all.find((o) => o.kind === 'ServiceMonitor' && o.metadata?.namespace === 'argocd')).toBeDefined();
  });

  test('every query names its data source and a reference id', () => {
    for (const p of dashboard.panels.filter((p) => p.targets)) {
      for (const t of p.targets!) {
        expect(t.refId).toMatch(/^[A-Z]$/);
        expect(t.datasource?.uid ?? p.datasource?.uid).toBeDefined();
      }
    }
  });

  test('the SLO alerts burn at the SRE workbook’s rates over its windows', () => {
    const fast = alerts.find((a) => a.alert === 'TitaniumErrorBudgetBurnFast')!;
    const slow = alerts.find((a) => a.alert === 'TitaniumErrorBudgetBurnSlow')!;
    // 99.5 % objective: a 0.005 budget.
    expect(fast.expr).toContain('titanium:request_errors:ratio_rate1h > 0.072 and titanium:request_errors:ratio_rate5m > 0.072');
    expect(fast.expr).toContain('titanium:request_errors:ratio_rate6h > 0.03 and titanium:request_errors:ratio_rate30m > 0.03');
    expect(slow.expr).toContain('titanium:request_errors:ratio_rate1d > 0.015 and titanium:request_errors:ratio_rate2h > 0.015');
    expect(slow.expr).toContain('titanium:request_errors:ratio_rate3d > 0.005 and titanium:request_errors:ratio_rate6h > 0.005');
    expect(fast.labels?.severity).toBe('critical');
    const recorded = rules.filter((r) => r.record).map((r) => r.record);
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d'])
      expect(recorded).toContain(`titanium:request_errors:ratio_rate${window}`);
  });

  test('the alerts the platform needs, each with a severity and a runbook that exists', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'TitaniumAlloyDown',
      'TitaniumContainerCpuNearLimit',
      'TitaniumContainerMemoryNearLimit',
      'TitaniumErrorBudgetBurnFast',
      'TitaniumErrorBudgetBurnSlow',
      'TitaniumHigh5xxRatio',
      'TitaniumHighLatencyP95',
      'TitaniumHpaAtMaximum',
      'TitaniumLokiDown',
      'TitaniumPodRestartLoop',
      'TitaniumScrapeTargetDown',
    ]);
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels?.severity);
      const url = a.annotations?.runbook_url ?? '';
      expect(url).toBe(`${config.delivery.repoURL.replace(/\.git$/, '')}/blob/main/docs/runbooks.md#${a.alert!.toLowerCase()}`);
    }
    // GitHub turns the heading `## TitaniumHighLatencyP95` into the anchor `#titaniumhighlatencyp95`.
    expect(alerts.filter((a) => !runbooks.includes(`\n## ${a.alert}\n`)).map((a) => a.alert)).toEqual([]);
    expect(alerts.find((a) => a.alert === 'TitaniumHighLatencyP95')!.expr).toMatch(/histogram_quantile\(0\.95,.*\) > 500$/s);
    expect(alerts.find((a) => a.alert === 'TitaniumContainerCpuNearLimit')!.expr).toContain('kube_pod_container_resource_limits');
  });

  test('the sidecars are scraped on 15020 under STRICT mTLS; no monitor reaches an app port in plaintext', () => {
    const monitors = all.filter((o) => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor');
    const inApp = monitors.filter((m) => m.metadata?.namespace === config.environment.namespace);
    expect(inApp.map((m) => m.kind)).toEqual(['PodMonitor']);
    const [endpoint] = (
      inApp[0].spec as { podMetricsEndpoints: { path: string; relabelings: { targetLabel: string; replacement?: string }[] }[] }
    ).podMetricsEndpoints;
    expect(endpoint.path).toBe('/stats/prometheus');
    expect(endpoint.relabelings.find((r) => r.targetLabel === '__address__')?.replacement).toBe('$1:15020');
    const istiod = monitors.find((m) => m.kind === 'ServiceMonitor' && m.metadata?.namespace === 'istio-system') as KubeObject;
    expect(istiod.spec).toMatchObject({ selector: { matchLabels: { app: 'istiod' } }, endpoints: [{ port: 'http-monitoring' }] });
  });

  test('the services’ own /metrics are merged into the sidecar’s (Istio reads these annotations)', () => {
    for (const service of config.services) {
      const deployment = all.find((o) => o.kind === 'Deployment' && o.metadata?.name === service.name)!;
      const annotations = (deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
        .annotations;
      expect(annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(service.port),
        'prometheus.io/path': '/metrics',
      });
    }
  });
});

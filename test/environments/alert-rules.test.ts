// Unit tests of the rendered alert rules with `promtool test rules` (Debian's prometheus package;
// .ci/run provides it). Each case feeds series and says which alerts must fire, with which labels
// and annotations, at a given time, and that the healthy series next to them stay quiet.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { finished } from '../../tooling/child-process';
import { objects } from '../support/helpers';
import { externalInput } from '../support/strict';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const available = externalInput(
  `promtool ("${PROMTOOL}")`,
  spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' }).status === 0,
  'the promtool alert rule unit tests',
  'export PATH="$(npm run --silent install-promtool -- "${TMPDIR:-/tmp}/promtool"):$PATH" (Debian/Ubuntu; or set PROMTOOL to a promtool binary)',
);

interface RuleSpec {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
  }[];
}

const NS = 'titanium-prod';
const rule = objects('prod').find((o) => o.kind === 'PrometheusRule')!;
const spec = rule.spec as RuleSpec;
const alertDefinitions = new Map(
  spec.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.alert)
    .map((r) => [r.alert!, r]),
);

/** Annotations as Prometheus renders them for an alert with these labels. */
function annotationsFor(alert: string, labels: Record<string, string>): Record<string, string> {
  const annotations = alertDefinitions.get(alert)!.annotations!;
  return Object.fromEntries(
    Object.entries(annotations).map(([key, text]) => [
      key,
      text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? ''),
    ]),
  );
}

interface Case {
  readonly name: string;
  readonly interval?: string;
  /** How often rules are evaluated; coarser for cases that span days. */
  readonly evaluationInterval?: string;
  readonly series: Record<string, string>;
  readonly at: string;
  readonly alert: string;
  /** Labels of each expected alert, without the rule's own (added here). */
  readonly expect: Record<string, string>[];
}

const requests = (workload: string, code: string, values: string) => ({
  [`istio_requests_total{reporter="destination",destination_workload_namespace="${NS}",destination_workload="${workload}",response_code="${code}"}`]:
    values,
});
const buckets = (workload: string, counts: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(counts).map(([le, values]) => [
      `istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="${NS}",destination_workload="${workload}",le="${le}"}`,
      values,
    ]),
  );

const CASES: Case[] = [
  {
    name: 'p95 latency over 500 ms for 5 minutes; a fast service stays quiet',
    series: {
      ...buckets('user-service', { '100': '0x30', '1000': '0+60x30', '+Inf': '0+60x30' }),
      ...buckets('blog-service', { '100': '0+60x30', '1000': '0+60x30', '+Inf': '0+60x30' }),
    },
    at: '15m',
    alert: 'TitaniumHighLatencyP95',
    expect: [{ destination_workload: 'user-service' }],
  },
  {
    name: '10 % of answers are 5xx; 1 % is not enough',
    series: {
      ...requests('auth-service', '200', '0+54x30'),
      ...requests('auth-service', '500', '0+6x30'),
      ...requests('blog-service', '200', '0+594x30'),
      ...requests('blog-service', '503', '0+6x30'),
    },
    at: '15m',
    alert: 'TitaniumHigh5xxRatio',
    expect: [{ destination_workload: 'auth-service' }],
  },
  {
    name: 'fast burn: 10 % errors for an hour and a half against a 0.5 % budget',
    series: { ...requests('user-service', '200', '0+54x120'), ...requests('user-service', '500', '0+6x120') },
    at: '90m',
    alert: 'TitaniumErrorBudgetBurnFast',
    expect: [{ destination_workload: 'user-service' }],
  },
  {
    name: 'within budget: 0.4 % errors for an hour and a half burn nothing fast',
    series: { ...requests('user-service', '200', '0+249x120'), ...requests('user-service', '500', '0+1x120') },
    at: '90m',
    alert: 'TitaniumErrorBudgetBurnFast',
    expect: [],
  },
  {
    name: 'five minutes of 30 % errors after seven good hours cross only the 5-minute window: no page',
    series: {
      ...requests('blog-service', '200', '0+60x420 25200+42x5'),
      ...requests('blog-service', '500', '0x420 0+18x5'),
    },
    at: '425m',
    alert: 'TitaniumErrorBudgetBurnFast',
    expect: [],
  },
  {
    name: 'slow burn: 2 % errors for a day',
    interval: '10m',
    evaluationInterval: '10m',
    series: { ...requests('blog-service', '200', '0+588x160'), ...requests('blog-service', '500', '0+12x160') },
    at: '26h',
    alert: 'TitaniumErrorBudgetBurnSlow',
    expect: [{ destination_workload: 'blog-service' }],
  },
  {
    name: 'an HPA at its maximum for 15 minutes; one below it stays quiet',
    series: {
      [`kube_horizontalpodautoscaler_status_current_replicas{namespace="${NS}",horizontalpodautoscaler="user-service"}`]: '5x30',
      [`kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="user-service"}`]: '5x30',
      [`kube_horizontalpodautoscaler_status_current_replicas{namespace="${NS}",horizontalpodautoscaler="blog-service"}`]: '4x30',
      [`kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="blog-service"}`]: '5x30',
    },
    at: '20m',
    alert: 'TitaniumHpaAtMaximum',
    expect: [{ namespace: NS, horizontalpodautoscaler: 'user-service' }],
  },
  {
    name: 'a container restarting every minute',
    series: { [`kube_pod_container_status_restarts_total{namespace="${NS}",pod="auth-service-1",container="auth-service"}`]: '0+1x30' },
    at: '20m',
    alert: 'TitaniumPodRestartLoop',
    expect: [{ namespace: NS, pod: 'auth-service-1', container: 'auth-service' }],
  },
  {
    name: 'CPU at 95 % of a 200m limit (it would be 19 % of one core)',
    series: {
      [`container_cpu_usage_seconds_total{namespace="${NS}",pod="user-service-1",container="user-service"}`]: '0+11.4x40',
      [`kube_pod_container_resource_limits{namespace="${NS}",pod="user-service-1",container="user-service",resource="cpu"}`]: '0.2x40',
    },
    at: '25m',
    alert: 'TitaniumContainerCpuNearLimit',
    expect: [{ namespace: NS, pod: 'user-service-1', container: 'user-service' }],
  },
  {
    name: 'memory at 95 % of its limit',
    series: {
      [`container_memory_working_set_bytes{namespace="${NS}",pod="blog-service-1",container="blog-service"}`]: '255013683x30',
      [`kube_pod_container_resource_limits{namespace="${NS}",pod="blog-service-1",container="blog-service",resource="memory"}`]:
        '268435456x30',
    },
    at: '20m',
    alert: 'TitaniumContainerMemoryNearLimit',
    expect: [{ namespace: NS, pod: 'blog-service-1', container: 'blog-service' }],
  },
  {
    name: 'a sidecar that cannot be scraped',
    series: { [`up{namespace="${NS}",pod="redis-1",job="redis"}`]: '0x20', [`up{namespace="${NS}",pod="redis-2",job="redis"}`]: '1x20' },
    at: '10m',
    alert: 'TitaniumScrapeTargetDown',
    expect: [{ namespace: NS, pod: 'redis-1', job: 'redis' }],
  },
  {
    name: 'Loki with no ready replica',
    series: { 'kube_statefulset_status_replicas_ready{namespace="monitoring",statefulset="loki"}': '0x20' },
    at: '10m',
    alert: 'TitaniumLokiDown',
    expect: [{ namespace: 'monitoring', statefulset: 'loki' }],
  },
  {
    name: 'Loki gone entirely',
    series: { 'kube_statefulset_status_replicas_ready{namespace="monitoring",statefulset="grafana"}': '1x20' },
    at: '10m',
    alert: 'TitaniumLokiDown',
    expect: [{ namespace: 'monitoring', statefulset: 'loki' }],
  },
  {
    name: 'a node without a ready Alloy',
    series: {
      'kube_daemonset_status_number_unavailable{namespace="monitoring",daemonset="alloy"}': '1x20',
      'kube_daemonset_status_number_ready{namespace="monitoring",daemonset="alloy"}': '2x20',
    },
    at: '15m',
    alert: 'TitaniumAlloyDown',
    expect: [{ namespace: 'monitoring', daemonset: 'alloy' }],
  },
];

function testFile(c: Case): object {
  const severity = alertDefinitions.get(c.alert)!.labels!.severity;
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: c.evaluationInterval ?? '1m',
    // Without it promtool evaluates the groups in Go's random map order: an alert group evaluated
    // before the recording group reads a sample one interval old, stale beyond 5 minutes at a 10m
    // interval, and its `for` restarts (a 1-in-20 flake). Prometheus itself evaluates the recording
    // group every 30 s, so its samples are always fresh there.
    group_eval_order: spec.groups.map((g) => g.name),
    tests: [
      {
        interval: c.interval ?? '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.expect.map((labels) => {
              const all = { ...labels, severity };
              return { exp_labels: all, exp_annotations: annotationsFor(c.alert, all) };
            }),
          },
        ],
      },
    ],
  };
}

test('recording rules come before the alerts that read them (the evaluation order the unit tests use)', () => {
  const firstAlertGroup = spec.groups.findIndex((g) => g.rules.some((r) => r.alert));
  const lastRecordingGroup = spec.groups.map((g) => g.rules.some((r) => r.record)).lastIndexOf(true);
  expect(lastRecordingGroup).toBeLessThan(firstAlertGroup);
});

(available ? describe : describe.skip)('promtool test rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'titanium-rules-'));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: spec.groups }, { lineWidth: 0 }));

  test('the rendered rules pass promtool check rules', () => {
    const run = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  // All cases in one promtool run (one process, not one per case). promtool heads each file's
  // result on standard output with `Unit Testing:  <file>` and SUCCESS under it when it passes; what
  // failed goes to standard error.
  let run: { status: number | null; sections: Map<string, string>; stderr: string };
  // One run of every case takes seconds on a busy machine: longer than a single test's default timeout.
  beforeAll(async () => {
    const files = CASES.map((c, i) => {
      const file = `case-${i}.yaml`;
      writeFileSync(join(dir, file), stringify(testFile(c), { lineWidth: 0 }));
      return file;
    });
    const { status, stdout, stderr } = await finished(spawn(PROMTOOL, ['test', 'rules', ...files], { cwd: dir }));
    const sections = new Map<string, string>();
    for (const section of stdout.split(/^(?=Unit Testing: )/m)) {
      const file = /^Unit Testing:\s+(\S+)/.exec(section)?.[1];
      if (file) sections.set(file, section);
    }
    run = { status, sections, stderr };
  }, 120_000);

  test.each(CASES.map((c, i) => [c.name, i] as [string, number]))('%s', (_name, i) => {
    expect(run.sections.get(`case-${i}.yaml`)).toMatch(/^ {2}SUCCESS$/m);
  });

  test('promtool passes every case', () => {
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the harness catches a wrong expectation', () => {
    const wrong: Case = { ...CASES[0], expect: [{ destination_workload: 'blog-service' }] };
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, stringify(testFile(wrong), { lineWidth: 0 }));
    expect(spawnSync(PROMTOOL, ['test', 'rules', file], { cwd: dir, encoding: 'utf8' }).status).not.toBe(0);
  });
});

test('every alert rule has a promtool case that fires', () => {
  expect([...new Set(CASES.filter((c) => c.expect.length).map((c) => c.alert))].sort()).toEqual([...alertDefinitions.keys()].sort());
});

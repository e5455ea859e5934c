import type { RuleGroup } from '../../../constructs/observability/alert-rules';
import { PlatformAlertRules, type PlatformAlertRulesProps } from '../../../constructs/observability/platform-alert-rules';
import { at, one, refs, synth } from '../../support/construct-harness';

const groups: RuleGroup[] = [
  {
    name: 'shop.rules',
    rules: [
      { record: 'shop:requests:rate5m', expr: 'sum(rate(requests_total[5m]))' },
      {
        alert: 'ShopDown',
        expr: 'up{job="shop"} == 0',
        for: '5m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Shop is down', description: 'No target answers.', runbook_url: 'https://example.org/runbooks#shopdown' },
      },
      {
        alert: 'ShopSlow',
        expr: 'shop:latency:p95 > 0.5',
        labels: { severity: 'warning' },
        annotations: { summary: 'Shop is slow', description: 'p95 over 500 ms.', runbook_url: 'https://example.org/runbooks#shopslow' },
      },
    ],
  },
  { name: 'empty.rules', rules: [] },
];

const props: PlatformAlertRulesProps = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'shop-alerts' }, groups };

describe('PlatformAlertRules', () => {
  const objects = synth((chart) => new PlatformAlertRules(chart, 'shop-alerts', props));
  const rule = one(objects, 'PrometheusRule');

  test('creates one PrometheusRule named after the id, in the namespace, with the given labels only (no release label)', () => {
    expect(refs(objects)).toEqual(['PrometheusRule/shop-alerts']);
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { name: 'shop-alerts', namespace: 'monitoring' } });
    expect(rule.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'shop-alerts' });
  });

  test('keeps the groups and their rules in order', () => {
    expect((at(rule, 'spec', 'groups') as unknown[]).map((g) => at(g, 'name'))).toEqual(['shop.rules', 'empty.rules']);
    expect(at(rule, 'spec', 'groups', 0, 'rules', 'length')).toBe(3);
  });

  test('a recording rule renders as record and expr only', () => {
    expect(at(rule, 'spec', 'groups', 0, 'rules', 0)).toEqual({ record: 'shop:requests:rate5m', expr: 'sum(rate(requests_total[5m]))' });
  });

  test('an alerting rule renders with its for, severity and annotations; without a for, none is written', () => {
    expect(at(rule, 'spec', 'groups', 0, 'rules', 1)).toEqual({
      alert: 'ShopDown',
      expr: 'up{job="shop"} == 0',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'Shop is down', description: 'No target answers.', runbook_url: 'https://example.org/runbooks#shopdown' },
    });
    expect(at(rule, 'spec', 'groups', 0, 'rules', 2)).not.toHaveProperty('for');
  });
});

import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { isAlertingRule, type RuleGroup } from './alert-rules';

export interface PlatformAlertRulesProps {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly groups: readonly RuleGroup[];
}

/** The rule groups as one PrometheusRule; Prometheus picks it up without a `release` label. */
export class PlatformAlertRules extends Construct {
  constructor(scope: Construct, name: string, props: PlatformAlertRulesProps) {
    super(scope, name);
    new PrometheusRule(this, 'rule', {
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: {
        groups: props.groups.map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) =>
            isAlertingRule(rule)
              ? {
                  alert: rule.alert,
                  expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
                  for: rule.for,
                  labels: { ...rule.labels },
                  annotations: { ...rule.annotations },
                }
              : { record: rule.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) },
          ),
        })),
      },
    });
  }
}

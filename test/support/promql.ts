// Parses PromQL with Prometheus' own grammar (@prometheus-io/lezer-promql), after putting sample
// values in for Grafana's template variables.
// The package is ESM with a CommonJS build; TypeScript's node16 resolution only sees the ESM types.
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});

const GRAFANA_VARIABLES: Record<string, string> = { $__rate_interval: '5m', $namespace: 'ns', $service: 'svc' };

/** Byte offsets of syntax errors; empty when the expression parses. */
export function promqlErrors(expr: string): number[] {
  const concrete = Object.entries(GRAFANA_VARIABLES).reduce((text, [name, value]) => text.split(name).join(value), expr);
  const errors: number[] = [];
  parser.parse(concrete).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

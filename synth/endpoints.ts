import type { PlatformConfig } from '../config/types';

/**
 * The operators' endpoints, from the NodePort registry: the table of
 * docs/demo-runbook.md#demo-endpoints is this, verbatim.
 */
export function endpointsTable(config: PlatformConfig): string {
  const host = config.environment.publicHost;
  const p = config.nodePorts;
  const rows: [string, number, string, string][] = [
    [
      'application (ingress gateway, HTTP)',
      p.ingressHttp,
      `http://${host}:${p.ingressHttp}/`,
      'the blog; `/nonexistent` is the deliberate 404',
    ],
    ['Grafana', p.grafana, `http://${host}:${p.grafana}/`, 'dashboard "Titanium / Golden Signals"; login from the `grafana-admin` Secret'],
    ['Kiali', p.kiali, `http://${host}:${p.kiali}/kiali/`, `Traffic Graph → namespace ${config.environment.namespace}`],
    ['Prometheus', p.prometheus, `http://${host}:${p.prometheus}/`, 'Alerts, Targets'],
    ['Prometheus config reloader', p.prometheusReloader, '', 'pinned only so that no other Service can be given it at random'],
  ];
  return [
    `| what | NodePort | URL (${config.environment.name}) | notes |`,
    '|---|---|---|---|',
    ...rows.map(([what, port, url, notes]) => `| ${what} | ${port} | ${url ? `<${url}>` : ''} | ${notes} |`),
  ].join('\n');
}

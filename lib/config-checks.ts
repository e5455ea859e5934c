// Checks of the typed configuration that the type system cannot express: names that must refer to
// something, numbers that must be unique or in range. Synth runs them before rendering anything and
// reports every problem at once.
import { NODE_PORT_RANGE } from '../config/node-ports';
import { platformNamespaces } from '../config/namespaces';
import type { PlatformConfig } from '../config/types';
import type { HelmRelease } from './argocd/helm-release';
import { meshPeers } from './mesh/call-graph';
import type { Finding } from './validation/finding';

function problem(file: string, object: string, field: string, message: string): Finding {
  return { severity: 'error', rule: 'config', file, object, field, message };
}

function checkCallGraph(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const peers = meshPeers(config);
  const known = [...peers.keys()].sort().join(', ');
  const graph = config.callGraph;
  const at = (field: string, message: string) => findings.push(problem('config/call-graph.ts', 'callGraph', field, message));

  const gateway = peers.get(graph.ingressGateway);
  if (!gateway || gateway.internal) at('ingressGateway', `"${graph.ingressGateway}" is not one of the external peers`);
  graph.edges.forEach((edge, i) => {
    const from = peers.get(edge.from);
    const to = peers.get(edge.to);
    if (!from) at(`edges[${i}].from`, `unknown workload or peer "${edge.from}" (known: ${known})`);
    if (!to) at(`edges[${i}].to`, `unknown workload or peer "${edge.to}" (known: ${known})`);
    if (!from || !to) return;
    if (edge.from === edge.to) at(`edges[${i}]`, `"${edge.from}" calls itself; only calls between workloads need an edge`);
    if (!from.internal && !to.internal) {
      at(`edges[${i}]`, `"${edge.from}" → "${edge.to}" joins two external peers; no policy in this namespace can allow it`);
    }
    if (!to.internal && to.ports.length === 0) at(`edges[${i}].to`, `external peer "${edge.to}" declares no ports to be called on`);
  });
  const seen = new Set<string>();
  graph.edges.forEach((edge, i) => {
    const key = `${edge.from}→${edge.to}`;
    if (seen.has(key)) at(`edges[${i}]`, `duplicate edge ${edge.from} → ${edge.to}`);
    seen.add(key);
  });
  graph.scrapes.forEach((scrape, i) => {
    const from = peers.get(scrape.from);
    if (!from || from.internal) at(`scrapes[${i}].from`, `"${scrape.from}" is not one of the external peers`);
  });
  return findings;
}

function checkRoutes(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const services = new Set(config.services.map((s) => s.name));
  const names = new Set<string>();
  config.routes.forEach((route, i) => {
    const at = (field: string, message: string) => findings.push(problem('config/routes.ts', `route ${route.name}`, `routes[${i}].${field}`, message));
    if (!services.has(route.service)) at('service', `unknown service "${route.service}" (HTTP services: ${[...services].join(', ')})`);
    if (names.has(route.name)) at('name', `duplicate route name "${route.name}"`);
    names.add(route.name);
    const path = 'exact' in route.match ? route.match.exact : route.match.prefix;
    if (!path.startsWith('/')) at('match', `path "${path}" must start with /`);
    if (route.rewrite !== undefined && !route.rewrite.startsWith('/')) at('rewrite', `rewrite "${route.rewrite}" must start with /`);
  });
  return findings;
}

function checkNodePorts(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const byPort = new Map<number, string>();
  for (const [name, port] of Object.entries(config.nodePorts) as [string, number][]) {
    const at = (message: string) => findings.push(problem('config/node-ports.ts', 'nodePorts', name, message));
    if (!Number.isInteger(port) || port < NODE_PORT_RANGE.min || port > NODE_PORT_RANGE.max) {
      at(`${port} is outside the NodePort range ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}`);
    }
    const clash = byPort.get(port);
    if (clash) at(`${port} is already taken by ${clash}`);
    byPort.set(port, name);
  }
  return findings;
}

function checkReleases(releases: readonly HelmRelease[]): Finding[] {
  return releases
    .filter((r) => !platformNamespaces[r.chart.namespace])
    .map((r) =>
      problem('config/namespaces.ts', `release ${r.name}`, 'platformNamespaces', `namespace "${r.chart.namespace}" has no entry (its Pod Security level)`),
    );
}

/** Every problem of the configuration, before anything is rendered. */
export function checkConfig(config: PlatformConfig, releases: readonly HelmRelease[]): Finding[] {
  return [...checkCallGraph(config), ...checkRoutes(config), ...checkNodePorts(config), ...checkReleases(releases)];
}

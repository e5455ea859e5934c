// Checks of the typed configuration that the type system cannot express: names that must refer to
// something, numbers that must be unique or in range. Synth runs them before rendering anything and
// reports every problem at once.
import { NODE_PORT_RANGE } from '../config/node-ports';
import { platformNamespaces } from '../config/namespaces';
import type { ImageRef, PlatformConfig, ResourceRequirements } from '../config/types';
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

/** DNS-1035 label: what Service names must be (lower case, starts with a letter, at most 63). */
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 label: namespaces. */
const DNS_1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Docker's tag grammar; `latest` is refused on top. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;
/** Highest replica count a config may ask for; far above what any namespace quota here allows. */
export const MAX_REPLICAS = 50;

function cpuMillis(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

function memoryBytes(q: string): number | undefined {
  const units: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  return m ? Number(m[1]) * units[m[2] ?? ''] : undefined;
}

function checkResources(r: ResourceRequirements, at: (field: string, message: string) => void): void {
  const cpu = { requests: cpuMillis(r.requests.cpu), limits: cpuMillis(r.limits.cpu) };
  const memory = { requests: memoryBytes(r.requests.memory), limits: memoryBytes(r.limits.memory) };
  for (const kind of ['requests', 'limits'] as const) {
    if (cpu[kind] === undefined) at(`${kind}.cpu`, `"${r[kind].cpu}" is not a CPU quantity (e.g. 100m, 1)`);
    if (memory[kind] === undefined) at(`${kind}.memory`, `"${r[kind].memory}" is not a memory quantity (e.g. 128Mi)`);
  }
  if (cpu.requests !== undefined && cpu.limits !== undefined && cpu.requests > cpu.limits) at('requests.cpu', `${r.requests.cpu} is above the limit ${r.limits.cpu}`);
  if (memory.requests !== undefined && memory.limits !== undefined && memory.requests > memory.limits) {
    at('requests.memory', `${r.requests.memory} is above the limit ${r.limits.memory}`);
  }
}

function checkImage(image: ImageRef, at: (field: string, message: string) => void): void {
  if (!IMAGE_REPOSITORY.test(image.repository)) at('repository', `"${image.repository}" is not an image repository name`);
  if (!IMAGE_TAG.test(image.tag)) at('tag', `"${image.tag}" is not a valid image tag`);
  else if (image.tag === 'latest') at('tag', '"latest" is not a pinned tag');
}

function checkWorkloads(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const names = new Map<string, string>();
  const declared = new Map(config.externalSecrets.map((s) => [s.name, s]));
  const workloads = [
    ...config.services.map((s, i) => ({ name: s.name, port: s.port, image: s.image, where: `services[${i}]`, file: 'config/services.ts' })),
    { name: config.redis.name, port: config.redis.port, image: config.redis.image, where: 'redis', file: 'config/datastores.ts' },
    { name: config.postgresql.name, port: config.postgresql.port, image: config.postgresql.image, where: 'postgresql', file: 'config/datastores.ts' },
    { name: config.loadGenerator.name, port: undefined, image: config.loadGenerator.image, where: 'loadGenerator', file: 'config/load-generator.ts' },
  ];
  for (const w of workloads) {
    const at = (field: string, message: string) => findings.push(problem(w.file, w.name, `${w.where}.${field}`, message));
    if (!DNS_1035.test(w.name)) at('name', `"${w.name}" is not a valid Service name (lower case letters, digits and -, starting with a letter, at most 63)`);
    const twin = names.get(w.name);
    if (twin) at('name', `"${w.name}" is also the name of ${twin}`);
    names.set(w.name, w.where);
    if (w.port !== undefined && (!Number.isInteger(w.port) || w.port < 1 || w.port > 65535)) at('port', `${w.port} is not a port number (1–65535)`);
    checkImage(w.image, (field, message) => at(`image.${field}`, message));
  }
  config.services.forEach((s, i) => {
    const at = (field: string, message: string) => findings.push(problem('config/services.ts', s.name, `services[${i}].${field}`, message));
    if (!ENV_VAR.test(s.urlEnvVar)) at('urlEnvVar', `"${s.urlEnvVar}" is not an environment variable name`);
    if (!s.healthPath.startsWith('/')) at('healthPath', `"${s.healthPath}" must start with /`);
    for (const [variable, ref] of Object.entries(s.secretEnv ?? {})) {
      const secret = declared.get(ref.secret);
      if (!secret) at(`secretEnv.${variable}.secret`, `Secret "${ref.secret}" is not declared in config/secrets.ts`);
      else if (!secret.keys.includes(ref.key)) at(`secretEnv.${variable}.key`, `Secret "${ref.secret}" has no key "${ref.key}" (declared: ${secret.keys.join(', ')})`);
    }
    if (s.resources) checkResources(s.resources, (field, message) => at(`resources.${field}`, message));
  });
  return findings;
}

function checkEnvironment(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const env = config.environment;
  const file = `config/environments/${env.name}.ts`;
  const at = (field: string, message: string) => findings.push(problem(file, `environment ${env.name}`, field, message));
  if (!DNS_1123.test(env.name)) at('name', `"${env.name}" is not a valid folder and branch folder name (lower case letters, digits and -)`);
  if (!DNS_1123.test(env.namespace)) at('namespace', `"${env.namespace}" is not a valid namespace name`);
  const scaling = (field: string, a: { minReplicas: number; maxReplicas: number }) => {
    if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) at(`${field}.minReplicas`, `${a.minReplicas} is out of range: at least 1`);
    if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas || a.maxReplicas > MAX_REPLICAS) {
      at(`${field}.maxReplicas`, `${a.maxReplicas} is out of range: between minReplicas (${a.minReplicas}) and ${MAX_REPLICAS}`);
    }
  };
  scaling('services.autoscaling', env.services.autoscaling);
  scaling('mesh.ingressGateway', env.mesh.ingressGateway);
  const target = env.services.autoscaling.targetCpuUtilizationPercent;
  if (!(target > 0 && target <= 100)) at('services.autoscaling.targetCpuUtilizationPercent', `${target} is out of range: 1–100`);
  config.services.forEach((s, i) => {
    if (s.autoscaling) scaling(`(services[${i}] ${s.name}).autoscaling`, { ...env.services.autoscaling, ...s.autoscaling });
  });
  const resources: [string, ResourceRequirements][] = [
    ['services.resources', env.services.resources],
    ['sidecar', env.sidecar],
    ['redis.resources', env.redis.resources],
    ['postgresql.resources', env.postgresql.resources],
    ['loadGenerator.resources', env.loadGenerator.resources],
    ['loadGenerator.spikeResources', env.loadGenerator.spikeResources],
  ];
  for (const [field, r] of resources) checkResources(r, (f, message) => at(`${field}.${f}`, message));
  if (!(env.loadGenerator.steadyRatePerSecond > 0)) at('loadGenerator.steadyRatePerSecond', 'must be above 0');
  if (env.loadGenerator.spikePeakRatePerSecond <= env.loadGenerator.steadyRatePerSecond) {
    at('loadGenerator.spikePeakRatePerSecond', 'must be above the steady rate');
  }
  return findings;
}

/** Every problem of the configuration, before anything is rendered. */
export function checkConfig(config: PlatformConfig, releases: readonly HelmRelease[]): Finding[] {
  return [
    ...checkEnvironment(config),
    ...checkWorkloads(config),
    ...checkCallGraph(config),
    ...checkRoutes(config),
    ...checkNodePorts(config),
    ...checkReleases(releases),
  ];
}

// Checks of the typed configuration that the type system cannot express: names that must refer to
// something, numbers that must be unique or in range, a quota the workloads must fit. Synth runs them
// before rendering anything and reports every problem at once. Each finding names the file and the
// field as the user wrote them (an image tag in config/images.ts, not in the workload that uses it;
// a call-graph edge by its place among the edges written, not among those derived from the routes),
// and its message says what was expected and what was given: `expected …, got …`.
import { ingressEdges } from '../config/call-graph';
import { images } from '../config/images';
import { NODE_PORT_RANGE } from '../config/node-ports';
import type { CallEdge, ImageRef, PlatformConfig, PlatformNamespace, ResourceRequirements } from '../config/types';
import type { HelmRelease } from '../constructs/argocd/helm-release';
import { meshPeers } from '../constructs/mesh/call-graph';
import { cpuMillis, formatNeed, memoryBytes, QUOTA_FIELDS, quotaAllows, quotaNeeds, quotaWorkloads, type QuotaField } from './quota';
import type { Finding } from './finding';

function problem(file: string, object: string | undefined, field: string, message: string): Finding {
  return { severity: 'error', rule: 'config', file, ...(object === undefined ? {} : { object }), field, message };
}

type At = (field: string, message: string) => void;

/** A value as written: `'8000'` for a string, `8000` for a number. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** What was given, with its JavaScript type when that is not the expected one: `the string '8000'`. */
function given(value: unknown, expectedType: 'string' | 'number' | 'boolean' | 'object'): string {
  if (typeof value === expectedType && value !== null && !Array.isArray(value)) return shown(value);
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array ${shown(value)}`;
  return `the ${typeof value} ${shown(value)}`;
}

const expected = (what: string, value: unknown, type: 'string' | 'number' | 'boolean' | 'object') =>
  `expected ${what}, got ${given(value, type)}`;

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Checks a string field; `valid` only runs on a string. */
function checkString(value: unknown, what: string, valid: (s: string) => boolean, at: (message: string) => void): value is string {
  if (typeof value === 'string' && valid(value)) return true;
  at(expected(what, value, 'string'));
  return false;
}

/** `a → b` as written in the file. */
const arrow = (edge: CallEdge) => `${shown(edge.from)} → ${shown(edge.to)}`;

function checkCallGraph(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const peers = meshPeers(config);
  const known = [...peers.keys()].sort().join(', ');
  const external = [...peers.values()]
    .filter((p) => !p.internal)
    .map((p) => p.name)
    .sort()
    .join(', ');
  const graph = config.callGraph;
  const at = (field: string, message: string) => findings.push(problem('config/call-graph.ts', 'callGraph', field, message));

  const gateway = peers.get(graph.ingressGateway);
  if (!gateway || gateway.internal)
    at('ingressGateway', expected(`one of the external peers of callGraph.peers (${external})`, graph.ingressGateway, 'string'));
  // `edges: [...ingressEdges, …]`: the derived edges come from config/routes.ts (whose checks report
  // a route to an unknown service); the others are counted as the file lists them.
  const derived = new Set<CallEdge>(ingressEdges);
  const written = graph.edges.filter((edge) => !derived.has(edge));
  written.forEach((edge, i) => {
    const from = peers.get(edge.from);
    const to = peers.get(edge.to);
    if (!from) at(`edges[${i}].from`, `${arrow(edge)}: ${expected(`a workload or external peer (known: ${known})`, edge.from, 'string')}`);
    if (!to) at(`edges[${i}].to`, `${arrow(edge)}: ${expected(`a workload or external peer (known: ${known})`, edge.to, 'string')}`);
    if (!from || !to) return;
    if (edge.from === edge.to)
      at(
        `edges[${i}]`,
        `${arrow(edge)}: expected two different workloads, got a call to itself (only calls between workloads need an edge)`,
      );
    if (!from.internal && !to.internal) {
      at(
        `edges[${i}]`,
        `${arrow(edge)}: expected a workload of this namespace at one end, got two external peers (no policy in this namespace can allow it)`,
      );
    }
    if (!to.internal && to.ports.length === 0) {
      at(
        `edges[${i}].to`,
        `${arrow(edge)}: expected an external peer with ports to call, got ${shown(edge.to)}, which declares none (its \`ports\` in callGraph.peers)`,
      );
    }
  });
  const first = new Map<string, string>();
  for (const edge of graph.edges.filter((e) => derived.has(e)))
    first.set(`${edge.from}→${edge.to}`, 'an edge derived from config/routes.ts (...ingressEdges)');
  written.forEach((edge, i) => {
    const key = `${edge.from}→${edge.to}`;
    const twin = first.get(key);
    if (twin) at(`edges[${i}]`, `${arrow(edge)}: expected each edge once, got it again (already ${twin})`);
    else first.set(key, `edges[${i}]`);
  });
  graph.scrapes.forEach((scrape, i) => {
    const from = peers.get(scrape.from);
    if (!from || from.internal)
      at(`scrapes[${i}].from`, expected(`one of the external peers of callGraph.peers (${external})`, scrape.from, 'string'));
  });
  return findings;
}

function checkRoutes(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const services = config.services.map((s) => s.name);
  // A route per service is common: looked up, not scanned.
  const known = new Set(services);
  const names = new Map<string, number>();
  config.routes.forEach((route, i) => {
    const at = (field: string, message: string) =>
      findings.push(problem('config/routes.ts', `route ${route.name}`, `routes[${i}].${field}`, message));
    if (!known.has(route.service))
      at('service', expected(`one of the HTTP services of config/services.ts (${services.join(', ')})`, route.service, 'string'));
    const twin = names.get(route.name);
    if (twin !== undefined) at('name', expected(`a name no other route has`, route.name, 'string') + `, also the name of routes[${twin}]`);
    else names.set(route.name, i);
    const [kind, path] = 'exact' in route.match ? ['exact', route.match.exact] : ['prefix', route.match.prefix];
    checkString(
      path,
      'a path starting with /',
      (p) => p.startsWith('/'),
      (message) => at(`match.${kind}`, message),
    );
    if (route.rewrite !== undefined)
      checkString(
        route.rewrite,
        'a path starting with /',
        (p) => p.startsWith('/'),
        (message) => at('rewrite', message),
      );
  });
  return findings;
}

function checkNodePorts(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const byPort = new Map<number, string>();
  for (const [name, port] of Object.entries(config.nodePorts) as [string, unknown][]) {
    const at = (message: string) => findings.push(problem('config/node-ports.ts', 'nodePorts', name, message));
    if (!isInteger(port, NODE_PORT_RANGE.min, NODE_PORT_RANGE.max)) {
      at(expected(`an integer in the NodePort range ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}`, port, 'number'));
      continue;
    }
    const clash = byPort.get(port);
    if (clash) at(`expected a port no other NodePort has, got ${port}, which ${clash} has too`);
    else byPort.set(port, name);
  }
  return findings;
}

function checkReleases(releases: readonly HelmRelease[], platformNamespaces: Readonly<Record<string, PlatformNamespace>>): Finding[] {
  return releases
    .filter((r) => !platformNamespaces[r.chart.namespace])
    .map((r) =>
      problem(
        'config/namespaces.ts',
        'platformNamespaces',
        shown(r.chart.namespace),
        `expected an entry (its Pod Security level) for namespace ${shown(r.chart.namespace)}, where release ${r.name} installs, got none`,
      ),
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

function checkResources(r: ResourceRequirements, at: At): void {
  const cpu = { requests: cpuMillis(String(r.requests.cpu)), limits: cpuMillis(String(r.limits.cpu)) };
  const memory = { requests: memoryBytes(String(r.requests.memory)), limits: memoryBytes(String(r.limits.memory)) };
  for (const kind of ['requests', 'limits'] as const) {
    if (typeof r[kind].cpu !== 'string' || cpu[kind] === undefined)
      at(`${kind}.cpu`, expected('a CPU quantity (e.g. 100m, 1)', r[kind].cpu, 'string'));
    if (typeof r[kind].memory !== 'string' || memory[kind] === undefined) {
      at(`${kind}.memory`, expected('a memory quantity (e.g. 128Mi, 1Gi)', r[kind].memory, 'string'));
    }
  }
  if (cpu.requests !== undefined && cpu.limits !== undefined && cpu.requests > cpu.limits) {
    at('requests.cpu', `expected at most the limit (limits.cpu: ${r.limits.cpu}), got ${r.requests.cpu}`);
  }
  if (memory.requests !== undefined && memory.limits !== undefined && memory.requests > memory.limits) {
    at('requests.memory', `expected at most the limit (limits.memory: ${r.limits.memory}), got ${r.requests.memory}`);
  }
}

function checkImage(image: ImageRef, at: At): void {
  checkString(
    image.repository,
    'an image repository name (lower case, e.g. dongju101/api-gateway)',
    (s) => IMAGE_REPOSITORY.test(s),
    (m) => at('repository', m),
  );
  if (
    checkString(
      image.tag,
      'a Docker image tag (letters, digits, _ . -, at most 128)',
      (s) => IMAGE_TAG.test(s),
      (m) => at('tag', m),
    ) &&
    image.tag === 'latest'
  ) {
    at('tag', `expected a pinned tag (one that always names the same image), got 'latest'`);
  }
}

/** `images.redis`, `images['api-gateway']`. */
const imageField = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `images.${key}` : `images['${key}']`);

function checkWorkloads(config: PlatformConfig): Finding[] {
  const findings: Finding[] = [];
  const names = new Map<string, string>();
  const declared = new Map(config.externalSecrets.map((s) => [s.name, s]));
  const workloads = [
    ...config.services.map((s, i) => ({
      name: s.name,
      port: s.port as unknown,
      image: s.image,
      where: `services[${i}]`,
      file: 'config/services.ts',
    })),
    {
      name: config.redis.name,
      port: config.redis.port as unknown,
      image: config.redis.image,
      where: 'redis',
      file: 'config/datastores.ts',
    },
    {
      name: config.postgresql.name,
      port: config.postgresql.port as unknown,
      image: config.postgresql.image,
      where: 'postgresql',
      file: 'config/datastores.ts',
    },
    {
      name: config.loadGenerator.name,
      port: undefined,
      image: config.loadGenerator.image,
      where: 'loadGenerator',
      file: 'config/load-generator.ts',
    },
  ];
  // An image taken from config/images.ts is reported there, once, however many workloads use it.
  const catalogued = new Map<ImageRef, string>(Object.entries(images).map(([key, ref]) => [ref, key]));
  const imagesChecked = new Set<string>();
  for (const w of workloads) {
    const at = (field: string, message: string) => findings.push(problem(w.file, w.name, `${w.where}.${field}`, message));
    if (
      checkString(
        w.name,
        'a DNS-1035 label (lower case letters, digits and -, starting with a letter, at most 63 characters)',
        (s) => DNS_1035.test(s),
        (m) => at('name', m),
      )
    ) {
      const twin = names.get(w.name);
      if (twin) at('name', `expected a name no other workload has, got '${w.name}', also the name of ${twin}`);
      else names.set(w.name, w.where);
    }
    if (w.port !== undefined && !isInteger(w.port, 1, 65535)) at('port', expected('an integer 1–65535', w.port, 'number'));
    const key = catalogued.get(w.image);
    if (key === undefined) checkImage(w.image, (field, message) => at(`image.${field}`, message));
    else if (!imagesChecked.has(key)) {
      imagesChecked.add(key);
      checkImage(w.image, (field, message) =>
        findings.push(problem('config/images.ts', undefined, `${imageField(key)}.${field}`, message)),
      );
    }
  }
  config.services.forEach((s, i) => {
    const at = (field: string, message: string) => findings.push(problem('config/services.ts', s.name, `services[${i}].${field}`, message));
    checkString(
      s.urlEnvVar,
      'an environment variable name (A–Z, 0–9 and _, not starting with a digit)',
      (v) => ENV_VAR.test(v),
      (m) => at('urlEnvVar', m),
    );
    checkString(
      s.healthPath,
      'a path starting with /',
      (v) => v.startsWith('/'),
      (m) => at('healthPath', m),
    );
    for (const [variable, ref] of Object.entries(s.secretEnv ?? {})) {
      const secret = declared.get(ref.secret);
      if (!secret) {
        at(
          `secretEnv.${variable}.secret`,
          expected(`a Secret declared in config/secrets.ts (declared: ${[...declared.keys()].join(', ')})`, ref.secret, 'string'),
        );
      } else if (!secret.keys.includes(ref.key)) {
        at(
          `secretEnv.${variable}.key`,
          expected(`a key of Secret '${ref.secret}' (declared: ${secret.keys.join(', ')})`, ref.key, 'string'),
        );
      }
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
  checkString(
    env.name,
    'a DNS-1123 label: the folder and deploy-branch folder name (lower case letters, digits and -)',
    (s) => DNS_1123.test(s),
    (m) => at('name', m),
  );
  checkString(
    env.namespace,
    'a DNS-1123 label: a namespace name (lower case letters, digits and -, at most 63 characters)',
    (s) => DNS_1123.test(s),
    (m) => at('namespace', m),
  );
  const scaling = (field: string, a: { minReplicas: number; maxReplicas: number }, where: At = at) => {
    if (!isInteger(a.minReplicas, 1, MAX_REPLICAS))
      where(`${field}.minReplicas`, expected(`an integer 1–${MAX_REPLICAS}`, a.minReplicas, 'number'));
    else if (!isInteger(a.maxReplicas, a.minReplicas, MAX_REPLICAS)) {
      where(`${field}.maxReplicas`, expected(`an integer from minReplicas (${a.minReplicas}) to ${MAX_REPLICAS}`, a.maxReplicas, 'number'));
    }
  };
  scaling('services.autoscaling', env.services.autoscaling);
  scaling('mesh.ingressGateway', env.mesh.ingressGateway);
  const target = env.services.autoscaling.targetCpuUtilizationPercent;
  if (!isInteger(target, 1, 100))
    at('services.autoscaling.targetCpuUtilizationPercent', expected('an integer percentage 1–100', target, 'number'));
  // A service's own `autoscaling` is written in config/services.ts; what it leaves out comes from here.
  config.services.forEach((s, i) => {
    if (!s.autoscaling) return;
    const inService: At = (field, message) => findings.push(problem('config/services.ts', s.name, `services[${i}].${field}`, message));
    const merged = { ...env.services.autoscaling, ...s.autoscaling };
    const inherited = (key: 'minReplicas' | 'maxReplicas') =>
      s.autoscaling?.[key] === undefined ? `, from ${file} services.autoscaling.${key}` : '';
    if (!isInteger(merged.minReplicas, 1, MAX_REPLICAS)) {
      inService('autoscaling.minReplicas', expected(`an integer 1–${MAX_REPLICAS}`, merged.minReplicas, 'number'));
    } else if (!isInteger(merged.maxReplicas, merged.minReplicas, MAX_REPLICAS)) {
      if (s.autoscaling.maxReplicas !== undefined) {
        const what = `an integer from minReplicas (${merged.minReplicas}${inherited('minReplicas')}) to ${MAX_REPLICAS}`;
        inService('autoscaling.maxReplicas', expected(what, merged.maxReplicas, 'number'));
      } else {
        // Only the minimum is this service's: it is the one out of range.
        inService(
          'autoscaling.minReplicas',
          expected(`an integer from 1 to maxReplicas (${merged.maxReplicas}${inherited('maxReplicas')})`, merged.minReplicas, 'number'),
        );
      }
    }
    if (s.autoscaling.targetCpuUtilizationPercent !== undefined && !isInteger(s.autoscaling.targetCpuUtilizationPercent, 1, 100)) {
      inService(
        'autoscaling.targetCpuUtilizationPercent',
        expected('an integer percentage 1–100', s.autoscaling.targetCpuUtilizationPercent, 'number'),
      );
    }
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
  const { steadyRatePerSecond: steady, spikePeakRatePerSecond: peak } = env.loadGenerator;
  if (!(typeof steady === 'number' && steady > 0))
    at('loadGenerator.steadyRatePerSecond', expected('a number of requests per second above 0', steady, 'number'));
  else if (!(typeof peak === 'number' && peak > steady)) {
    at(
      'loadGenerator.spikePeakRatePerSecond',
      expected(`a number of requests per second above steadyRatePerSecond (${steady})`, peak, 'number'),
    );
  }
  if (env.resourceQuota) {
    const quota = env.resourceQuota;
    if (!isInteger(quota.pods, 1, Number.MAX_SAFE_INTEGER))
      at('resourceQuota.pods', expected('a whole number of pods, at least 1', quota.pods, 'number'));
    checkResources(quota, (f, message) => at(`resourceQuota.${f}`, message));
  }
  return findings;
}

/**
 * The namespace's workloads at full scale must fit its ResourceQuota: otherwise an HPA stops short of
 * its maximum when the load needs it, with nothing in the output to say why.
 */
/** The allowance in the unit the need is printed in (` (16000m)`, ` (1024Mi)`) when it is written in another. */
function sameUnit(field: QuotaField, allows: { written: string; value: number | undefined }, need: string): string {
  if (allows.value === undefined || field === 'pods') return '';
  const unit = /(m|Mi|Gi)$/.exec(need)?.[1];
  const scale = unit === 'Mi' ? 2 ** 20 : unit === 'Gi' ? 2 ** 30 : 1;
  const printed = `${Number((allows.value / scale).toFixed(2))}${unit ?? ''}`;
  return printed === allows.written ? '' : ` (${printed})`;
}

function checkQuota(config: PlatformConfig, configFindings: readonly Finding[]): Finding[] {
  const quota = config.environment.resourceQuota;
  // A quantity that does not parse is reported as such; sums of it would be noise.
  if (!quota || configFindings.some((f) => /(^|\.)(resources|sidecar|spikeResources|resourceQuota)\./.test(f.field ?? ''))) return [];
  const file = `config/environments/${config.environment.name}.ts`;
  const workloads = quotaWorkloads(config);
  const needs = quotaNeeds(workloads);
  const services = config.services.length;
  const findings: Finding[] = [];
  for (const field of QUOTA_FIELDS) {
    const allows = quotaAllows(quota, field);
    if (allows.value === undefined || needs[field] <= allows.value) continue;
    const share = (w: (typeof workloads)[number]) =>
      field === 'pods' ? `${w.name} ${w.pods}` : `${w.name} ${w.pods} × ${formatNeed(field, w.perPod[field])}`;
    findings.push(
      problem(
        file,
        `environment ${config.environment.name}`,
        `resourceQuota.${field}`,
        `expected the namespace's workloads at full scale to fit, got needs ${formatNeed(field, needs[field])}, allows ${allows.written}${sameUnit(field, allows, formatNeed(field, needs[field]))}` +
          ` (every HPA at maxReplicas plus a surge pod, sidecars included: ${workloads.map(share).join(', ')}).` +
          ` Raise resourceQuota.${field} in ${file}, or lower maxReplicas: for one service with \`autoscaling: { maxReplicas: N }\` in config/services.ts,` +
          ` for all ${services} with services.autoscaling.maxReplicas in ${file}`,
      ),
    );
  }
  return findings;
}

/** Every problem of the configuration, before anything is rendered. */
export function checkConfig(config: PlatformConfig, releases: readonly HelmRelease[]): Finding[] {
  const findings = [
    ...checkEnvironment(config),
    ...checkWorkloads(config),
    ...checkCallGraph(config),
    ...checkRoutes(config),
    ...checkNodePorts(config),
    ...checkReleases(releases, config.platformNamespaces),
  ];
  return [...findings, ...checkQuota(config, findings)];
}

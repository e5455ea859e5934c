// Shared by the tests: rendered output per environment (rendered once per test file) and small
// accessors for the parts of objects the tests look at.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, platformConfig } from '../../config';
import type { PlatformConfig, ResourceQuotaSpec, ServiceDefinition } from '../../config/types';
import { formatNeed, quotaAllows, quotaNeeds, quotaWorkloads, type QuotaField } from '../../validation/quota';
import type { KubeObject } from '../../validation/manifest';
import type { SourceRevision } from '../../synth/source-revision';
import type { RenderResult } from '../../synth/write-environment';

export const environmentNames = Object.keys(environments);

// Loaded only when a test renders: the charts, cdk8s and its models are a fifth of a second of every
// test file that only reads the shared render. Writing it (synthInto) loads neither.
const synth = () => require('../../synth/synth') as typeof import('../../synth/synth');
const writing = () => require('../../synth/write-environment') as typeof import('../../synth/write-environment');

const cache = new Map<string, RenderResult>();
/** The test run's shared render of every environment, read once per test file. */
let shared: Record<string, RenderResult> | undefined;

/** The render of an environment: from the test run's shared render (test/support/global-setup.ts) when there is one. */
export function rendered(environment: string): RenderResult {
  let result = cache.get(environment);
  if (!result) {
    const file = process.env.TITANIUM_RENDER_CACHE;
    if (file) shared ??= JSON.parse(readFileSync(file, 'utf8')) as Record<string, RenderResult>;
    result = shared ? shared[environment] : synth().renderEnvironment(platformConfig(environment));
    if (!result) throw new Error(`no render of environment ${environment}`);
    cache.set(environment, result);
  }
  return result;
}

/** The source of a render whose commit no test reads. */
export const ANY_SOURCE: SourceRevision = { commit: '0'.repeat(40), dirty: false };

/**
 * What `npm run synth -- --env <environment> --out <dist> --argocd-out <argocd>` writes to
 * `<dist>/<environment>/` and `<argocd>/<environment>/`, naming `source` (test/synth/synth.test.ts
 * holds the command to exactly these files). The bootstrap goes to a folder of its own unless given.
 */
export function synthInto(
  dist: string,
  environment: string,
  source: SourceRevision,
  argocd = mkdtempSync(join(tmpdir(), 'titanium-argocd-')),
): void {
  writing().writeEnvironment(platformConfig(environment), rendered(environment), { dist, argocd }, source);
}

export function objects(environment: string): KubeObject[] {
  return rendered(environment).manifests.map((m) => m.object);
}

export function ofKind(items: readonly KubeObject[], kind: string): KubeObject[] {
  return items.filter((o) => o.kind === kind);
}

export function named(items: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = items.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}

/**
 * A name no workload or peer in the config uses yet: `base`, or `base-2`, `base-3`, …. Fixtures that
 * add a service take theirs from here, so a real service of the same name (the recipe of
 * docs/how-to/adding-a-service.md, followed with any name) never collides with them.
 */
export function unusedServiceName(base: string, config: PlatformConfig = platformConfig(Object.keys(environments)[0])): string {
  const taken = new Set([
    ...config.services.map((s) => s.name),
    config.redis.name,
    config.postgresql.name,
    config.loadGenerator.name,
    ...config.callGraph.peers.map((p) => p.name),
  ]);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

/** `notification-service` → `NOTIFICATION_SERVICE_URL`. */
export const urlEnvVarOf = (name: string) => `${name.toUpperCase().replace(/-/g, '_')}_URL`;

const fifthName = unusedServiceName('notification-service');

/** One service more than the config has, for the tests that add one: one config entry. */
export const fifthService: ServiceDefinition = {
  name: fifthName,
  component: 'backend',
  description: 'sends e-mails',
  image: { repository: `dongju101/${fifthName}`, tag: 'main-abc1234' },
  port: 8010,
  healthPath: '/healthz',
  urlEnvVar: urlEnvVarOf(fifthName),
  slowStart: true,
  secretEnv: { INTERNAL_API_SECRET: { secret: 'internal-api-secret', key: 'secret' } },
};

/**
 * The config with `extra` services added and, where the environment has a ResourceQuota, every
 * dimension raised to what the platform then needs at full scale: fixtures that add a service test
 * the service, not how much room today's quota has left (quota.test.ts tests that).
 */
export function withServices(config: PlatformConfig, ...extra: ServiceDefinition[]): PlatformConfig {
  const services = [...config.services, ...extra];
  const quota = config.environment.resourceQuota;
  if (!quota) return { ...config, services };
  const needs = quotaNeeds(quotaWorkloads({ ...config, services }));
  const atLeast = (field: QuotaField) => {
    const allows = quotaAllows(quota, field);
    return allows.value !== undefined && allows.value >= needs[field] ? allows.written : formatNeed(field, needs[field]);
  };
  const roomy: ResourceQuotaSpec = {
    requests: { cpu: atLeast('requests.cpu'), memory: atLeast('requests.memory') },
    limits: { cpu: atLeast('limits.cpu'), memory: atLeast('limits.memory') },
    pods: Math.max(quota.pods, needs.pods),
  };
  return { ...config, services, environment: { ...config.environment, resourceQuota: roomy } };
}

/** Deep copy of a config with some top-level parts replaced: the way tests feed synth bad or extra input. */
export function withConfig(environment: string, change: (config: PlatformConfig) => Partial<PlatformConfig>): PlatformConfig {
  const base = platformConfig(environment);
  return { ...base, ...change(base) };
}

// Loose views of the fields the tests read; the schema tests check the real types.
export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  startupProbe?: unknown;
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: Record<string, unknown>;
    volumes?: Record<string, unknown>[];
    serviceAccountName?: string;
    [field: string]: unknown;
  };
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/** The pod template of a workload object, or undefined for other kinds. */
export function podTemplate(object: KubeObject): PodTemplate | undefined {
  const spec = object.spec as { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } } } | undefined;
  if (WORKLOAD_KINDS.includes(object.kind)) return spec?.template;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec.template;
  return undefined;
}

export function workloads(items: readonly KubeObject[]): { object: KubeObject; pod: PodTemplate }[] {
  return items.flatMap((object) => {
    const pod = podTemplate(object);
    return pod ? [{ object, pod }] : [];
  });
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** CPU in millicores. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };

/** Memory in bytes. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity);
  if (!match) throw new Error(`not a quantity: ${quantity}`);
  const unit = match[2];
  if (unit !== '' && !(unit in MEMORY_UNITS)) throw new Error(`unknown unit in ${quantity}`);
  return Number(match[1]) * (unit === '' ? 1 : MEMORY_UNITS[unit]);
}

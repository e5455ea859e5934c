// Bad input to the generator: each mistake fails synth with a precise message (file, object, field),
// every mistake is reported at once, and dist/ and argocd/ are left exactly as they were.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformConfig } from '../../config/types';
import { renderEnvironment, synthEnvironment } from '../../synth/synth';
import { SynthError } from '../../synth/write-environment';
import { images } from '../../config/images';
import { formatFinding, type Finding } from '../../validation/finding';
import { platformConfig } from '../../config';
import { ingressEdges } from '../../config/call-graph';
import { meshPeers } from '../../constructs/mesh/call-graph';
import { withConfig } from '../support/helpers';

type Change = (c: PlatformConfig) => Partial<PlatformConfig>;

const service = (c: PlatformConfig, name: string, change: object) => c.services.map((s) => (s.name === name ? { ...s, ...change } : s));
const env = (c: PlatformConfig, change: object): Partial<PlatformConfig> => ({ environment: { ...c.environment, ...change } });

// Expectations that name the config's own lists are derived from it: adding a service or an edge
// (docs/how-to/adding-a-service.md) changes the lists, not what the messages say about them.
const prod = platformConfig('prod');
const KNOWN_PEERS = [...meshPeers(prod).keys()].sort().join(', ');
const SERVICE_NAMES = prod.services.map((s) => s.name).join(', ');
/** A service's index in config/services.ts, by name. */
const at = (name: string) => prod.services.findIndex((s) => s.name === name);
/** The index the next edge appended to the call graph has in config/call-graph.ts, which does not list the derived ingress edges. */
const NEXT_WRITTEN_EDGE = prod.callGraph.edges.length - ingressEdges.length;

// [case, change, file, field, message]: the whole message, as synth prints it after `file object field: `.
const CASES: [string, Change, string, string, string][] = [
  [
    // Counted as config/call-graph.ts lists the edges: the ones derived from the routes (...ingressEdges) are not written there.
    'a call-graph edge to an unknown service',
    (c) => ({ callGraph: { ...c.callGraph, edges: [...c.callGraph.edges, { from: 'api-gateway', to: 'payment-service' }] } }),
    'config/call-graph.ts',
    `edges[${NEXT_WRITTEN_EDGE}].to`,
    `'api-gateway' → 'payment-service': expected a workload or external peer (known: ${KNOWN_PEERS}), got 'payment-service'`,
  ],
  [
    'a duplicate NodePort',
    (c) => ({ nodePorts: { ...c.nodePorts, kiali: c.nodePorts.grafana } }),
    'config/node-ports.ts',
    'kiali',
    'expected a port no other NodePort has, got 30300, which grafana has too',
  ],
  [
    'a NodePort out of range',
    (c) => ({ nodePorts: { ...c.nodePorts, prometheus: 9090 } }),
    'config/node-ports.ts',
    'prometheus',
    'expected an integer in the NodePort range 30000–32767, got 9090',
  ],
  [
    'an invalid DNS name for a service',
    (c) => ({ services: service(c, 'blog-service', { name: 'Blog_Service' }) }),
    'config/services.ts',
    `services[${at('blog-service')}].name`,
    "expected a DNS-1035 label (lower case letters, digits and -, starting with a letter, at most 63 characters), got 'Blog_Service'",
  ],
  [
    'an invalid namespace',
    (c) => env(c, { namespace: 'Titanium Prod' }),
    'config/environments/prod.ts',
    'namespace',
    "expected a DNS-1123 label: a namespace name (lower case letters, digits and -, at most 63 characters), got 'Titanium Prod'",
  ],
  [
    'a malformed image tag',
    (c) => ({ services: service(c, 'user-service', { image: { repository: 'dongju101/user-service', tag: 'main d631646' } }) }),
    'config/services.ts',
    `services[${at('user-service')}].image.tag`,
    "expected a Docker image tag (letters, digits, _ . -, at most 128), got 'main d631646'",
  ],
  [
    // Written in config/datastores.ts, not taken from config/images.ts: reported where it is written.
    'a floating image tag written in place',
    (c) => ({ redis: { ...c.redis, image: { repository: 'redis', tag: 'latest' } } }),
    'config/datastores.ts',
    'redis.image.tag',
    "expected a pinned tag (one that always names the same image), got 'latest'",
  ],
  [
    'replicas out of range',
    (c) => env(c, { services: { ...c.environment.services, autoscaling: { ...c.environment.services.autoscaling, minReplicas: 0 } } }),
    'config/environments/prod.ts',
    'services.autoscaling.minReplicas',
    'expected an integer 1–50, got 0',
  ],
  [
    // The override is written in config/services.ts; the minimum it falls below comes from the environment.
    'a maximum below the minimum',
    (c) => ({ services: service(c, 'auth-service', { autoscaling: { maxReplicas: 1 } }) }),
    'config/services.ts',
    `services[${at('auth-service')}].autoscaling.maxReplicas`,
    'expected an integer from minReplicas (2, from config/environments/prod.ts services.autoscaling.minReplicas) to 50, got 1',
  ],
  [
    'a request above its limit',
    (c) =>
      env(c, {
        redis: {
          ...c.environment.redis,
          resources: { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
        },
      }),
    'config/environments/prod.ts',
    'redis.resources.requests.cpu',
    'expected at most the limit (limits.cpu: 200m), got 500m',
  ],
  [
    'a CPU quantity that is not one',
    (c) => env(c, { sidecar: { ...c.environment.sidecar, limits: { cpu: '200 m', memory: '256Mi' } } }),
    'config/environments/prod.ts',
    'sidecar.limits.cpu',
    "expected a CPU quantity (e.g. 100m, 1), got '200 m'",
  ],
  [
    'an undeclared Secret',
    (c) => ({ services: service(c, 'auth-service', { secretEnv: { INTERNAL_API_SECRET: { secret: 'jwt-key', key: 'secret' } } }) }),
    'config/services.ts',
    `services[${at('auth-service')}].secretEnv.INTERNAL_API_SECRET.secret`,
    `expected a Secret declared in config/secrets.ts (declared: ${prod.externalSecrets.map((x) => x.name).join(', ')}), got 'jwt-key'`,
  ],
  [
    'a route to an unknown service',
    (c) => ({ routes: [...c.routes.slice(0, -1), { ...c.routes[c.routes.length - 1], service: 'frontend' }] }),
    'config/routes.ts',
    `routes[${prod.routes.length - 1}].service`,
    `expected one of the HTTP services of config/services.ts (${SERVICE_NAMES}), got 'frontend'`,
  ],
  [
    'a route path without its leading /',
    (c) => ({ routes: [{ ...c.routes[0], match: { exact: 'api/login' } }, ...c.routes.slice(1)] }),
    'config/routes.ts',
    'routes[0].match.exact',
    "expected a path starting with /, got 'api/login'",
  ],
  [
    'a port out of range',
    (c) => ({ services: service(c, 'api-gateway', { port: 80000 }) }),
    'config/services.ts',
    `services[${at('api-gateway')}].port`,
    'expected an integer 1–65535, got 80000',
  ],
  [
    // What `port: '8000'` gives when the type checker is not asked (tests, a plain JavaScript caller).
    'a port written as a string',
    (c) => ({ services: service(c, 'auth-service', { port: '8000' }) }),
    'config/services.ts',
    `services[${at('auth-service')}].port`,
    "expected an integer 1–65535, got the string '8000'",
  ],
  [
    'a health path missing (a misspelled field, without the type checker)',
    (c) => ({
      services: c.services.map(({ healthPath, ...s }) =>
        s.name === 'user-service' ? { ...s, helthPath: healthPath } : { ...s, healthPath },
      ) as PlatformConfig['services'],
    }),
    'config/services.ts',
    `services[${at('user-service')}].healthPath`,
    'expected a path starting with /, got nothing (undefined)',
  ],
  [
    'a spike no faster than the steady rate',
    (c) => env(c, { loadGenerator: { ...c.environment.loadGenerator, spikePeakRatePerSecond: 6 } }),
    'config/environments/prod.ts',
    'loadGenerator.spikePeakRatePerSecond',
    'expected a number of requests per second above steadyRatePerSecond (6), got 6',
  ],
];

function configErrors(change: Change): Finding[] {
  return renderEnvironment(withConfig('prod', change)).findings.filter((f) => f.severity === 'error');
}

/** An output tree with a file in each root, to show that a refused synth touches neither. */
function existingOutput(): { roots: { dist: string; argocd: string }; snapshot: () => string } {
  const root = mkdtempSync(join(tmpdir(), 'titanium-config-errors-'));
  const roots = { dist: join(root, 'dist'), argocd: join(root, 'argocd') };
  for (const dir of [roots.dist, roots.argocd]) {
    mkdirSync(join(dir, 'prod'), { recursive: true });
    writeFileSync(join(dir, 'prod', 'previous.yaml'), 'kept: true\n');
  }
  const snapshot = () =>
    JSON.stringify(
      [roots.dist, roots.argocd].map((dir) => [
        readdirSync(dir, { recursive: true }),
        readFileSync(join(dir, 'prod', 'previous.yaml'), 'utf8'),
      ]),
    );
  return { roots, snapshot };
}

test.each(CASES)('%s fails synth, naming the file and field, and writes nothing', (_name, change, file, field, message) => {
  const errors = configErrors(change);
  expect(errors).toContainEqual(expect.objectContaining({ rule: 'config', file, field, message }));
  const { roots, snapshot } = existingOutput();
  const before = snapshot();
  expect(() => synthEnvironment(withConfig('prod', change), roots)).toThrow(SynthError);
  expect(snapshot()).toBe(before);
});

test('every mistake at once is every finding at once', () => {
  // Applied one after another some mistakes mask others (a renamed service is also an unknown edge);
  // still every file they live in is named, and nothing stops at the first.
  const all: Change = (c) => CASES.reduce<PlatformConfig>((config, [, change]) => ({ ...config, ...change(config) }), c);
  const errors = configErrors(all);
  expect(new Set(errors.map((e) => e.file))).toEqual(new Set(CASES.map(([, , file]) => file)));
  expect(errors.length).toBeGreaterThanOrEqual(CASES.length);
});

/** Runs `body` with one entry of config/images.ts changed, as if the file said so. */
function withImageTag<T>(key: keyof typeof images, tag: string, body: () => T): T {
  const image = images[key] as { tag: string };
  const before = image.tag;
  image.tag = tag;
  try {
    return body();
  } finally {
    image.tag = before;
  }
}

describe('an image tag is reported where it is written: config/images.ts', () => {
  test('`latest` for redis names images.redis.tag, once, and neither workload file', () => {
    const errors = withImageTag('redis', 'latest', () => configErrors(() => ({})));
    expect(errors.map(formatFinding)).toEqual([
      "error   config/images.ts images.redis.tag: expected a pinned tag (one that always names the same image), got 'latest' [config]",
    ]);
  });

  test('a malformed tag of a service names its key as written', () => {
    const errors = withImageTag('api-gateway', 'main/d631646', () => configErrors(() => ({})));
    expect(errors.map((e) => `${e.file} ${e.field}: ${e.message}`)).toEqual([
      "config/images.ts images['api-gateway'].tag: expected a Docker image tag (letters, digits, _ . -, at most 128), got 'main/d631646'",
    ]);
  });
});

test('a duplicate of an edge derived from the routes is named by its place among the edges written', () => {
  const errors = configErrors((c) => ({
    callGraph: { ...c.callGraph, edges: [...c.callGraph.edges, { from: 'istio-ingressgateway', to: 'blog-service' }] },
  }));
  expect(errors.map((e) => `${e.file} ${e.field}: ${e.message}`)).toEqual([
    `config/call-graph.ts edges[${NEXT_WRITTEN_EDGE}]: 'istio-ingressgateway' → 'blog-service': expected each edge once, got it again (already an edge derived from config/routes.ts (...ingressEdges))`,
  ]);
});

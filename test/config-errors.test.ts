// Bad input to the generator: each mistake fails synth with a precise message (file, object, field),
// every mistake is reported at once, and dist/ and argocd/ are left exactly as they were.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/types';
import { renderEnvironment, synthEnvironment, SynthError } from '../lib/synth';
import type { Finding } from '../lib/validation/finding';
import { withConfig } from './helpers';

type Change = (c: PlatformConfig) => Partial<PlatformConfig>;

const service = (c: PlatformConfig, name: string, change: object) => c.services.map((s) => (s.name === name ? { ...s, ...change } : s));
const env = (c: PlatformConfig, change: object): Partial<PlatformConfig> => ({ environment: { ...c.environment, ...change } });

// [case, change, file, field, message]
const CASES: [string, Change, string, string, string][] = [
  [
    'a call-graph edge to an unknown service',
    (c) => ({ callGraph: { ...c.callGraph, edges: [...c.callGraph.edges, { from: 'api-gateway', to: 'payment-service' }] } }),
    'config/call-graph.ts',
    `edges[14].to`,
    'unknown workload or peer "payment-service"',
  ],
  ['a duplicate NodePort', (c) => ({ nodePorts: { ...c.nodePorts, kiali: c.nodePorts.grafana } }), 'config/node-ports.ts', 'kiali', '30300 is already taken by grafana'],
  ['a NodePort out of range', (c) => ({ nodePorts: { ...c.nodePorts, prometheus: 9090 } }), 'config/node-ports.ts', 'prometheus', 'outside the NodePort range'],
  ['an invalid DNS name for a service', (c) => ({ services: service(c, 'blog-service', { name: 'Blog_Service' }) }), 'config/services.ts', 'services[3].name', '"Blog_Service" is not a valid Service name'],
  ['an invalid namespace', (c) => env(c, { namespace: 'Titanium Prod' }), 'config/environments/prod.ts', 'namespace', '"Titanium Prod" is not a valid namespace name'],
  [
    'a malformed image tag',
    (c) => ({ services: service(c, 'user-service', { image: { repository: 'dongju101/user-service', tag: 'main d631646' } }) }),
    'config/services.ts',
    'services[2].image.tag',
    '"main d631646" is not a valid image tag',
  ],
  ['a floating image tag', (c) => ({ redis: { ...c.redis, image: { repository: 'redis', tag: 'latest' } } }), 'config/datastores.ts', 'redis.image.tag', '"latest" is not a pinned tag'],
  [
    'replicas out of range',
    (c) => env(c, { services: { ...c.environment.services, autoscaling: { ...c.environment.services.autoscaling, minReplicas: 0 } } }),
    'config/environments/prod.ts',
    'services.autoscaling.minReplicas',
    '0 is out of range: at least 1',
  ],
  [
    'a maximum below the minimum',
    (c) => ({ services: service(c, 'auth-service', { autoscaling: { maxReplicas: 1 } }) }),
    'config/environments/prod.ts',
    '(services[1] auth-service).autoscaling.maxReplicas',
    '1 is out of range: between minReplicas (2) and 50',
  ],
  [
    'a request above its limit',
    (c) => env(c, { redis: { ...c.environment.redis, resources: { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } } } }),
    'config/environments/prod.ts',
    'redis.resources.requests.cpu',
    '500m is above the limit 200m',
  ],
  [
    'an undeclared Secret',
    (c) => ({ services: service(c, 'auth-service', { secretEnv: { INTERNAL_API_SECRET: { secret: 'jwt-key', key: 'secret' } } }) }),
    'config/services.ts',
    'services[1].secretEnv.INTERNAL_API_SECRET.secret',
    'Secret "jwt-key" is not declared in config/secrets.ts',
  ],
  ['a route to an unknown service', (c) => ({ routes: [...c.routes.slice(0, 5), { ...c.routes[5], service: 'frontend' }] }), 'config/routes.ts', 'routes[5].service', 'unknown service "frontend"'],
  ['a port out of range', (c) => ({ services: service(c, 'api-gateway', { port: 80000 }) }), 'config/services.ts', 'services[0].port', '80000 is not a port number'],
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
    JSON.stringify([roots.dist, roots.argocd].map((dir) => [readdirSync(dir, { recursive: true }), readFileSync(join(dir, 'prod', 'previous.yaml'), 'utf8')]));
  return { roots, snapshot };
}

test.each(CASES)('%s fails synth, naming the file and field, and writes nothing', (_name, change, file, field, message) => {
  const errors = configErrors(change);
  expect(errors).toContainEqual(expect.objectContaining({ rule: 'config', file, field, message: expect.stringContaining(message) }));
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

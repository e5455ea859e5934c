// The environment contract of platform.md, written out here independently of the code: each service
// sees every variable, the addresses point at real Service ports, and Secrets feed the right services.
import { platformConfig } from '../../config';
import { environmentNames, named, objects, ofKind, podTemplate, type Container } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

const SHARED = [
  'API_GATEWAY_URL',
  'USER_SERVICE_URL',
  'AUTH_SERVICE_URL',
  'BLOG_SERVICE_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_DB',
  'USE_POSTGRES',
  'POSTGRES_HOST',
  'POSTGRES_PORT',
  'POSTGRES_DB',
  'ENVIRONMENT',
  'LOG_LEVEL',
  'DEBUG_MODE',
  'APP_NAME',
  'APP_VERSION',
  'ALLOWED_ORIGINS',
];

const FROM_SECRETS: Record<string, string[]> = {
  'api-gateway': [],
  'auth-service': ['INTERNAL_API_SECRET'],
  'user-service': ['POSTGRES_USER', 'POSTGRES_PASSWORD'],
  'blog-service': ['POSTGRES_USER', 'POSTGRES_PASSWORD'],
};

const URLS: Record<string, [string, number]> = {
  API_GATEWAY_URL: ['api-gateway', 8000],
  AUTH_SERVICE_URL: ['auth-service', 8002],
  USER_SERVICE_URL: ['user-service', 8001],
  BLOG_SERVICE_URL: ['blog-service', 8005],
};

/** What the container's process sees: envFrom ConfigMaps first, then `env` entries over them. */
function effectiveEnv(
  container: Container,
  all: readonly KubeObject[],
  namespace: string,
): Map<string, { value?: string; secret?: string }> {
  const env = new Map<string, { value?: string; secret?: string }>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const configMap = all.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === name && o.metadata?.namespace === namespace);
    expect(configMap).toBeDefined();
    for (const [key, value] of Object.entries((configMap!.data ?? {}) as Record<string, string>)) env.set(key, { value });
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    env.set(entry.name, ref ? { secret: `${ref.name}/${ref.key}` } : { value: entry.value });
  }
  return env;
}

function servicePort(all: readonly KubeObject[], host: string, port: string): boolean {
  const service = all.find((o) => o.kind === 'Service' && o.metadata?.name === host);
  return ((service?.spec as { ports?: { port: number }[] })?.ports ?? []).some((p) => String(p.port) === port);
}

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);
  const namespace = platformConfig(environment).environment.namespace;

  describe.each(Object.keys(FROM_SECRETS))('%s', (service) => {
    const container = podTemplate(named(all, 'Deployment', service))!.spec.containers[0];
    const env = effectiveEnv(container, all, namespace);

    test('sees every shared variable as a literal value', () => {
      for (const name of SHARED) expect(env.get(name)?.value).toBeDefined();
    });

    test('reads exactly its Secrets from Secrets, and no other variable from one', () => {
      const secretVars = [...env]
        .filter(([, v]) => v.secret)
        .map(([k]) => k)
        .sort();
      expect(secretVars).toEqual([...FROM_SECRETS[service]].sort());
    });

    test('addresses point at existing Service ports', () => {
      for (const [variable, [host, port]] of Object.entries(URLS)) {
        expect(env.get(variable)?.value).toBe(`http://${host}:${port}`);
        expect(servicePort(all, host, String(port))).toBe(true);
      }
      expect(servicePort(all, env.get('REDIS_HOST')!.value!, env.get('REDIS_PORT')!.value!)).toBe(true);
      expect(servicePort(all, env.get('POSTGRES_HOST')!.value!, env.get('POSTGRES_PORT')!.value!)).toBe(true);
    });

    test('uses PostgreSQL database titanium', () => {
      expect(env.get('USE_POSTGRES')?.value).toBe('true');
      expect(env.get('POSTGRES_DB')?.value).toBe('titanium');
    });
  });

  test('api-gateway also reads SERVICE_NAME and SERVICE_PORT', () => {
    const env = effectiveEnv(podTemplate(named(all, 'Deployment', 'api-gateway'))!.spec.containers[0], all, namespace);
    expect(env.get('SERVICE_NAME')?.value).toBe('api-gateway');
    expect(env.get('SERVICE_PORT')?.value).toBe('8000');
  });

  test('PostgreSQL reads its user and password from the same Secret as the services', () => {
    const env = effectiveEnv(podTemplate(named(all, 'StatefulSet', 'postgresql'))!.spec.containers[0], all, namespace);
    const user = effectiveEnv(podTemplate(named(all, 'Deployment', 'user-service'))!.spec.containers[0], all, namespace);
    expect(env.get('POSTGRES_USER')?.secret).toBe(user.get('POSTGRES_USER')?.secret);
    expect(env.get('POSTGRES_PASSWORD')?.secret).toBe(user.get('POSTGRES_PASSWORD')?.secret);
    expect(env.get('POSTGRES_DB')?.value).toBe('titanium');
  });

  test('a change to the shared ConfigMap rolls the services (checksum annotation)', () => {
    const checksums = ofKind(all, 'Deployment')
      .filter((d) => Object.keys(FROM_SECRETS).includes(d.metadata!.name!))
      .map((d) => podTemplate(d)!.metadata?.annotations?.['checksum/config']);
    expect(new Set(checksums).size).toBe(1);
    expect(checksums[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});

test('environments differ in ENVIRONMENT and therefore in the config checksum', () => {
  const data = (env: string) => named(objects(env), 'ConfigMap', 'titanium-config').data as Record<string, string>;
  expect(data('prod').ENVIRONMENT).toBe('production');
  expect(data('local').ENVIRONMENT).toBe('local');
  const checksum = (env: string) =>
    podTemplate(named(objects(env), 'Deployment', 'api-gateway'))!.metadata?.annotations?.['checksum/config'];
  expect(checksum('prod')).not.toBe(checksum('local'));
});

describe.each(environmentNames)('addresses follow the call graph in %s', (environment) => {
  const config = platformConfig(environment);
  const all = objects(environment);
  /** The variables that hold a workload's address, and the value they must have. */
  const addressOf = (name: string): Record<string, string> => {
    if (name === config.redis.name) return { REDIS_HOST: name, REDIS_PORT: String(config.redis.port) };
    if (name === config.postgresql.name) return { POSTGRES_HOST: name, POSTGRES_PORT: String(config.postgresql.port) };
    const service = config.services.find((s) => s.name === name)!;
    return { [service.urlEnvVar]: `http://${service.name}:${service.port}` };
  };

  test.each(config.callGraph.edges.filter((e) => config.services.some((s) => s.name === e.from)).map((e) => [e.from, e.to]))(
    '%s can find %s',
    (from, to) => {
      const env = effectiveEnv(podTemplate(named(all, 'Deployment', from))!.spec.containers[0], all, config.environment.namespace);
      for (const [variable, value] of Object.entries(addressOf(to)))
        expect([variable, env.get(variable)?.value]).toEqual([variable, value]);
    },
  );
});

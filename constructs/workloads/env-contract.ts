// The environment contract every service reads from the shared ConfigMap (platform.md,
// "Environment contract"). Addresses derive from the call graph and the workloads' names and ports,
// so they cannot drift. Every service gets every address: the contract says each one reads all four.
import { createHash } from 'node:crypto';
import type { PlatformConfig } from '../../config/types';

export function sharedEnvironment(config: PlatformConfig): Record<string, string> {
  const { environment, platform, redis, postgresql } = config;
  // A service's address is published when the call graph has a caller for it (the ingress gateway
  // counts: every routed service has one).
  const called = new Set(config.callGraph.edges.map((e) => e.to));
  const urls = Object.fromEntries(
    config.services.filter((s) => called.has(s.name)).map((s) => [s.urlEnvVar, `http://${s.name}:${s.port}`]),
  );
  return {
    ...urls,
    REDIS_HOST: redis.name,
    REDIS_PORT: String(redis.port),
    REDIS_DB: String(redis.database),
    USE_POSTGRES: 'true',
    POSTGRES_HOST: postgresql.name,
    POSTGRES_PORT: String(postgresql.port),
    POSTGRES_DB: postgresql.database,
    ENVIRONMENT: environment.settings.environment,
    LOG_LEVEL: environment.settings.logLevel,
    DEBUG_MODE: String(environment.settings.debugMode),
    APP_NAME: platform.name,
    APP_VERSION: platform.version,
    // The single-page app is served through the ingress, so its origin is the one to allow.
    ALLOWED_ORIGINS: `http://${environment.publicHost}:${config.nodePorts.ingressHttp}`,
  };
}

/** A digest of ConfigMap data, independent of key order. */
export function dataChecksum(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((key) => [key, data[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

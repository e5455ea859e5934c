// Assembles the typed configuration of one environment. The charts read nothing else.
import { version } from '../package.json';
import { callGraph } from './call-graph';
import { postgresql, redis } from './datastores';
import { delivery } from './delivery';
import { loadGenerator } from './load-generator';
import { local } from './environments/local';
import { prod } from './environments/prod';
import { nodePorts } from './node-ports';
import { routes } from './routes';
import { externalSecrets } from './secrets';
import { services } from './services';
import type { EnvironmentConfig, PlatformConfig, PlatformInfo } from './types';

export const platform: PlatformInfo = { name: 'titanium', version };

/** Every environment `npm run synth -- --env <name>` knows. Adding a cluster is one entry here. */
export const environments: Readonly<Record<string, EnvironmentConfig>> = { prod, local };

export const defaultEnvironment = 'prod';

export function platformConfig(environmentName: string): PlatformConfig {
  const environment = environments[environmentName];
  if (!environment) {
    throw new Error(
      `unknown environment "${environmentName}" (config/index.ts knows: ${Object.keys(environments).join(', ')})`,
    );
  }
  return {
    platform,
    delivery,
    environment,
    services,
    redis,
    postgresql,
    externalSecrets,
    routes,
    callGraph,
    nodePorts,
    loadGenerator,
    trustDomain: 'cluster.local',
  };
}

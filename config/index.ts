// Assembles the typed configuration of one environment. The charts, the constructs they compose and
// the render read nothing else: every value reaches them through the PlatformConfig returned here,
// so a test that changes a field of it sees the change in the output.
import { version } from '../package.json';
import { callGraph } from './call-graph';
import { postgresql, redis } from './datastores';
import { delivery, syncWaves } from './delivery';
import { helmCharts } from './helm-charts';
import { loadGenerator } from './load-generator';
import { local } from './environments/local';
import { prod } from './environments/prod';
import { platformNamespaces } from './namespaces';
import { nodePorts } from './node-ports';
import { observability } from './observability';
import { routes } from './routes';
import { externalSecrets, platformSecrets } from './secrets';
import { services } from './services';
import type { EnvironmentConfig, PlatformConfig, PlatformInfo } from './types';

export const platform: PlatformInfo = { name: 'titanium', version };

/** Every environment `npm run synth -- --env <name>` knows. Adding a cluster is one entry here. */
export const environments: Readonly<Record<string, EnvironmentConfig>> = { prod, local };

export const defaultEnvironment = 'prod';

export function platformConfig(environmentName: string): PlatformConfig {
  const environment = environments[environmentName];
  if (!environment) {
    throw new Error(`unknown environment "${environmentName}" (config/index.ts knows: ${Object.keys(environments).join(', ')})`);
  }
  return {
    platform,
    delivery,
    environment,
    services,
    redis,
    postgresql,
    externalSecrets,
    secrets: platformSecrets,
    routes,
    callGraph,
    nodePorts,
    loadGenerator,
    trustDomain: 'cluster.local',
    syncWaves,
    helmCharts,
    platformNamespaces,
    observability,
  };
}

import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { PlatformChart } from '../constructs/platform-chart';
import { PlatformNamespace } from '../constructs/platform-namespace';

export interface NamespacesChartProps {
  readonly config: PlatformConfig;
  /** Namespaces the third-party releases install into. */
  readonly releaseNamespaces: readonly string[];
}

/**
 * Every namespace of the platform, in the first sync wave: everything else lands in an existing,
 * labelled namespace (Pod Security and sidecar injection are in force before the first pod).
 */
export class NamespacesChart extends PlatformChart {
  constructor(scope: Construct, props: NamespacesChartProps) {
    super(scope, {
      appName: 'namespaces',
      description: 'every namespace of the platform, with its Pod Security level, sidecar injection and quota',
      syncWave: props.config.syncWaves.namespaces,
    });
    const { platform, environment, platformNamespaces } = props.config;
    const common = { partOf: platform.name, version: platform.version, podSecurityVersion: environment.podSecurityVersion };
    new PlatformNamespace(this, environment.namespace, { ...common, resourceQuota: environment.resourceQuota });
    for (const name of [...new Set(props.releaseNamespaces)].sort()) {
      const known = platformNamespaces[name];
      if (!known) throw new Error(`namespace "${name}" of a Helm release has no entry in platformNamespaces (config/namespaces.ts)`);
      new PlatformNamespace(this, name, { ...common, podSecurity: known.podSecurity, sidecarInjection: false, component: 'platform' });
    }
  }
}

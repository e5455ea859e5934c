import type { Construct } from 'constructs';
import { syncWaves } from '../config/delivery';
import type { PlatformConfig } from '../config/types';
import { AppNamespace } from '../lib/app-namespace';
import { PlatformChart } from '../lib/platform-chart';

export interface NamespacesChartProps {
  readonly config: PlatformConfig;
}

/**
 * The platform's namespaces, in the first sync wave: everything else lands in an existing, labelled
 * namespace (Pod Security and sidecar injection are in force before the first pod is created).
 */
export class NamespacesChart extends PlatformChart {
  constructor(scope: Construct, props: NamespacesChartProps) {
    super(scope, { appName: 'namespaces', syncWave: syncWaves.namespaces });
    const { platform, environment } = props.config;
    new AppNamespace(this, environment.namespace, {
      partOf: platform.name,
      version: platform.version,
      podSecurityVersion: environment.podSecurityVersion,
      resourceQuota: environment.resourceQuota,
    });
  }
}

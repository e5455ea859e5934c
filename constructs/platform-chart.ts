import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';

export interface PlatformChartProps {
  /** Name of the Argo CD Application that deploys this chart, and of its folder under `dist/<env>/`. */
  readonly appName: string;
  /** One line on what the folder holds, for `dist/<env>/README.md`. */
  readonly description: string;
  /** Sync wave of that Application in the app of apps (see `PlatformConfig.syncWaves`). */
  readonly syncWave: number;
  /**
   * Namespace Argo CD gives objects that name none (every object here names one).
   * @default none
   */
  readonly namespace?: string;
}

/** A chart that becomes one Argo CD Application: its objects render into `dist/<env>/<appName>/`. */
export class PlatformChart extends Chart {
  readonly appName: string;
  readonly description: string;
  readonly syncWave: number;
  readonly defaultNamespace?: string;

  constructor(scope: Construct, props: PlatformChartProps) {
    // Stable names: every object names itself; cdk8s never appends a hash.
    super(scope, props.appName, { disableResourceNameHashes: true });
    this.appName = props.appName;
    this.description = props.description;
    this.syncWave = props.syncWave;
    this.defaultNamespace = props.namespace;
  }
}

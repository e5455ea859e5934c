import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import type { PlatformChart } from '../lib/platform-chart';
import { TitaniumAppChart } from './titanium-app';

/** Every chart of one environment; each becomes one folder and one Argo CD Application. */
export function platformCharts(scope: Construct, config: PlatformConfig): PlatformChart[] {
  return [new TitaniumAppChart(scope, { config })];
}

// The third-party Helm charts of an environment, apart from the charts' constructs: config checks and
// the tests of them need the list without loading cdk8s and every chart.
import type { PlatformConfig } from '../../config/types';
import type { HelmRelease } from '../../constructs/argocd/helm-release';
import { istioReleases } from './istio';
import { kialiRelease } from './kiali';
import { monitoringReleases } from './monitoring';

/** Third-party Helm charts of one environment. */
export function platformReleases(config: PlatformConfig): HelmRelease[] {
  return [...istioReleases(config), kialiRelease(config), ...monitoringReleases(config)];
}

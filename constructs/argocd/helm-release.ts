import type { HelmChartRef } from '../../config/types';
import type { JustifiedIgnoreDifference } from './gitops-application';

/** A third-party Helm chart the platform installs: one child Application in `argocd-apps`. */
export interface HelmRelease {
  /** Name of the Application. */
  readonly name: string;
  readonly chart: HelmChartRef;
  /** Typed values, rendered as the Application's `helm.valuesObject`. */
  readonly values: object;
  readonly syncWave: number;
  /**
   * Fields Argo CD must not compare, each with its reason.
   * @default none
   */
  readonly ignoreDifferences?: readonly JustifiedIgnoreDifference[];
}

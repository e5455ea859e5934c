// Standard `app.kubernetes.io/*` labels. Selectors use only the stable name label: never the version
// (it changes on every release) and never cdk8s' `cdk8s.io/metadata.addr` (it changes when a
// construct moves, and a Deployment's selector is immutable).

export const MANAGED_BY = 'cdk8s';

export interface LabelProps {
  /** `app.kubernetes.io/name`: the workload or object group, e.g. `user-service`. */
  readonly name: string;
  /** `app.kubernetes.io/part-of`, e.g. `titanium`. */
  readonly partOf: string;
  /** `app.kubernetes.io/component`, e.g. `backend`. */
  readonly component: string;
  /** `app.kubernetes.io/version`: the image tag for workloads, the platform version otherwise. */
  readonly version: string;
}

export function standardLabels(props: LabelProps): Record<string, string> {
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/part-of': props.partOf,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/version': props.version,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * The standard labels without the version, for immutable fields such as a StatefulSet's
 * volumeClaimTemplates: a version there would make every release an update the API server forbids.
 */
export function versionlessLabels(props: LabelProps): Record<string, string> {
  const { 'app.kubernetes.io/version': _version, ...rest } = standardLabels(props);
  return rest;
}

export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}

/**
 * Labels for pod templates: the standard ones plus Istio's `app` and `version`, which Istio's
 * telemetry (`destination_app`, `destination_version`) and Kiali's graph read.
 */
export function podLabels(props: LabelProps): Record<string, string> {
  return { ...standardLabels(props), app: props.name, version: props.version };
}

// Custom resources the validator recognises but has no schema for: their CRDs ship with a pinned
// operator, but their files are not among the pinned CRD files (tooling/crds.lock.json), which are
// all CI has. A manifest of one of these kinds gets a finding naming the CRD file that would check it,
// not the generic "no schema known". Read from prometheus-operator v0.93.0 (the version cdk8s.yaml
// pins for ServiceMonitor, PodMonitor and PrometheusRule): its `example/prometheus-operator-crd/`
// folder holds one file per CRD, and AlertmanagerConfig's v1beta1 is served only by the file in
// `example/prometheus-operator-crd-full/`, which converts between versions with a webhook.
//
// A kind the pinned folder does hold is dropped from this list by `npm run import`: pinning a file
// (a URL in cdk8s.yaml, an entry in tooling/crds.lock.json) turns its finding into a real check.

export interface UnpinnedCrd {
  readonly group: string;
  readonly kind: string;
  /** The versions the upstream file serves. */
  readonly versions: readonly string[];
  /** Where the CRD is upstream: repository, tag and path. */
  readonly file: string;
}

const PROMETHEUS_OPERATOR = 'prometheus-operator/prometheus-operator v0.93.0';
const crdFile = (plural: string, folder = 'prometheus-operator-crd') =>
  `${PROMETHEUS_OPERATOR} example/${folder}/monitoring.coreos.com_${plural}.yaml`;

export const OPERATOR_CRDS: readonly UnpinnedCrd[] = [
  { group: 'monitoring.coreos.com', kind: 'Alertmanager', versions: ['v1'], file: crdFile('alertmanagers') },
  { group: 'monitoring.coreos.com', kind: 'AlertmanagerConfig', versions: ['v1alpha1'], file: crdFile('alertmanagerconfigs') },
  {
    group: 'monitoring.coreos.com',
    kind: 'AlertmanagerConfig',
    versions: ['v1beta1'],
    file: crdFile('alertmanagerconfigs', 'prometheus-operator-crd-full'),
  },
  { group: 'monitoring.coreos.com', kind: 'PodMonitor', versions: ['v1'], file: crdFile('podmonitors') },
  { group: 'monitoring.coreos.com', kind: 'Probe', versions: ['v1'], file: crdFile('probes') },
  { group: 'monitoring.coreos.com', kind: 'Prometheus', versions: ['v1'], file: crdFile('prometheuses') },
  { group: 'monitoring.coreos.com', kind: 'PrometheusAgent', versions: ['v1alpha1'], file: crdFile('prometheusagents') },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule', versions: ['v1'], file: crdFile('prometheusrules') },
  { group: 'monitoring.coreos.com', kind: 'ScrapeConfig', versions: ['v1alpha1'], file: crdFile('scrapeconfigs') },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor', versions: ['v1'], file: crdFile('servicemonitors') },
  { group: 'monitoring.coreos.com', kind: 'ThanosRuler', versions: ['v1'], file: crdFile('thanosrulers') },
];

/**
 * `group/version/Kind` → the upstream CRD file, for every listed version of a kind the pinned CRDs do
 * not define (`pinned`: the `group/Kind` of each pinned CRD).
 */
export function unpinnedKinds(pinned: ReadonlySet<string>, list: readonly UnpinnedCrd[] = OPERATOR_CRDS): Record<string, string> {
  const kinds: Record<string, string> = {};
  for (const crd of list) {
    if (pinned.has(`${crd.group}/${crd.kind}`)) continue;
    for (const version of crd.versions) kinds[`${crd.group}/${version}/${crd.kind}`] = crd.file;
  }
  return kinds;
}

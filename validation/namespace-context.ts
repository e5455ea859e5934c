// What the rules could not see about a namespace, said once per namespace as a note (foreign mode): its Pod Security
// level (pod-security judges `baseline` and `restricted` namespaces, resources and probes only `restricted` ones) and whether Istio
// injects sidecars there (port-protocol, and scrape's mTLS check). Without these notes the same
// Deployment gets a handful of findings alone and many more beside its Namespace, with nothing to say why.
import type { Manifest } from './manifest';
import { findingFor, type Finding } from './finding';
import { ENFORCE_LABEL, INJECTION_LABEL, type ManifestSet } from './model';
import { PROTOCOL_PORT_NAME } from './service-rules';

const SCRAPE_KINDS = new Set(['PodMonitor', 'ServiceMonitor']);

function podSecurityNote(set: ManifestSet, namespace: string, first: Manifest, count: number): Finding | undefined {
  const { level, source } = set.podSecurityOf(namespace);
  const workloads = `its ${count} workload(s)`;
  const state = `--pod-security restricted or --namespace-labels ${namespace}:${ENFORCE_LABEL}=restricted`;
  let message: string | undefined;
  if (source === 'unknown' && set.knowsLabelsOf(namespace)) {
    const who = set.namespacesInManifests.has(namespace) ? `namespace "${namespace}" sets` : `--namespace-labels gives "${namespace}"`;
    message =
      `${who} no ${ENFORCE_LABEL} label, so the cluster's default level applies (privileged unless its admission ` +
      `configuration says otherwise): pod-security, resources and probes were not judged for ${workloads}; ${state} judges them`;
  } else if (source === 'unknown') {
    message =
      `namespace "${namespace}" is not among these files, so its Pod Security level is unknown: pod-security, resources and probes ` +
      `were not judged for ${workloads}; state it with ${state}`;
  } else if (source === 'assumed') {
    const judged =
      level === 'restricted'
        ? `pod-security, resources and probes were judged against restricted for ${workloads}`
        : level === 'baseline'
          ? `pod-security was judged against baseline for ${workloads}; resources and probes, which apply to restricted namespaces, were not`
          : `pod-security, resources and probes, which apply to baseline and restricted namespaces, were not judged for ${workloads}`;
    message = `namespace "${namespace}" shows no Pod Security level here: assumed ${level}, as --pod-security says; ${judged}`;
  }
  return message ? findingFor(first, 'note', 'pod-security', undefined, message) : undefined;
}

/** A note for a namespace whose injection label is unknown, only where a rule's answer depends on it. */
function injectionNote(
  set: ManifestSet,
  namespace: string,
  services: readonly Manifest[],
  workloads: readonly Manifest[],
): Finding | undefined {
  if (set.knowsLabelsOf(namespace)) return undefined;
  const unnamed = services.find((s) =>
    ((s.object.spec as { ports?: { name?: string; appProtocol?: string }[] } | undefined)?.ports ?? []).some(
      (p) => !p?.appProtocol && !PROTOCOL_PORT_NAME.test(p?.name ?? ''),
    ),
  );
  const scraped = workloads.length > 0 && [...SCRAPE_KINDS].some((kind) => set.ofKind(kind).length > 0);
  if (!unnamed && !scraped) return undefined;
  const skipped = [
    ...(unnamed ? ['port-protocol did not ask its Services to name their ports’ protocol'] : []),
    ...(scraped ? ['scrape treated its pods as outside the mesh'] : []),
  ].join(', and ');
  return findingFor(
    unnamed ?? workloads[0],
    'note',
    unnamed ? 'port-protocol' : 'scrape',
    undefined,
    `namespace "${namespace}" is not among these files, so whether Istio injects sidecars there is unknown: assumed not (${skipped}); ` +
      `if it does, pass --namespace-labels ${namespace}:${INJECTION_LABEL}=enabled`,
  );
}

/** Foreign mode only: in project mode config/ states every namespace of the platform (validation/modes.ts). */
export function checkNamespaceContext(set: ManifestSet, defaultNamespace: string): Finding[] {
  if (set.project) return [];
  const byNamespace = new Map<string, { workloads: Manifest[]; services: Manifest[] }>();
  const entry = (namespace: string) => {
    let found = byNamespace.get(namespace);
    if (!found) byNamespace.set(namespace, (found = { workloads: [], services: [] }));
    return found;
  };
  for (const w of set.workloads) entry(w.namespace).workloads.push(w.manifest);
  for (const service of set.ofKind('Service')) entry(set.namespaceOf(service, defaultNamespace)).services.push(service);
  const findings: Finding[] = [];
  for (const [namespace, { workloads, services }] of byNamespace) {
    const podSecurity = workloads.length ? podSecurityNote(set, namespace, workloads[0], workloads.length) : undefined;
    const injection = injectionNote(set, namespace, services, workloads);
    findings.push(...(podSecurity ? [podSecurity] : []), ...(injection ? [injection] : []));
  }
  return findings;
}

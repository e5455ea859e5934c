// Services reach pods on ports that exist and that tell Istio their protocol; NodePorts are unique and
// in range; every ConfigMap and ServiceAccount a pod names exists. Also what the selector rules share:
// the near miss of a selector (a typo naming the closest labels) and the pods an operator makes.
import { NODE_PORT_RANGE } from '../config/node-ports';
import type { KubeObject, Manifest } from './manifest';
import { findingFor, type Finding } from './finding';
import {
  groupBy,
  labelRequirements,
  meetsRequirement,
  selects,
  type LabelRequirement,
  type LabelSelector,
  type Labels,
  type ManifestSet,
  type Workload,
} from './model';

interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}
interface ServiceSpec {
  readonly type?: string;
  readonly selector?: Labels;
  readonly ports?: readonly ServicePort[];
}

/** Istio picks the protocol from the port name prefix (or appProtocol). */
export const PROTOCOL_PORT_NAME = /^(http|http2|https|grpc|grpc-web|tcp|tls|mongo|mysql|redis|udp)(-.*)?$/;

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours (`wbe` → `web`) each count one. */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/**
 * How far apart two label keys or values are when one looks like a slip of the other, or undefined
 * when they are simply different: more than two edits, most of a short word, or only digits apart
 * (`v1` and `v2`, `redis-0` and `redis-1` name different things on purpose).
 */
function slip(a: string, b: string): number | undefined {
  if (a === b || a.replace(/\d+/g, '0') === b.replace(/\d+/g, '0')) return undefined;
  const distance = editDistance(a, b);
  return distance <= 2 && distance * 2 < Math.max([...a].length, [...b].length) ? distance : undefined;
}

/** Labels to select by, and what to call their owner in a message (`Deployment web`). */
export interface SelectionCandidate {
  readonly labels: Labels;
  readonly name: string;
}

/** The candidate a selector misses by a slip, and how: exactly one requirement fails, and a key or value one typo away meets it. */
export interface NearMiss {
  readonly candidate: SelectionCandidate;
  /** `app: wbe`: what the candidate has. */
  readonly found: string;
  /** `app: web`: what the selector asks for. */
  readonly wanted: string;
}

function nearMissOf(
  requirements: readonly LabelRequirement[],
  candidate: SelectionCandidate,
): (NearMiss & { distance: number }) | undefined {
  const failing = requirements.filter((r) => !meetsRequirement(r, candidate.labels));
  if (failing.length !== 1) return undefined;
  const [{ key, operator, values }] = failing;
  if (operator !== 'In' && operator !== 'Exists') return undefined;
  let best: (NearMiss & { distance: number }) | undefined;
  const consider = (distance: number | undefined, found: string, wanted: string) => {
    if (distance !== undefined && (!best || distance < best.distance)) best = { candidate, found, wanted, distance };
  };
  const own = candidate.labels[key];
  if (operator === 'In' && own !== undefined) {
    for (const value of values) consider(slip(String(own), value), `${key}: ${own}`, `${key}: ${value}`);
    return best;
  }
  for (const [otherKey, otherValue] of Object.entries(candidate.labels)) {
    if (operator === 'Exists' || values.includes(String(otherValue))) {
      consider(slip(otherKey, key), `${otherKey}: ${otherValue}`, operator === 'Exists' ? `a label ${key}` : `${key}: ${otherValue}`);
    }
  }
  return best;
}

/** Of the candidates, the one a selector misses by the smallest slip, if any. */
export function closestMiss(selector: LabelSelector, candidates: readonly SelectionCandidate[]): NearMiss | undefined {
  const requirements = labelRequirements(selector);
  if (!requirements?.length) return undefined;
  let best: (NearMiss & { distance: number }) | undefined;
  for (const candidate of candidates) {
    const miss = nearMissOf(requirements, candidate);
    if (miss && (!best || miss.distance < best.distance)) best = miss;
  }
  return best && { candidate: best.candidate, found: best.found, wanted: best.wanted };
}

/** `selects no pods in namespace web: the closest, Deployment web, has app: wbe where the selector wants app: web`. */
export function nearMissMessage(nothing: string, miss: NearMiss): string {
  return `${nothing}: the closest, ${miss.candidate.name}, has ${miss.found} where the selector wants ${miss.wanted}`;
}

/** `app: web, tier: front`, or `no labels`. */
export function labelList(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}: ${v}`).join(', ') : 'no labels';
}

/** `Deployment web`, the way messages name a workload. */
export function workloadName(w: Workload): string {
  return `${w.manifest.object.kind} ${w.manifest.object.metadata?.name ?? '<unnamed>'}`;
}

/**
 * The pods prometheus-operator makes from its custom resources, as selectors see them: the labels it
 * reserves (`prometheus: <name>`, `app.kubernetes.io/name: prometheus`, …) and the resource's
 * `spec.podMetadata.labels`. They are in no file, yet Services and monitors rightly select them.
 */
export function operatorPods(set: ManifestSet, defaultNamespace: string): (SelectionCandidate & { readonly namespace: string })[] {
  const reserved: Readonly<Record<string, (name: string) => Labels>> = {
    Prometheus: (name) => ({ prometheus: name, 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': name }),
    PrometheusAgent: (name) => ({ 'app.kubernetes.io/name': 'prometheus-agent', 'operator.prometheus.io/name': name }),
    Alertmanager: (name) => ({ alertmanager: name, 'app.kubernetes.io/name': 'alertmanager' }),
    ThanosRuler: (name) => ({ 'thanos-ruler': name, 'app.kubernetes.io/name': 'thanos-ruler' }),
  };
  return set.manifests.flatMap((m) => {
    const labelsOf = reserved[m.object.kind];
    if (!labelsOf || !m.object.apiVersion.startsWith('monitoring.coreos.com/')) return [];
    const name = m.object.metadata?.name ?? '';
    const spec = (m.object.spec ?? {}) as { podMetadata?: { labels?: unknown }; shards?: unknown };
    const podMetadata = spec.podMetadata?.labels;
    const extra = podMetadata && typeof podMetadata === 'object' ? (podMetadata as Labels) : {};
    const labels = {
      ...extra,
      ...labelsOf(name),
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'prometheus-operator',
    };
    const candidate = {
      name: `${m.object.kind} ${name}'s pods (made by prometheus-operator)`,
      namespace: set.namespaceOf(m, defaultNamespace),
    };
    if (!m.object.kind.startsWith('Prometheus')) return [{ ...candidate, labels }];
    // Prometheus and PrometheusAgent pods also carry their shard's number.
    const shards = Math.min(Number.isInteger(spec.shards) && (spec.shards as number) > 0 ? (spec.shards as number) : 1, 100);
    return Array.from({ length: shards }, (_, shard) => ({
      ...candidate,
      labels: { ...labels, 'operator.prometheus.io/shard': String(shard) },
    }));
  });
}

/** The container port a Service port reaches on a pod: a named targetPort must be declared there, a number need not be. */
export function targetPortOn(port: { readonly port?: unknown; readonly targetPort?: unknown }, pod: Workload): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'string' && !/^\d+$/.test(target)) return pod.ports.find((p) => p.name === target)?.containerPort;
  const number = Number(target);
  return Number.isInteger(number) ? number : undefined;
}

/**
 * Helm hook pods (`helm.sh/hook`: a test, a pre-install Job) live only while their hook runs: a
 * Service that shares their labels serves the chart's pods, not them.
 */
export function helmHook(w: Workload): boolean {
  const annotations = w.manifest.object.metadata?.annotations;
  return typeof annotations?.['helm.sh/hook'] === 'string';
}

export function checkServices(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  const operatorPodsIn = groupBy(operatorPods(set, defaultNamespace), (pod) => pod.namespace);
  for (const manifest of set.ofKind('Service')) {
    const spec = (manifest.object.spec ?? {}) as ServiceSpec;
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const injected = set.namespaceInjected(namespace);
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    ports.forEach((port, i) => {
      if (!port || typeof port !== 'object') return;
      if (injected && !port.appProtocol && !PROTOCOL_PORT_NAME.test(port.name ?? '')) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'port-protocol',
            `spec.ports[${i}].name`,
            `"${port.name ?? ''}" does not declare a protocol (http, http-…, tcp-…, grpc-…): Istio loses L7 routing and metrics for it`,
          ),
        );
      }
    });
    // Without a selector (or with an empty one) the Service's endpoints are managed by hand: nothing to judge.
    const selector = spec.selector;
    if (spec.type === 'ExternalName' || !selector || typeof selector !== 'object' || Object.keys(selector).length === 0) continue;
    const pods = set.workloadsSelectedBy(namespace, selector).filter((w) => !helmHook(w));
    if (pods.length === 0) {
      const workloads = set.workloadsIn(namespace).filter((w) => !helmHook(w));
      const operatorMade = operatorPodsIn.get(namespace) ?? [];
      if (operatorMade.some((pod) => selects(selector, pod.labels))) continue;
      const finding = noPodsFinding(manifest, selector, namespace, workloads, operatorMade);
      if (finding) findings.push(finding);
      continue;
    }
    ports.forEach((port, i) => {
      // A numeric targetPort needs no declared containerPort (Kubernetes sends traffic to the number).
      // A named one is resolved per pod: a pod that does not declare the name is left out of that
      // port's endpoints. No pod declaring it leaves the port without endpoints; some is a note.
      const target = port?.targetPort;
      if (typeof target !== 'string' || /^\d+$/.test(target)) return;
      const missing = pods.filter((w) => !w.ports.some((p) => p.name === target));
      if (!missing.length) return;
      const names = missing.map((w) => workloadName(w)).join(', ');
      const field = `spec.ports[${i}].targetPort`;
      findings.push(
        missing.length === pods.length
          ? findingFor(
              manifest,
              'error',
              'service-port',
              field,
              `"${target}" is no container port name of the pods it selects (${names}): the Service has no endpoints on this port`,
            )
          : findingFor(
              manifest,
              'note',
              'service-port',
              field,
              `"${target}" is no container port name of ${names}: their pods get no traffic on this port, the other selected pods do`,
            ),
      );
    });
  }
  return findings;
}

/**
 * A Service that selects none of the pods here is an error only with evidence of a slip: a workload
 * whose labels miss the selector by a typo, or one of the Service's own name. Otherwise its pods may
 * come from files not given (a Helm chart, an operator): a note that says so.
 */
function noPodsFinding(
  manifest: Manifest,
  selector: Labels,
  namespace: string,
  workloads: readonly Workload[],
  operatorMade: readonly SelectionCandidate[],
): Finding | undefined {
  const nothing = `selects no pods in namespace ${namespace}`;
  const candidates = [...workloads.map((w) => ({ labels: w.template.metadata?.labels ?? {}, name: workloadName(w) })), ...operatorMade];
  const miss = closestMiss({ matchLabels: selector }, candidates);
  if (miss) return findingFor(manifest, 'error', 'service-selector', 'spec.selector', nearMissMessage(nothing, miss));
  const namesake = workloads.find((w) => w.manifest.object.metadata?.name === manifest.object.metadata?.name);
  if (namesake) {
    return findingFor(
      manifest,
      'error',
      'service-selector',
      'spec.selector',
      `${nothing}: ${workloadName(namesake)}, of the same name, has ${labelList(namesake.template.metadata?.labels ?? {})}`,
    );
  }
  if (!workloads.length) return undefined;
  return findingFor(
    manifest,
    'note',
    'service-selector',
    'spec.selector',
    `${nothing} among the ${workloads.length} workload(s) of that namespace in these files; unless its pods come from elsewhere (a Helm chart, an operator), it has no endpoints`,
  );
}

/** Node ports a set asks for: Services' own, and those in Helm values of Argo CD Applications. */
function nodePorts(manifest: Manifest): { field: string; port: number }[] {
  const found: { field: string; port: number }[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (/^(nodePort|node_port|reloaderWebNodePort)$/.test(key) && typeof child === 'number')
          found.push({ field: childPath, port: child });
        else walk(child, childPath);
      }
    }
  };
  if (manifest.object.kind === 'Service') walk(manifest.object.spec, 'spec');
  if (manifest.object.kind === 'Application')
    walk(
      (manifest.object.spec as { source?: { helm?: { valuesObject?: unknown } } })?.source?.helm?.valuesObject,
      'spec.source.helm.valuesObject',
    );
  return found;
}

export function checkNodePorts(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  const taken = new Map<number, string>();
  for (const manifest of set.manifests) {
    for (const { field, port } of nodePorts(manifest)) {
      if (port < NODE_PORT_RANGE.min || port > NODE_PORT_RANGE.max) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'node-port',
            field,
            `${port} is outside the NodePort range ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}`,
          ),
        );
      }
      const owner = `${manifest.object.kind}/${manifest.object.metadata?.name} ${field}`;
      const first = taken.get(port);
      if (first) findings.push(findingFor(manifest, 'error', 'node-port', field, `${port} is already taken by ${first}`));
      else taken.set(port, owner);
    }
  }
  return findings;
}

/** Of `names`, the one `name` misses by a slip (a typo such as `settngs` for `settings`), if any. */
export function typoOf(name: string, names: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const other of names) {
    // More than two characters apart in length is more than two edits: no slip.
    if (Math.abs(other.length - name.length) > 2) continue;
    const distance = slip(name, other);
    if (distance !== undefined && (!best || distance < best.distance || (distance === best.distance && other < best.name)))
      best = { name: other, distance };
  }
  return best?.name;
}

/** References to one namespace's objects of one kind that are nowhere among the files (foreign mode). */
export interface UnseenTargets {
  readonly kind: string;
  readonly namespace: string;
  /** The first reference: the note is on it. */
  readonly manifest: Manifest;
  readonly field: string;
  /** In the order first referenced. */
  readonly names: string[];
  references: number;
}

/** Collects unseen targets by namespace and kind, so that each pair gets one note. */
export function unseenCollector(): {
  add(kind: string, namespace: string, name: string, manifest: Manifest, field: string): void;
  readonly groups: Iterable<UnseenTargets>;
} {
  const groups = new Map<string, UnseenTargets>();
  return {
    add(kind, namespace, name, manifest, field) {
      const id = `${namespace}/${kind}`;
      const group = groups.get(id);
      if (!group) groups.set(id, { kind, namespace, manifest, field, names: [name], references: 1 });
      else {
        group.references += 1;
        if (!group.names.includes(name)) group.names.push(name);
      }
    },
    groups: { [Symbol.iterator]: () => groups.values() },
  };
}

/**
 * `ConfigMap "settings" in namespace "shop" is not among these files; assumed to exist on the cluster
 * (…), not judged`: what a reference to an object made elsewhere was taken to mean, said once for a
 * namespace and kind; `state` says how to state one (`--external-secret shop/<name>`).
 */
export function unseenNote(rule: string, group: UnseenTargets, state?: (name: string) => string): Finding {
  const { kind, namespace, names, references } = group;
  const quoted = names.map((n) => `"${n}"`).join(', ');
  const what =
    names.length === 1 ? `${kind} ${quoted} in namespace "${namespace}" is` : `${kind}s ${quoted} in namespace "${namespace}" are`;
  const counted = references > names.length ? ` (${references} references)` : '';
  const how = state ? `; ${names.length === 1 ? `${state(names[0])} states it` : `${state('<name>')} states each`}` : '';
  return findingFor(
    group.manifest,
    'note',
    rule,
    group.field,
    `${what} not among these files; assumed to exist on the cluster (made by a Helm chart, an operator or by hand), not judged${counted}${how}`,
  );
}

/**
 * ConfigMaps and ServiceAccounts that pods name must exist (Secrets: see secrets.ts). In foreign
 * mode one missing from the files is most often made elsewhere (a chart, an operator, by hand;
 * istiod puts `istio-ca-root-cert` into every namespace): a note per namespace and kind says it was
 * assumed, and it is an error only when the files hold one of a name a typo away. That the files
 * hold the namespace's Namespace, or all its workloads, is no such evidence: whoever creates a
 * namespace does not create everything in it.
 */
export function checkReferences(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  // In the namespace, or naming none (and so wherever it is applied): an index lookup, not a scan.
  const exists = (kind: string, namespace: string, name: string) => set.existsFor(kind, namespace, name);
  // Names of each kind per namespace, for the typo a missing name may be; looked up only for missing ones.
  const namesIn = new Map<string, Map<string, string[]>>();
  const namesOf = (kind: string, namespace: string): string[] => {
    let byNamespace = namesIn.get(kind);
    if (!byNamespace) {
      byNamespace = new Map();
      for (const m of set.ofKind(kind)) {
        const name = m.object.metadata?.name;
        // An object without a namespace is in the one of the reference that may name it, as `exists` reads it.
        const ns = m.object.metadata?.namespace ?? '';
        if (typeof name !== 'string') continue;
        const names = byNamespace.get(ns);
        if (names) names.push(name);
        else byNamespace.set(ns, [name]);
      }
      namesIn.set(kind, byNamespace);
    }
    return [...(byNamespace.get(namespace) ?? []), ...(byNamespace.get('') ?? [])];
  };
  const typos = new Map<string, string | undefined>();
  const unseen = unseenCollector();
  for (const w of set.workloads) {
    const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
    const missing = (field: string, kind: string, name: string) => {
      const id = `${kind}/${w.namespace}/${name}`;
      if (!typos.has(id)) typos.set(id, typoOf(name, namesOf(kind, w.namespace)));
      const typo = typos.get(id);
      if (!set.project && !typo) {
        unseen.add(kind, w.namespace, name, w.manifest, field);
        return;
      }
      const message = set.project
        ? `${kind} "${name}" does not exist in namespace ${w.namespace}${typo ? `, but ${kind} "${typo}", a typo away, does` : ''}`
        : `${kind} "${name}" in namespace "${w.namespace}" is not among these files, but ${kind} "${typo}", a typo away, is`;
      findings.push(findingFor(w.manifest, 'error', 'reference', field, message));
    };
    const account = w.template.spec.serviceAccountName;
    if (account && account !== 'default' && !exists('ServiceAccount', w.namespace, account))
      missing(`${spec}.serviceAccountName`, 'ServiceAccount', account);
    // kube-root-ca.crt is put into every namespace by Kubernetes itself.
    const configMap = (field: string, name: string | undefined, optional: unknown) => {
      if (name && optional !== true && name !== 'kube-root-ca.crt' && !exists('ConfigMap', w.namespace, name))
        missing(field, 'ConfigMap', name);
    };
    (w.template.spec.volumes ?? []).forEach((volume, i) => {
      const ref = volume.configMap as { name?: string; optional?: boolean } | undefined;
      configMap(`${spec}.volumes[${i}].configMap.name`, ref?.name, ref?.optional);
    });
    w.template.spec.containers.forEach((c, i) => {
      (c.envFrom ?? []).forEach((source, j) =>
        configMap(
          `${spec}.containers[${i}].envFrom[${j}].configMapRef.name`,
          source.configMapRef?.name,
          (source.configMapRef as KubeObject | undefined)?.optional,
        ),
      );
      (c.env ?? []).forEach((e, j) => {
        const ref = e.valueFrom?.configMapKeyRef as { name?: string; optional?: boolean } | undefined;
        configMap(`${spec}.containers[${i}].env[${j}].valueFrom.configMapKeyRef.name`, ref?.name, ref?.optional);
      });
    });
  }
  for (const group of unseen.groups) findings.push(unseenNote('reference', group));
  return findings;
}

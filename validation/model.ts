// A read-only view of a set of manifests that the rules share: workloads and their pod templates
// (with the Istio sidecar the injector would add), Services, namespaces and their labels, and what
// the caller states about namespaces that are not among the manifests (docs/validation.md: "Modes").
import type { PodSecurityLevel } from '../config/types';
import type { KubeObject, Manifest } from './manifest';

export type Labels = Readonly<Record<string, string>>;

export interface ContainerView {
  readonly name: string;
  readonly image?: string;
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[];
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string | number>>;
    readonly limits?: Readonly<Record<string, string | number>>;
  };
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
  readonly securityContext?: Readonly<Record<string, unknown>> & {
    readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
    readonly seccompProfile?: { readonly type?: string };
  };
  readonly env?: readonly {
    readonly name: string;
    readonly valueFrom?: Record<string, { readonly name?: string; readonly key?: string }>;
  }[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

export interface PodTemplateView {
  readonly metadata?: { readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec: {
    readonly containers: readonly ContainerView[];
    readonly initContainers?: readonly ContainerView[];
    readonly volumes?: readonly (Record<string, unknown> & { readonly name: string })[];
    readonly securityContext?: Readonly<Record<string, unknown>> & { readonly seccompProfile?: { readonly type?: string } };
    readonly serviceAccountName?: string;
    readonly hostNetwork?: boolean;
    readonly hostPID?: boolean;
    readonly hostIPC?: boolean;
  };
}

export interface Workload {
  readonly manifest: Manifest;
  readonly namespace: string;
  /** Path of the pod template inside the object, e.g. `spec.template`. */
  readonly templatePath: string;
  readonly template: PodTemplateView;
  /** Whether Istio's injector adds a sidecar (namespace label or revision, pod label or annotation, host network). */
  readonly injected: boolean;
  /** Pod labels as they will be, the injector's included. */
  readonly podLabels: Labels;
  /** Container ports as they will be, the sidecar's included. */
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'CronJob'];

/** The port the Istio sidecar declares (Envoy's own metrics); 15020 is served but not declared. */
const SIDECAR_PORTS = [{ name: 'http-envoy-prom', containerPort: 15090 }];

function templateOf(object: KubeObject): { path: string; template: PodTemplateView } | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (object.kind === 'Pod') return { path: '', template: { metadata: object.metadata, spec: spec as PodTemplateView['spec'] } };
  if (object.kind === 'CronJob') {
    const job = (spec.jobTemplate as { spec?: { template?: PodTemplateView } } | undefined)?.spec?.template;
    return job ? { path: 'spec.jobTemplate.spec.template', template: job } : undefined;
  }
  const template = spec.template as PodTemplateView | undefined;
  return template?.spec ? { path: 'spec.template', template } : undefined;
}

export type { PodSecurityLevel };
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** `project`: this platform's own render, judged with what config/ knows; `foreign`: anyone's YAML. */
export type ValidationMode = 'project' | 'foreign';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const INJECTION_LABEL = 'istio-injection';
/** A namespace labelled with an Istio revision is injected by that revision's webhook. */
const REVISION_LABEL = 'istio.io/rev';
const INJECT_SWITCH = 'sidecar.istio.io/inject';

/** What the caller knows about the cluster beyond the manifests. */
export interface SetContext {
  /** @default 'project' */
  readonly mode?: ValidationMode;
  /**
   * Labels namespaces have on the cluster (`--namespace-labels`, or config/ in project mode),
   * merged over the labels of a Namespace among the manifests.
   */
  readonly namespaceLabels?: Readonly<Record<string, Labels>>;
  /** Pod Security level of namespaces whose enforce label is seen nowhere (`--pod-security`). */
  readonly podSecurity?: PodSecurityLevel;
  /** Counts what the rules read of the manifests and workloads (test/validation/linear-work.test.ts); costs nothing when absent. */
  readonly work?: WorkCounter;
}

/**
 * Counts the work the rules do by the properties they read of manifests and workloads (at any
 * depth), per step: a rule that reads a constant amount per object does linear work, one that scans
 * every object for each object reads quadratically many. Counting is by reads, not time, so a test
 * can hold the rules to linear growth on any machine.
 */
export class WorkCounter {
  readonly reads = new Map<string, number>();
  private step = 'reading the set';

  /** Runs `run` with its reads counted under `step`. */
  during<T>(step: string, run: () => T): T {
    const outer = this.step;
    this.step = step;
    try {
      return run();
    } finally {
      this.step = outer;
    }
  }

  read(): void {
    this.reads.set(this.step, (this.reads.get(this.step) ?? 0) + 1);
  }

  get total(): number {
    return [...this.reads.values()].reduce((sum, n) => sum + n, 0);
  }
}

/** A view of `value` that counts every property read, at any depth; the same object gets the same view. */
function countedView<T>(value: T, counter: WorkCounter, views: WeakMap<object, unknown>): T {
  if (typeof value !== 'object' || value === null) return value;
  const known = views.get(value);
  if (known) return known as T;
  const view = new Proxy(value, {
    get(target, key, receiver) {
      counter.read();
      return countedView(Reflect.get(target, key, receiver) as unknown, counter, views);
    },
  });
  views.set(value, view);
  return view;
}

/** Where a namespace's Pod Security level comes from: its labels, the caller's `podSecurity`, or nowhere. */
export interface PodSecurityView {
  readonly level?: PodSecurityLevel;
  readonly source: 'labels' | 'assumed' | 'unknown';
}

function isLevel(value: string | undefined): value is PodSecurityLevel {
  return (POD_SECURITY_LEVELS as readonly (string | undefined)[]).includes(value);
}

/**
 * Whether Istio's injector adds a sidecar, as its default webhooks decide: never for host-network
 * pods or where the pod (label or annotation) or its namespace switches it off; for a pod labelled
 * to ask, or a pod or namespace that names a revision; else by the namespace's `istio-injection`.
 */
function injectedInto(namespaceLabels: Labels | undefined, template: PodTemplateView): boolean {
  const labels = template.metadata?.labels ?? {};
  const optedOut = labels[INJECT_SWITCH] === 'false' || template.metadata?.annotations?.[INJECT_SWITCH] === 'false';
  if (template.spec.hostNetwork === true || optedOut || namespaceLabels?.[INJECTION_LABEL] === 'disabled') return false;
  // Webhooks select pods by label only: the annotation can opt out, not in.
  if (labels[INJECT_SWITCH] === 'true' || labels[REVISION_LABEL] !== undefined) return true;
  return namespaceLabels?.[INJECTION_LABEL] === 'enabled' || namespaceLabels?.[REVISION_LABEL] !== undefined;
}

/**
 * Items (workloads, Services) by namespace and by label, built once per set, so that matching a
 * selector looks only at the items that carry its first `In` requirement (every matchLabels entry
 * is one), not at every item of the namespace. Lists keep the order of the items they index.
 */
class LabelIndex<T> {
  private readonly all: T[] = [];
  private readonly byNamespace = new Map<string, T[]>();
  /** `namespace\0key\0value` → items of that namespace. */
  private readonly postings = new Map<string, T[]>();
  /** `key\0value` → items of every namespace. */
  private readonly anywhere = new Map<string, T[]>();
  private readonly position = new Map<T, number>();

  constructor(items: readonly T[], namespaceOf: (item: T) => string, labelsOf: (item: T) => Labels) {
    for (const item of items) {
      const namespace = namespaceOf(item);
      this.position.set(item, this.all.length);
      this.all.push(item);
      append(this.byNamespace, namespace, item);
      for (const [key, value] of Object.entries(labelsOf(item))) {
        if (value === undefined) continue;
        append(this.postings, `${namespace}\0${key}\0${String(value)}`, item);
        append(this.anywhere, `${key}\0${String(value)}`, item);
      }
    }
  }

  in(namespace: string): readonly T[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /**
   * The items of the namespaces (`any`: of every namespace) that may meet the requirements: those
   * with the first `In` requirement's key and one of its values, or all of them when there is none
   * (a selector of only NotIn, Exists or DoesNotExist). The caller still matches each one.
   */
  candidates(namespaces: readonly string[] | 'any', requirements: readonly LabelRequirement[]): readonly T[] {
    const first = requirements.find((r) => r.operator === 'In');
    const scopes: readonly (string | undefined)[] = namespaces === 'any' ? [undefined] : namespaces;
    return scopes.flatMap((namespace) => {
      if (!first) return namespace === undefined ? this.all : this.in(namespace);
      const lists = [...new Set(first.values)].map((value) =>
        namespace === undefined
          ? (this.anywhere.get(`${first.key}\0${value}`) ?? [])
          : (this.postings.get(`${namespace}\0${first.key}\0${value}`) ?? []),
      );
      // An item has one value per key, so the lists are disjoint, but interleaved: keep the items' order.
      return lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => this.position.get(a)! - this.position.get(b)!);
    });
  }
}

/** Adds `item` to the list under `key`, starting the list when it is the first. */
export function append<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Items grouped by a key in one pass, each group in the items' order (a filter per key would read every item per key). */
export function groupBy<K, T>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) append(groups, keyOf(item), item);
  return groups;
}

export class ManifestSet {
  readonly manifests: readonly Manifest[];
  /**
   * Namespaces whose labels are known: those among the manifests and those the caller states, each
   * with its labels as the cluster has them (stated ones merged over the object's own).
   */
  readonly namespaces: ReadonlyMap<string, KubeObject>;
  /** Namespaces that are Namespace objects among the manifests. */
  readonly namespacesInManifests: ReadonlySet<string>;
  readonly workloads: readonly Workload[];
  readonly mode: ValidationMode;
  private readonly assumedPodSecurity?: PodSecurityLevel;
  // Indexes, built once here so that no rule scans every object for each object (docs/speed.md: "What the code does about it").
  private readonly byKind = new Map<string, Manifest[]>();
  /** `kind\0namespace\0name` (the namespace as defaulted) → the first such manifest. */
  private readonly byName = new Map<string, Manifest>();
  /** `kind\0name` of manifests that name no namespace. */
  private readonly unnamespaced = new Set<string>();
  /** Namespaces a Service names itself. */
  private readonly serviceNamespaces = new Set<string>();
  private readonly workloadIndex: LabelIndex<Workload>;
  private readonly serviceIndex: LabelIndex<Manifest>;

  constructor(manifests: readonly Manifest[], defaultNamespace: string, context: SetContext = {}) {
    const { work } = context;
    const views = new WeakMap<object, unknown>();
    const counted = <T>(value: T): T => (work ? countedView(value, work, views) : value);
    this.manifests = work ? manifests.map(counted) : manifests;
    this.mode = context.mode ?? 'project';
    this.assumedPodSecurity = context.podSecurity;
    for (const manifest of this.manifests) {
      const { kind, metadata } = manifest.object;
      append(this.byKind, kind, manifest);
      const name = metadata?.name;
      const key = `${kind}\0${metadata?.namespace ?? defaultNamespace}\0${name}`;
      if (typeof name === 'string' && !this.byName.has(key)) this.byName.set(key, manifest);
      if (metadata?.namespace === undefined) {
        if (typeof name === 'string') this.unnamespaced.add(`${kind}\0${name}`);
      } else if (kind === 'Service') this.serviceNamespaces.add(metadata.namespace);
    }
    const namespaces = new Map<string, KubeObject>(this.ofKind('Namespace').map((m) => [m.object.metadata?.name ?? '', m.object]));
    this.namespacesInManifests = new Set(namespaces.keys());
    for (const [name, labels] of Object.entries(context.namespaceLabels ?? {})) {
      const seen = namespaces.get(name);
      namespaces.set(name, {
        ...(seen ?? { apiVersion: 'v1', kind: 'Namespace' }),
        metadata: { ...seen?.metadata, name, labels: { ...seen?.metadata?.labels, ...labels } },
      });
    }
    this.namespaces = namespaces;
    this.workloads = this.manifests.flatMap((manifest) => {
      if (!WORKLOAD_KINDS.includes(manifest.object.kind)) return [];
      const found = templateOf(manifest.object);
      if (!found?.template.spec?.containers) return [];
      const namespace = manifest.object.metadata?.namespace ?? defaultNamespace;
      const injected = injectedInto(this.namespaces.get(namespace)?.metadata?.labels, found.template);
      const own = found.template.spec.containers.flatMap((c) => c.ports ?? []);
      return [
        counted({
          manifest,
          namespace,
          templatePath: found.path,
          template: found.template,
          injected,
          podLabels: { ...found.template.metadata?.labels, ...(injected ? { 'security.istio.io/tlsMode': 'istio' } : {}) },
          // The pod's own ports are laid over the injected template's (a gateway declares the proxy's port itself).
          ports: injected ? [...own, ...SIDECAR_PORTS.filter((p) => !own.some((o) => o.containerPort === p.containerPort))] : own,
        }),
      ];
    });
    this.workloadIndex = new LabelIndex(
      this.workloads,
      (w) => w.namespace,
      (w) => w.podLabels,
    );
    this.serviceIndex = new LabelIndex(
      this.ofKind('Service'),
      (s) => this.namespaceOf(s, defaultNamespace),
      (s) => labelsOf(s.object),
    );
  }

  /** Whether the rules may name this project's files and history: false for anyone else's YAML. */
  get project(): boolean {
    return this.mode === 'project';
  }

  /** The manifests of a kind, in order: a list the set shares with every caller, not to be changed. */
  ofKind(kind: string): readonly Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  namespaceOf(manifest: Manifest, defaultNamespace: string): string {
    return manifest.object.metadata?.namespace ?? defaultNamespace;
  }

  /** The first manifest of this kind, namespace (an object naming none is in the default one) and name. */
  named(kind: string, namespace: string, name: string): Manifest | undefined {
    return this.byName.get(`${kind}\0${namespace}\0${name}`);
  }

  /** Whether an object of this kind and name is in the namespace, or names no namespace (and so lands wherever it is applied). */
  existsFor(kind: string, namespace: string, name: string): boolean {
    return this.byName.has(`${kind}\0${namespace}\0${name}`) || this.unnamespaced.has(`${kind}\0${name}`);
  }

  /** The workloads of a namespace, in order (shared: not to be changed). */
  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadIndex.in(namespace);
  }

  /** The Services of a namespace (an object naming none is in the default one), in order (shared: not to be changed). */
  servicesIn(namespace: string): readonly Manifest[] {
    return this.serviceIndex.in(namespace);
  }

  /** The workloads of a namespace whose pods a Service-style selector selects (`selects`), in order. */
  workloadsSelectedBy(namespace: string, selector: Labels | undefined): Workload[] {
    if (!isRecord(selector)) return [];
    const requirements = Object.entries(selector).map(([key, value]) => ({ key, operator: 'In', values: [String(value)] }));
    return this.workloadIndex.candidates([namespace], requirements).filter((w) => selects(selector, w.podLabels));
  }

  /** The workloads of the namespaces (`any`: of every one) whose pods a LabelSelector selects (`labelSelectorMatches`), in order. */
  workloadsMatching(namespaces: readonly string[] | 'any', selector: unknown): Workload[] {
    const requirements = selector === undefined || selector === null ? undefined : labelRequirements(selector);
    if (!requirements) return [];
    return this.workloadIndex.candidates(namespaces, requirements).filter((w) => labelSelectorMatches(selector, w.podLabels));
  }

  /** The Services of the namespaces (`any`: of every one) whose own labels a LabelSelector selects, in order. */
  servicesMatching(namespaces: readonly string[] | 'any', selector: unknown): Manifest[] {
    const requirements = selector === undefined || selector === null ? undefined : labelRequirements(selector);
    if (!requirements) return [];
    return this.serviceIndex.candidates(namespaces, requirements).filter((s) => labelSelectorMatches(selector, labelsOf(s.object)));
  }

  /** Whether the labels of the namespace are known (a Namespace among the manifests, or stated by the caller). */
  knowsLabelsOf(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  /** Whether the namespace asks Istio to inject sidecars into its pods (by label or revision). */
  namespaceInjected(namespace: string): boolean {
    const labels = this.namespaces.get(namespace)?.metadata?.labels ?? {};
    return labels[INJECTION_LABEL] === 'enabled' || (labels[REVISION_LABEL] !== undefined && labels[INJECTION_LABEL] !== 'disabled');
  }

  /** The Pod Security level the namespace enforces, and whether it is seen, assumed or unknown. */
  podSecurityOf(namespace: string): PodSecurityView {
    const label = this.namespaces.get(namespace)?.metadata?.labels?.[ENFORCE_LABEL];
    if (isLevel(label)) return { level: label, source: 'labels' };
    return this.assumedPodSecurity ? { level: this.assumedPodSecurity, source: 'assumed' } : { source: 'unknown' };
  }

  /**
   * Namespaces that enforce Pod Security `restricted` (the application namespaces): by their labels,
   * or, for a namespace of workloads whose level is seen nowhere, by the caller's `podSecurity`.
   */
  restrictedNamespaces(): Set<string> {
    const candidates = new Set([...this.namespaces.keys(), ...this.workloads.map((w) => w.namespace)]);
    return new Set([...candidates].filter((name) => this.podSecurityOf(name).level === 'restricted'));
  }

  /**
   * Whether this set holds the namespace's workloads: references to pods elsewhere (installed by a
   * Helm chart, say) cannot be judged here and are not.
   */
  hasWorkloadsIn(namespace: string): boolean {
    return this.workloadIndex.in(namespace).length > 0;
  }

  /** Whether this set holds the namespace's Services (or its workloads, whose Services it would hold). */
  hasServicesIn(namespace: string): boolean {
    return this.hasWorkloadsIn(namespace) || this.serviceNamespaces.has(namespace);
  }
}

/** An object's own labels; anything but a map (the schema rule reports it) counts as none. */
function labelsOf(object: KubeObject): Labels {
  const labels = object.metadata?.labels;
  return isRecord(labels) ? (labels as Labels) : {};
}

/**
 * Whether a Service-style selector (a plain map, as in `Service.spec.selector` or Istio's
 * `selector.matchLabels`) selects these labels. An empty or absent one selects nothing: a Service
 * without a selector has its endpoints managed by hand.
 */
export function selects(selector: Labels | undefined, labels: Labels): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] !== undefined && String(labels[k]) === String(v));
}

/** A Kubernetes LabelSelector (`metav1.LabelSelector`): matchLabels and matchExpressions, all of which must hold. */
export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** One requirement of a LabelSelector: a matchLabels entry is `key In (value)`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The requirements of a LabelSelector, or undefined when it is malformed (the schema rule says
 * how): a selector that cannot be read is treated as selecting nothing rather than guessed at.
 */
export function labelRequirements(selector: unknown): LabelRequirement[] | undefined {
  if (!isRecord(selector)) return undefined;
  const { matchLabels = {}, matchExpressions = [] } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  if (!isRecord(matchLabels) || !Array.isArray(matchExpressions)) return undefined;
  const requirements: LabelRequirement[] = Object.entries(matchLabels).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [String(value)],
  }));
  for (const expression of matchExpressions as unknown[]) {
    if (!isRecord(expression) || typeof expression.key !== 'string' || typeof expression.operator !== 'string') return undefined;
    const values = expression.values ?? [];
    if (!Array.isArray(values)) return undefined;
    requirements.push({ key: expression.key, operator: expression.operator, values: values.map(String) });
  }
  return requirements;
}

/** Whether labels satisfy one requirement; an operator Kubernetes does not know satisfies nothing. */
export function meetsRequirement(requirement: LabelRequirement, labels: Labels): boolean {
  const value = labels[requirement.key];
  const has = value !== undefined;
  switch (requirement.operator) {
    case 'In':
      return has && requirement.values.includes(String(value));
    case 'NotIn':
      return !has || !requirement.values.includes(String(value));
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/**
 * Whether a LabelSelector selects these labels, as Kubernetes defines it: an empty selector (`{}`)
 * selects everything, an absent (null) one nothing. Kinds whose selector field is not a pointer
 * (PodMonitor, ServiceMonitor, NetworkPolicy's podSelector) read an absent selector as empty:
 * their callers pass `selector ?? {}`.
 */
export function labelSelectorMatches(selector: unknown, labels: Labels): boolean {
  if (selector === undefined || selector === null) return false;
  const requirements = labelRequirements(selector);
  return !!requirements && requirements.every((r) => meetsRequirement(r, labels));
}

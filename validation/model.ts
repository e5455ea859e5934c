// A read-only view of a set of manifests that the rules share: workloads and their pod templates
// (with the Istio sidecar the injector would add), Services, namespaces and their labels.
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
  /** Whether Istio's injector adds a sidecar (namespace label, pod annotation). */
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

export class ManifestSet {
  readonly manifests: readonly Manifest[];
  readonly namespaces: ReadonlyMap<string, KubeObject>;
  readonly workloads: readonly Workload[];

  constructor(manifests: readonly Manifest[], defaultNamespace: string) {
    this.manifests = manifests;
    this.namespaces = new Map(manifests.filter((m) => m.object.kind === 'Namespace').map((m) => [m.object.metadata?.name ?? '', m.object]));
    this.workloads = manifests.flatMap((manifest) => {
      if (!WORKLOAD_KINDS.includes(manifest.object.kind)) return [];
      const found = templateOf(manifest.object);
      if (!found?.template.spec?.containers) return [];
      const namespace = manifest.object.metadata?.namespace ?? defaultNamespace;
      const annotations = found.template.metadata?.annotations ?? {};
      const injected =
        this.namespaces.get(namespace)?.metadata?.labels?.['istio-injection'] === 'enabled' &&
        annotations['sidecar.istio.io/inject'] !== 'false';
      const own = found.template.spec.containers.flatMap((c) => c.ports ?? []);
      return [
        {
          manifest,
          namespace,
          templatePath: found.path,
          template: found.template,
          injected,
          podLabels: { ...found.template.metadata?.labels, ...(injected ? { 'security.istio.io/tlsMode': 'istio' } : {}) },
          ports: injected ? [...own, ...SIDECAR_PORTS] : own,
        },
      ];
    });
  }

  ofKind(kind: string): Manifest[] {
    return this.manifests.filter((m) => m.object.kind === kind);
  }

  namespaceOf(manifest: Manifest, defaultNamespace: string): string {
    return manifest.object.metadata?.namespace ?? defaultNamespace;
  }

  /** Namespaces that enforce Pod Security `restricted`: the application namespaces. */
  restrictedNamespaces(): Set<string> {
    return new Set(
      [...this.namespaces]
        .filter(([, ns]) => ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted')
        .map(([name]) => name),
    );
  }

  /**
   * Whether this set holds the namespace's workloads: references to pods elsewhere (installed by a
   * Helm chart, say) cannot be judged here and are not.
   */
  hasWorkloadsIn(namespace: string): boolean {
    return this.workloads.some((w) => w.namespace === namespace);
  }

  /** Whether this set holds the namespace's Services (or its workloads, whose Services it would hold). */
  hasServicesIn(namespace: string): boolean {
    return (
      this.hasWorkloadsIn(namespace) ||
      this.manifests.some((m) => m.object.kind === 'Service' && m.object.metadata?.namespace === namespace)
    );
  }
}

export function selects(selector: Labels | undefined, labels: Labels): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

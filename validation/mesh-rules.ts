// Istio objects: VirtualService routes lead to Service ports that exist and never rewrite a clean
// path into one with `//`; mTLS has no exceptions, and no client-side TLS setting sends plaintext to pods
// that Istio's policies (port, workload, namespace, mesh) make STRICT.
import { doubledSlashRewrites, type HttpRoute } from './evaluators/routing';
import { findingFor, type Finding } from './finding';
import { selects, type Labels, type ManifestSet, type Workload } from './model';
import { targetPortOn, workloadName } from './service-rules';

interface Destination {
  readonly host?: string;
  readonly port?: { readonly number?: number };
}

/** The Service a mesh host names: `name`, `name.namespace`, `name.namespace.svc[.cluster.local]`. */
function serviceOf(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { name: parts[0], namespace };
  if (parts.length === 2 || (parts[2] === 'svc' && (parts.length === 3 || parts.slice(3).join('.') === 'cluster.local'))) {
    return { name: parts[0], namespace: parts[1] };
  }
  return undefined; // an external host
}

export function checkVirtualServices(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('VirtualService')) {
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const spec = (manifest.object.spec ?? {}) as { http?: HttpRoute[]; tcp?: { route?: { destination?: Destination }[] }[] };
    const routes = [
      ...(spec.http ?? []).map((r, i) => ({ route: r?.route ?? [], path: `spec.http[${i}]` })),
      ...(spec.tcp ?? []).map((r, i) => ({ route: r?.route ?? [], path: `spec.tcp[${i}]` })),
    ];
    for (const { route, path } of routes) {
      route.forEach((weighted, j) => {
        // A destination or host left out is the schema rule's finding (both are required).
        const destination = weighted?.destination;
        if (typeof destination?.host !== 'string') return;
        const target = serviceOf(destination.host, namespace);
        if (!target || !set.hasServicesIn(target.namespace)) return;
        const field = `${path}.route[${j}].destination`;
        const service = set.named('Service', target.namespace, target.name);
        if (!service) {
          findings.push(
            findingFor(manifest, 'error', 'route-destination', `${field}.host`, `no Service ${target.namespace}/${target.name}`),
          );
          return;
        }
        const ports = ((service.object.spec as { ports?: { port?: number }[] } | undefined)?.ports ?? []).map((p) => p.port);
        const port = destination.port?.number;
        if (port !== undefined && !ports.includes(port)) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'route-destination',
              `${field}.port.number`,
              `Service ${target.namespace}/${target.name} has no port ${port} (it has ${ports.join(', ')})`,
            ),
          );
        } else if (port === undefined && ports.length > 1) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'route-destination',
              `${field}.port`,
              `Service ${target.namespace}/${target.name} has several ports: name one`,
            ),
          );
        }
      });
    }
    for (const broken of doubledSlashRewrites(spec.http ?? [])) {
      const index = (spec.http ?? []).findIndex((r) => r?.name === broken.route);
      findings.push(
        findingFor(
          manifest,
          'error',
          'route-rewrite',
          `spec.http[${index}].rewrite.uri`,
          `turns ${broken.request} into ${broken.path}: the service sees a path with //`,
        ),
      );
    }
  }
  return findings;
}

interface PeerAuthenticationSpec {
  readonly selector?: { readonly matchLabels?: Labels };
  readonly mtls?: { readonly mode?: string };
  readonly portLevelMtls?: Readonly<Record<string, { readonly mode?: string }>>;
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** Istio's root namespace (meshConfig.rootNamespace's default): a PeerAuthentication there without a selector is mesh-wide. */
const ROOT_NAMESPACE = 'istio-system';

/** A mode that decides, or undefined for UNSET, absent or a typo (the schema rule reports typos): the parent policy decides then. */
function decided(mode: string | undefined): MtlsMode | undefined {
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}

/** Whether a PeerAuthentication names workloads: Istio treats one without matchLabels as namespace-wide. */
function workloadLevel(spec: PeerAuthenticationSpec): boolean {
  const labels = spec.selector?.matchLabels;
  return !!labels && typeof labels === 'object' && Object.keys(labels).length > 0;
}

/**
 * The PeerAuthentications of a set, read once: which mTLS mode a pod's port accepts, as Istio resolves
 * it. The most specific policy that decides wins: the port-level setting of a workload's policy, the
 * workload's policy, the namespace's, the mesh's (in the root namespace).
 */
export class MtlsPolicies {
  private readonly namespaceWide = new Map<string, PeerAuthenticationSpec>();
  /**
   * Workload policies by `namespace\0key\0value` of their first matchLabels entry, each with its
   * place among the policies: a pod is matched only against the policies one of its labels can meet.
   */
  private readonly forWorkloads = new Map<string, { spec: PeerAuthenticationSpec; order: number }[]>();

  constructor(set: ManifestSet, defaultNamespace: string) {
    let order = 0;
    for (const manifest of set.ofKind('PeerAuthentication')) {
      const spec = (manifest.object.spec ?? {}) as PeerAuthenticationSpec;
      const namespace = set.namespaceOf(manifest, defaultNamespace);
      if (workloadLevel(spec)) {
        const [key, value] = Object.entries(spec.selector!.matchLabels!)[0];
        const posting = `${namespace}\0${key}\0${String(value)}`;
        const policies = this.forWorkloads.get(posting);
        if (policies) policies.push({ spec, order: order++ });
        else this.forWorkloads.set(posting, [{ spec, order: order++ }]);
      }
      // Of several namespace-wide policies Istio takes the oldest; the first here.
      else if (!this.namespaceWide.has(namespace)) this.namespaceWide.set(namespace, spec);
    }
  }

  /** The first workload policy of the pod's namespace that selects it. */
  private ownPolicy(w: Workload): PeerAuthenticationSpec | undefined {
    let first: { spec: PeerAuthenticationSpec; order: number } | undefined;
    for (const [key, value] of Object.entries(w.podLabels)) {
      for (const policy of this.forWorkloads.get(`${w.namespace}\0${key}\0${String(value)}`) ?? []) {
        if ((!first || policy.order < first.order) && selects(policy.spec.selector?.matchLabels, w.podLabels)) first = policy;
      }
    }
    return first?.spec;
  }

  /**
   * The mode a pod in the mesh accepts on a container port (undefined: its workload's mode), or
   * undefined when no policy in the set decides it (the mesh-wide one may be outside the files).
   */
  modeOf(w: Workload, containerPort: number | undefined): MtlsMode | undefined {
    const own = this.ownPolicy(w);
    const portLevel = containerPort === undefined ? undefined : own?.portLevelMtls?.[String(containerPort)]?.mode;
    const chain = [portLevel, own?.mtls?.mode, this.namespaceWide.get(w.namespace)?.mtls?.mode];
    const mesh = this.namespaceWide.get(ROOT_NAMESPACE);
    for (const mode of [...chain, mesh?.mtls?.mode]) if (decided(mode)) return decided(mode);
    // A mesh-wide policy that leaves the mode unset means Istio's default.
    return mesh ? 'PERMISSIVE' : undefined;
  }
}

export function checkMtls(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('PeerAuthentication')) {
    const spec = (manifest.object.spec ?? {}) as PeerAuthenticationSpec;
    const mode = spec.mtls?.mode;
    // Other values are typos, which the schema rule reports.
    if (mode === 'PERMISSIVE' || mode === 'DISABLE') {
      findings.push(
        findingFor(
          manifest,
          'error',
          'mtls',
          'spec.mtls.mode',
          `${mode} is an exception to STRICT mTLS${set.project ? ' (the old platform disabled mTLS for Redis and PostgreSQL; declare their ports as tcp- instead)' : ''}`,
        ),
      );
    }
    const portLevel = spec.portLevelMtls && typeof spec.portLevelMtls === 'object' ? spec.portLevelMtls : {};
    for (const [port, setting] of Object.entries(portLevel)) {
      if (setting?.mode === 'PERMISSIVE' || setting?.mode === 'DISABLE') {
        findings.push(
          findingFor(
            manifest,
            'error',
            'mtls',
            `spec.portLevelMtls["${port}"].mode`,
            `${setting.mode} on port ${port} is an exception to STRICT mTLS`,
          ),
        );
      }
    }
  }
  const policies = new MtlsPolicies(set, defaultNamespace);
  const services = new Map(set.ofKind('Service').map((m) => [`${set.namespaceOf(m, defaultNamespace)}/${m.object.metadata?.name}`, m]));
  for (const manifest of set.ofKind('DestinationRule')) {
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const spec = (manifest.object.spec ?? {}) as {
      host?: unknown;
      trafficPolicy?: { tls?: { mode?: string }; portLevelSettings?: { port?: { number?: number }; tls?: { mode?: string } }[] };
    };
    const host = typeof spec.host === 'string' ? spec.host : '';
    const target = serviceOf(host, namespace);
    const service = target && services.get(`${target.namespace}/${target.name}`);
    if (!target || !service) continue;
    const serviceSpec = (service.object.spec ?? {}) as { selector?: Labels; ports?: { port?: number; targetPort?: number | string }[] };
    // Whether plaintext fails depends on the pods behind the host: in the mesh under STRICT it does, outside it plaintext is all they speak.
    const pods = set.workloadsSelectedBy(target.namespace, serviceSpec.selector);
    if (!pods.length) continue;
    const servicePorts = (Array.isArray(serviceSpec.ports) ? serviceSpec.ports : []).filter((p) => p && typeof p === 'object');
    const portLevel = Array.isArray(spec.trafficPolicy?.portLevelSettings) ? spec.trafficPolicy.portLevelSettings : [];
    const overridden = new Set(portLevel.map((s) => s?.port?.number));
    const settings = [
      {
        field: 'spec.trafficPolicy.tls.mode',
        mode: spec.trafficPolicy?.tls?.mode,
        ports: servicePorts.filter((p) => !overridden.has(p.port)),
      },
      ...portLevel.map((s, i) => ({
        field: `spec.trafficPolicy.portLevelSettings[${i}].tls.mode`,
        mode: s?.tls?.mode,
        ports: servicePorts.filter((p) => p.port === s?.port?.number),
      })),
    ];
    for (const { field, mode, ports } of settings) {
      if (mode !== 'DISABLE' && mode !== 'SIMPLE') continue;
      const modes = (pod: Workload) => ports.map((port) => policies.modeOf(pod, targetPortOn(port, pod)));
      const inMesh = pods.filter((pod) => pod.injected);
      const refused = inMesh.filter((pod) => modes(pod).includes('STRICT'));
      const undecided = inMesh.filter((pod) => modes(pod).includes(undefined));
      const sends = `${mode} sends ${mode === 'DISABLE' ? 'plaintext' : 'plain TLS'} to ${host}`;
      if (refused.length) {
        const message = `${sends}, whose pods (${refused.map(workloadName).join(', ')}) are in the mesh and require STRICT mTLS: every request fails`;
        findings.push(findingFor(manifest, 'error', 'mtls', field, message));
      } else if (undecided.length) {
        const message = `${sends}, whose pods (${undecided.map(workloadName).join(', ')}) have a sidecar, and no PeerAuthentication here sets their mTLS mode: if one elsewhere makes it STRICT (a mesh-wide one in istio-system, say), every request fails`;
        findings.push(findingFor(manifest, 'note', 'mtls', field, message));
      }
    }
  }
  return findings;
}

// Rules on workloads' pod templates: Pod Security baseline in namespaces that enforce baseline or
// restricted, `restricted` (field by field) with requests, limits and probes in those that enforce
// restricted; pinned images, no host namespaces or hostPath and writable volumes everywhere.
import { findingFor, type Finding } from './finding';
import { labelSelectorMatches, type ContainerView, type LabelSelector, type ManifestSet, type Workload } from './model';
import { closestMiss, labelList } from './service-rules';

/** Kinds whose `spec.selector` must select their own pod template. */
const SELECTING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Volume types Pod Security `restricted` allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function containers(w: Workload): { container: ContainerView; path: string; init: boolean }[] {
  const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
  return [
    ...(w.template.spec.initContainers ?? []).map((container, i) => ({ container, path: `${spec}.initContainers[${i}]`, init: true })),
    ...w.template.spec.containers.map((container, i) => ({ container, path: `${spec}.containers[${i}]`, init: false })),
  ];
}

/** `image:tag` or `image@sha256:…` with a tag that is not `latest`. */
export function imageProblem(image: string | undefined): string | undefined {
  if (!image) return 'has no image';
  if (image.includes('@sha256:')) return undefined;
  const lastSegment = image.split('/').pop() ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  if (!tag) return `image "${image}" has no tag: it floats with whatever is pushed as latest`;
  if (tag === 'latest') return `image "${image}" uses "latest": pin a version`;
  return undefined;
}

/**
 * `image: auto` on the `istio-proxy` container is Istio's placeholder (its gateway charts write it):
 * the injector replaces it at admission with the proxy image of the mesh's revision, so it is pinned
 * by the mesh. Only where the pod is injected; where the namespace's labels are not seen, a note.
 */
function istioAutoImage(w: Workload, set: ManifestSet): { severity: 'error' | 'note'; message: string } | undefined {
  if (w.injected) return undefined;
  const placeholder = 'image "auto" is the placeholder Istio\'s injector replaces with its proxy image';
  if (!set.project && !set.knowsLabelsOf(w.namespace)) {
    return {
      severity: 'note',
      message: `${placeholder}; whether it injects this pod depends on namespace "${w.namespace}", which is not among these files: not judged`,
    };
  }
  return { severity: 'error', message: `${placeholder}, but nothing injects this pod: it would pull an image named "auto"` };
}

/** Capabilities Pod Security baseline lets a container add (the container runtime's default set). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** SELinux types baseline allows (`container_engine_t` since v1.31, the level this platform pins). */
const BASELINE_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
/** The "safe" sysctls baseline allows, as of v1.31: namespaced, isolated from other pods. */
const BASELINE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const CONFINED_PROFILES = ['RuntimeDefault', 'Localhost'];

type Report = (field: string, message: string, rule: string) => void;
type Context = Readonly<Record<string, unknown>>;
const recordOf = (value: unknown): Context | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Context) : undefined;

/**
 * Pod Security baseline, control by control as the Pod Security Standards define it at v1.31:
 * HostProcess, privileged containers, capabilities beyond the default set, hostPorts, AppArmor,
 * SELinux, /proc mount type, seccomp and sysctls. Host namespaces and hostPath volumes, baseline's
 * too, are the host-access rule's. Under restricted, which includes baseline, the stricter checks of
 * `restricted` speak for capabilities and for a container's seccomp profile.
 */
function baseline(w: Workload, report: Report, underRestricted: boolean): void {
  const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
  const pod = w.template.spec.securityContext ?? {};
  const options = (where: string, sc: Context) => {
    if (recordOf(sc.windowsOptions)?.hostProcess === true)
      report(
        `${where}.windowsOptions.hostProcess`,
        'must not be true: a HostProcess container is privileged on its Windows node',
        'pod-security',
      );
    const selinux = recordOf(sc.seLinuxOptions);
    if (typeof selinux?.type === 'string' && selinux.type !== '' && !BASELINE_SELINUX_TYPES.includes(selinux.type))
      report(
        `${where}.seLinuxOptions.type`,
        `"${selinux.type}" is not allowed by baseline (only ${BASELINE_SELINUX_TYPES.join(', ')})`,
        'pod-security',
      );
    for (const key of ['user', 'role'] as const) {
      if (typeof selinux?.[key] === 'string' && selinux[key] !== '')
        report(`${where}.seLinuxOptions.${key}`, `must not be set: baseline allows no custom SELinux ${key}`, 'pod-security');
    }
    const apparmor = recordOf(sc.appArmorProfile)?.type;
    if (typeof apparmor === 'string' && !CONFINED_PROFILES.includes(apparmor))
      report(`${where}.appArmorProfile.type`, `"${apparmor}" is not allowed by baseline (RuntimeDefault or Localhost)`, 'pod-security');
  };
  const podWhere = `${spec}.securityContext`;
  options(podWhere, pod);
  const podSeccomp = recordOf(pod.seccompProfile)?.type;
  const all = containers(w);
  // Under restricted, a container that inherits the pod's Unconfined profile is reported for itself.
  const inherited = all.some(({ container }) => recordOf(container.securityContext?.seccompProfile)?.type === undefined);
  if (podSeccomp === 'Unconfined' && !(underRestricted && inherited))
    report(`${podWhere}.seccompProfile.type`, '"Unconfined" is not allowed by baseline (RuntimeDefault or Localhost)', 'pod-security');
  const sysctls = Array.isArray(pod.sysctls) ? (pod.sysctls as unknown[]) : [];
  sysctls.forEach((sysctl, i) => {
    const name = recordOf(sysctl)?.name;
    if (typeof name === 'string' && !BASELINE_SYSCTLS.has(name))
      report(
        `${podWhere}.sysctls[${i}].name`,
        `"${name}" is not among the sysctls baseline allows (namespaced, isolated from other pods)`,
        'pod-security',
      );
  });
  for (const [key, value] of Object.entries(w.template.metadata?.annotations ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION) || value === '' || value === 'runtime/default' || String(value).startsWith('localhost/'))
      continue;
    const field = `${w.templatePath ? `${w.templatePath}.` : ''}metadata.annotations[${JSON.stringify(key)}]`;
    report(field, `"${value}" is not allowed by baseline (runtime/default or localhost/<profile>)`, 'pod-security');
  }
  for (const { container, path } of all) {
    const sc: Context & ContainerView['securityContext'] = container.securityContext ?? {};
    if (sc.privileged === true) report(`${path}.securityContext.privileged`, 'must not be true', 'pod-security');
    const added = (sc.capabilities?.add ?? []).filter((c) => !BASELINE_CAPABILITIES.has(c));
    if (!underRestricted && added.length)
      report(
        `${path}.securityContext.capabilities.add`,
        `may add only baseline's default capabilities (${[...BASELINE_CAPABILITIES].join(', ')}), not ${added.join(', ')}`,
        'pod-security',
      );
    options(`${path}.securityContext`, sc);
    if (typeof sc.procMount === 'string' && sc.procMount !== 'Default')
      report(
        `${path}.securityContext.procMount`,
        `"${sc.procMount}" is not allowed by baseline (only Default: the /proc masks stay)`,
        'pod-security',
      );
    if (!underRestricted && sc.seccompProfile?.type === 'Unconfined')
      report(
        `${path}.securityContext.seccompProfile.type`,
        '"Unconfined" is not allowed by baseline (RuntimeDefault or Localhost)',
        'pod-security',
      );
    (container.ports ?? []).forEach((port, j) => {
      const hostPort = (port as { hostPort?: unknown }).hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0)
        report(`${path}.ports[${j}].hostPort`, `${hostPort} binds a port of the node: baseline allows no hostPort`, 'pod-security');
    });
  }
}

function restricted(w: Workload, report: Report): void {
  const pod = w.template.spec.securityContext ?? {};
  const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
  (w.template.spec.volumes ?? []).forEach((volume, i) => {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type))
      report(`${spec}.volumes[${i}].${type}`, `volume type ${type} is not allowed by restricted`, 'pod-security');
  });
  for (const { container, path, init } of containers(w)) {
    const sc = container.securityContext ?? {};
    const effective = (key: string) => sc[key] ?? pod[key];
    if (effective('runAsNonRoot') !== true)
      report(`${path}.securityContext.runAsNonRoot`, 'must be true (here or on the pod)', 'pod-security');
    if (effective('runAsUser') === 0) report(`${path}.securityContext.runAsUser`, 'must not be 0 (root)', 'pod-security');
    if (sc.allowPrivilegeEscalation !== false) report(`${path}.securityContext.allowPrivilegeEscalation`, 'must be false', 'pod-security');
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      report(`${path}.securityContext.capabilities.drop`, 'must include ALL', 'pod-security');
    const added = (sc.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    if (added.length)
      report(`${path}.securityContext.capabilities.add`, `may only add NET_BIND_SERVICE, not ${added.join(', ')}`, 'pod-security');
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      report(`${path}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost (here or on the pod)', 'pod-security');
    }
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (container.resources?.[kind]?.[resource] === undefined)
          report(`${path}.resources.${kind}.${resource}`, 'is missing', 'resources');
      }
    }
    if (!init) {
      if (!container.readinessProbe) report(`${path}.readinessProbe`, 'is missing: traffic reaches the pod before it can answer', 'probes');
      if (!container.livenessProbe) report(`${path}.livenessProbe`, 'is missing: a hung process is never restarted', 'probes');
    }
  }
}

/**
 * The API server refuses a controller whose selector does not select its own template's labels
 * (it would never own the pods it makes), and in apps/v1 one whose selector is empty.
 */
function selectorProblem(w: Workload): string | undefined {
  const { kind, apiVersion } = w.manifest.object;
  const selector = (w.manifest.object.spec as { selector?: unknown } | undefined)?.selector;
  // A missing selector is the schema rule's (required in apps/v1; older versions default it from the labels).
  if (!SELECTING_KINDS.has(kind) || selector === undefined || selector === null) return undefined;
  const labels = w.template.metadata?.labels ?? {};
  const empty = typeof selector === 'object' && Object.keys(selector).length === 0;
  if (empty) return apiVersion === 'apps/v1' ? `is empty: apps/v1 requires a ${kind} to select its pods by label` : undefined;
  if (labelSelectorMatches(selector, labels)) return undefined;
  const miss = closestMiss(selector as LabelSelector, [{ labels, name: 'the pod template' }]);
  const template = `${w.templatePath}.metadata.labels`;
  return miss
    ? `does not select the pods of its own template: it wants ${miss.wanted} where ${template} has ${miss.found}; the API server refuses it`
    : `does not select the pods of its own template (${template}: ${labelList(labels)}); the API server refuses it`;
}

export function checkWorkloads(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  const appNamespaces = set.restrictedNamespaces();
  for (const w of set.workloads) {
    const report = (field: string, message: string, rule: string) => findings.push(findingFor(w.manifest, 'error', rule, field, message));
    const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
    const selector = selectorProblem(w);
    if (selector) report('spec.selector', selector, 'pod-selector');
    // Host access is Pod Security's baseline control: a namespace that says it is privileged allows it
    // (a node exporter's), and where the level is seen nowhere the namespace-context note says so instead.
    const level = set.podSecurityOf(w.namespace);
    const hostAccessJudged = level.level !== 'privileged' && (set.project || level.source !== 'unknown');
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (hostAccessJudged && w.template.spec[field] === true) report(`${spec}.${field}`, 'shares the node’s namespaces', 'host-access');
    }
    (w.template.spec.volumes ?? []).forEach((volume, i) => {
      if (hostAccessJudged && volume.hostPath) report(`${spec}.volumes[${i}].hostPath`, 'mounts a path of the node', 'host-access');
    });
    for (const { container, path } of containers(w)) {
      if (container.name === 'istio-proxy' && container.image === 'auto') {
        const auto = istioAutoImage(w, set);
        if (auto) findings.push(findingFor(w.manifest, auto.severity, 'image-tag', `${path}.image`, auto.message));
        continue;
      }
      const problem = imageProblem(container.image);
      if (problem) report(`${path}.image`, problem, 'image-tag');
    }
    // Restricted includes baseline: both levels get baseline's controls.
    const underRestricted = appNamespaces.has(w.namespace);
    if (underRestricted || level.level === 'baseline') baseline(w, report, underRestricted);
    if (underRestricted) restricted(w, report);

    // A non-root process cannot write a fresh volume unless the volume belongs to its group.
    const claims = [
      ...(w.template.spec.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.name),
      ...(
        (w.manifest.object.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates ?? []
      ).map((t) => t.metadata?.name ?? ''),
    ];
    const pod = w.template.spec.securityContext ?? {};
    const user = pod.runAsUser ?? w.template.spec.containers.map((c) => c.securityContext?.runAsUser).find((u) => u !== undefined);
    if (claims.length && typeof user === 'number' && user !== 0 && pod.fsGroup === undefined) {
      report(
        `${spec}.securityContext.fsGroup`,
        `runs as uid ${user} with a persistent volume but no fsGroup: the volume is not writable${set.project ? " (Grafana's old crash loop)" : ''}`,
        'volume-permissions',
      );
    }
  }
  return findings;
}

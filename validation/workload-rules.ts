// Rules on workloads' pod templates: Pod Security `restricted` (field by field) with requests,
// limits and probes in the application namespaces; pinned images, no host namespaces or hostPath and
// writable volumes everywhere.
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

function restricted(w: Workload, report: (field: string, message: string, rule: string) => void): void {
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
    if (sc.privileged === true) report(`${path}.securityContext.privileged`, 'must not be true', 'pod-security');
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
    if (appNamespaces.has(w.namespace)) restricted(w, report);

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

// Services reach pods on ports that exist and that tell Istio their protocol; NodePorts are unique and
// in range; every ConfigMap and ServiceAccount a pod names exists.
import { NODE_PORT_RANGE } from '../config/node-ports';
import type { KubeObject, Manifest } from './manifest';
import { findingFor, type Finding } from './finding';
import { selects, type Labels, type ManifestSet } from './model';

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

export function checkServices(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('Service')) {
    const spec = (manifest.object.spec ?? {}) as ServiceSpec;
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const injected = set.namespaceInjected(namespace);
    (spec.ports ?? []).forEach((port, i) => {
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
    if (spec.type === 'ExternalName' || !spec.selector || !set.hasWorkloadsIn(namespace)) continue;
    const pods = set.workloads.filter((w) => w.namespace === namespace && selects(spec.selector, w.podLabels));
    if (pods.length === 0) {
      findings.push(findingFor(manifest, 'error', 'service-selector', 'spec.selector', `selects no pods in namespace ${namespace}`));
      continue;
    }
    (spec.ports ?? []).forEach((port, i) => {
      const target = port.targetPort ?? port.port;
      const missing = pods.filter(
        (w) => !w.ports.some((p) => (typeof target === 'string' ? p.name === target : p.containerPort === target)),
      );
      if (missing.length) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'service-port',
            `spec.ports[${i}].targetPort`,
            `${JSON.stringify(target)} is not a container port of ${missing.map((w) => w.manifest.object.metadata?.name).join(', ')}`,
          ),
        );
      }
    });
  }
  return findings;
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

/** ConfigMaps and ServiceAccounts that pods name must exist (Secrets: see secrets.ts). */
export function checkReferences(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  const exists = (kind: string, namespace: string, name: string) =>
    set.manifests.some(
      (m) => m.object.kind === kind && m.object.metadata?.name === name && (m.object.metadata?.namespace ?? namespace) === namespace,
    );
  for (const w of set.workloads) {
    const spec = `${w.templatePath ? `${w.templatePath}.` : ''}spec`;
    const missing = (field: string, kind: string, name: string) =>
      findings.push(findingFor(w.manifest, 'error', 'reference', field, `${kind} "${name}" does not exist in namespace ${w.namespace}`));
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
  return findings;
}

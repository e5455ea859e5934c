import { Construct } from 'constructs';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../../imports/security.istio.io';
import { k8s } from '../k8s';
import { principal, type AllowedCall, type WorkloadAccess } from './call-graph';

export interface WorkloadAccessPolicyProps {
  /** Name of both policy objects: the workload's. */
  readonly name: string;
  readonly namespace: string;
  /** Labels the policies select the workload's pods by. */
  readonly selector: Record<string, string>;
  /** Labels of the policy objects themselves. */
  readonly labels: Record<string, string>;
  readonly access: WorkloadAccess;
  /**
   * Istio trust domain of the principals.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

function peerSelector(call: AllowedCall, namespace: string): k8s.NetworkPolicyPeer {
  const pods = { podSelector: { matchLabels: { ...call.peer.podLabels } } };
  // Peers in this namespace need no namespace selector; others are pinned to theirs.
  return call.peer.namespace === namespace
    ? pods
    : { ...pods, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': call.peer.namespace } } };
}

function tcpPorts(ports: readonly number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
}

/**
 * Opens exactly one workload's edges of the call graph, on top of the namespace's deny-all: an Istio
 * ALLOW policy for its callers' principals and a NetworkPolicy for its callers and callees.
 */
export class WorkloadAccessPolicy extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadAccessPolicyProps) {
    super(scope, id);
    // A connection without ports opens nothing: an empty port list would read as "every port" to a
    // NetworkPolicy and as the invalid port "" to Istio.
    const inbound = props.access.inbound.filter((c) => c.ports.length > 0);
    const outbound = props.access.outbound.filter((c) => c.ports.length > 0);
    const metadata = { name: props.name, namespace: props.namespace, labels: props.labels };

    if (inbound.length > 0) {
      // One rule per port: each caller reaches the ports it was declared for, nothing else.
      const byPorts = new Map<string, string[]>();
      for (const c of inbound) {
        const key = c.ports.join(',');
        byPorts.set(key, [...(byPorts.get(key) ?? []), principal(props.trustDomain ?? 'cluster.local', c.peer)]);
      }
      new AuthorizationPolicy(this, 'authorization', {
        metadata,
        spec: {
          selector: { matchLabels: props.selector },
          action: AuthorizationPolicySpecAction.ALLOW,
          rules: [...byPorts].map(([ports, principals]) => ({
            from: [{ source: { principals: [...new Set(principals)].sort() } }],
            to: [{ operation: { ports: ports.split(',') } }],
          })),
        },
      });
    }

    const policyTypes = [...(inbound.length > 0 ? ['Ingress'] : []), ...(outbound.length > 0 ? ['Egress'] : [])];
    if (policyTypes.length > 0) {
      new k8s.KubeNetworkPolicy(this, 'network', {
        metadata,
        spec: {
          podSelector: { matchLabels: props.selector },
          policyTypes,
          ingress:
            inbound.length > 0 ? inbound.map((c) => ({ from: [peerSelector(c, props.namespace)], ports: tcpPorts(c.ports) })) : undefined,
          egress:
            outbound.length > 0 ? outbound.map((c) => ({ to: [peerSelector(c, props.namespace)], ports: tcpPorts(c.ports) })) : undefined,
        },
      });
    }
  }
}

/** What every workload construct (Microservice, Redis, Postgresql, LoadGenerator) takes for the mesh. */
export interface WorkloadMeshProps {
  /**
   * Its edges of the call graph: the namespace denies everything else.
   * @default no policies of its own (only the namespace's deny-all applies)
   */
  readonly access?: WorkloadAccess;
  /**
   * Istio trust domain of the callers' principals.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/** The workload's own WorkloadAccessPolicy (id `access`, named after it), when `mesh.access` gives its edges. */
export function addAccessPolicy(
  scope: Construct,
  workload: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> },
  selector: Record<string, string>,
  mesh: WorkloadMeshProps,
): void {
  if (!mesh.access) return;
  new WorkloadAccessPolicy(scope, 'access', { ...workload, selector, access: mesh.access, trustDomain: mesh.trustDomain });
}

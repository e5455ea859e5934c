// Resolves the declared call graph (config/call-graph.ts) into what each workload of the application
// namespace accepts and opens, with the identities both policy kinds need.
import type { PlatformConfig } from '../../config/types';
import { selectorLabels } from '../labels';

/** A workload or external peer, as policies see it. */
export interface MeshPeer {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container ports it accepts calls on. */
  readonly ports: readonly number[];
  /** Whether it runs in the application namespace (and so gets policies of its own). */
  readonly internal: boolean;
}

/** One edge of the call graph as one end sees it: the peer at the other end and the ports it may use. */
export interface AllowedCall {
  readonly peer: MeshPeer;
  readonly ports: readonly number[];
}

/** What one workload accepts (inbound) and opens (outbound). */
export interface WorkloadAccess {
  readonly inbound: readonly AllowedCall[];
  readonly outbound: readonly AllowedCall[];
}

/** Every workload of the application namespace and every external peer, by name. */
export function meshPeers(config: PlatformConfig): Map<string, MeshPeer> {
  const namespace = config.environment.namespace;
  const workload = (name: string, port: number): MeshPeer => ({
    name,
    namespace,
    // Every workload runs as a ServiceAccount of its own name.
    serviceAccount: name,
    podLabels: selectorLabels(name),
    ports: [port],
    internal: true,
  });
  const peers = new Map<string, MeshPeer>();
  for (const s of config.services) peers.set(s.name, workload(s.name, s.port));
  peers.set(config.redis.name, workload(config.redis.name, config.redis.port));
  peers.set(config.postgresql.name, workload(config.postgresql.name, config.postgresql.port));
  // It only calls out; nothing calls it.
  peers.set(config.loadGenerator.name, { ...workload(config.loadGenerator.name, 0), ports: [] });
  for (const p of config.callGraph.peers) peers.set(p.name, { ...p, ports: p.ports ?? [], internal: false });
  return peers;
}

/** The mTLS identity of a peer: `<trust domain>/ns/<namespace>/sa/<service account>`. */
export function principal(trustDomain: string, peer: MeshPeer): string {
  return `${trustDomain}/ns/${peer.namespace}/sa/${peer.serviceAccount}`;
}

/**
 * Inbound and outbound allowed calls of every workload in the application namespace. Edges naming an
 * unknown peer are skipped here; config checks report them before anything renders.
 */
export function workloadAccess(config: PlatformConfig): Map<string, WorkloadAccess> {
  const peers = meshPeers(config);
  const access = new Map<string, { inbound: AllowedCall[]; outbound: AllowedCall[] }>();
  for (const peer of peers.values()) if (peer.internal) access.set(peer.name, { inbound: [], outbound: [] });
  for (const edge of config.callGraph.edges) {
    const from = peers.get(edge.from);
    const to = peers.get(edge.to);
    if (!from || !to) continue;
    access.get(to.name)?.inbound.push({ peer: from, ports: to.ports });
    access.get(from.name)?.outbound.push({ peer: to, ports: to.ports });
  }
  return access;
}

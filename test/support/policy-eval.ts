// Evaluates rendered policies the way the cluster would: Istio AuthorizationPolicies for a request
// reaching a workload, Kubernetes NetworkPolicies for a connection attempt between two pods. Lets the
// tests ask "is this edge allowed?" of the output itself, not of the config it came from.
import type { KubeObject } from '../../validation/manifest';
import type { Labels } from '../../validation/model';

interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

// --- Istio AuthorizationPolicy ---------------------------------------------------------------

export interface MeshRequest {
  /** Namespace and pod labels of the workload receiving the request. */
  readonly namespace: string;
  readonly labels: Labels;
  /** mTLS principal of the caller, e.g. `cluster.local/ns/x/sa/y`. */
  readonly principal: string;
  readonly port: number;
}

interface AuthorizationRule {
  readonly from?: readonly { readonly source?: Readonly<Record<string, readonly string[] | undefined>> }[];
  readonly to?: readonly { readonly operation?: Readonly<Record<string, readonly string[] | undefined>> }[];
  readonly when?: readonly unknown[];
}

/** Thrown for policy features this evaluator does not model: guessing either way could hide a leak. */
export class UnsupportedPolicyError extends Error {}

interface AuthorizationSpec {
  readonly selector?: LabelSelector;
  readonly action?: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
  readonly rules?: readonly AuthorizationRule[];
}

/** Istio's string match: exact, `*` alone, a `prefix*` or a `*suffix`. */
function stringMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function ruleMatches(rule: AuthorizationRule, request: MeshRequest): boolean {
  if (rule.when?.length) throw new UnsupportedPolicyError('AuthorizationPolicy rules with `when` conditions');
  const callerNamespace = /\/ns\/([^/]+)\//.exec(request.principal)?.[1] ?? '';
  const fromOk =
    !rule.from ||
    rule.from.some(({ source }) => {
      if (!source) return true;
      const unsupported = Object.keys(source).filter((k) => k !== 'principals' && k !== 'namespaces');
      if (unsupported.length) throw new UnsupportedPolicyError(`AuthorizationPolicy sources with ${unsupported.join(', ')}`);
      const principals = !source.principals || source.principals.some((p) => stringMatch(p, request.principal));
      const namespaces = !source.namespaces || source.namespaces.some((n) => stringMatch(n, callerNamespace));
      return principals && namespaces;
    });
  const toOk =
    !rule.to ||
    rule.to.some(({ operation }) => {
      const unsupported = Object.keys(operation ?? {}).filter((k) => k !== 'ports');
      if (unsupported.length) throw new UnsupportedPolicyError(`AuthorizationPolicy operations with ${unsupported.join(', ')}`);
      return !operation?.ports || operation.ports.includes(String(request.port));
    });
  return fromOk && toOk;
}

/**
 * Whether Istio lets the request through, given every AuthorizationPolicy of the cluster: those in
 * the workload's namespace and those in the mesh's root namespace, which apply everywhere.
 */
export function istioAllows(policies: readonly KubeObject[], request: MeshRequest, rootNamespace = 'istio-system'): boolean {
  const applicable = policies
    .filter(
      (p) => p.kind === 'AuthorizationPolicy' && (p.metadata?.namespace === request.namespace || p.metadata?.namespace === rootNamespace),
    )
    .map((p) => p.spec as AuthorizationSpec)
    .filter((spec) => selects(spec.selector, request.labels));
  const matchesAny = (action: 'ALLOW' | 'DENY') =>
    applicable.filter((s) => (s.action ?? 'ALLOW') === action).some((s) => (s.rules ?? []).some((r) => ruleMatches(r, request)));
  if (matchesAny('DENY')) return false;
  const allows = applicable.filter((s) => (s.action ?? 'ALLOW') === 'ALLOW');
  // No ALLOW policy selects the workload: allowed. Otherwise one of their rules must match.
  return allows.length === 0 || matchesAny('ALLOW');
}

// --- Kubernetes NetworkPolicy ----------------------------------------------------------------

export interface Pod {
  readonly namespace: string;
  readonly labels: Labels;
}

/** One pod opening a connection to another: what NetworkPolicies decide on. */
export interface ConnectionAttempt {
  readonly from: Pod;
  readonly to: Pod;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: unknown;
}

interface PolicyRule {
  readonly from?: readonly PolicyPeer[];
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly { readonly port?: number | string; readonly protocol?: string; readonly endPort?: number }[];
}

interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly PolicyRule[];
  readonly egress?: readonly PolicyRule[];
}

/** Namespaces carry their name as a label (Kubernetes sets it on every namespace). */
function namespaceLabels(namespace: string): Labels {
  return { 'kubernetes.io/metadata.name': namespace };
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) throw new UnsupportedPolicyError('NetworkPolicy ipBlock peers (pod IPs are not modelled)');
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector ?? {}, pod.labels);
}

function portMatches(rule: PolicyRule, connection: ConnectionAttempt): boolean {
  if (!rule.ports?.length) return true;
  return rule.ports.some((p) => {
    if (typeof p.port === 'string')
      throw new UnsupportedPolicyError(`NetworkPolicy named port "${p.port}" (container ports are not modelled)`);
    return (
      (p.protocol ?? 'TCP') === (connection.protocol ?? 'TCP') &&
      (p.port === undefined || (connection.port >= p.port && connection.port <= (p.endPort ?? p.port)))
    );
  });
}

function direction(
  policies: readonly KubeObject[],
  pod: Pod,
  type: 'Ingress' | 'Egress',
  other: Pod,
  connection: ConnectionAttempt,
): boolean {
  const applicable = policies
    .filter((p) => p.kind === 'NetworkPolicy' && p.metadata?.namespace === pod.namespace)
    .map((p) => p.spec as NetworkPolicySpec)
    .filter((spec) => selects(spec.podSelector, pod.labels))
    .filter((spec) => (spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress'])).includes(type));
  if (applicable.length === 0) return true;
  return applicable.some((spec) =>
    ((type === 'Ingress' ? spec.ingress : spec.egress) ?? []).some((rule) => {
      const peers = type === 'Ingress' ? rule.from : rule.to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, pod.namespace, other));
      return peerOk && portMatches(rule, connection);
    }),
  );
}

/** Whether NetworkPolicies let the connection through: egress from one side and ingress to the other. */
export function networkAllows(policies: readonly KubeObject[], connection: ConnectionAttempt): boolean {
  return (
    direction(policies, connection.from, 'Egress', connection.to, connection) &&
    direction(policies, connection.to, 'Ingress', connection.from, connection)
  );
}

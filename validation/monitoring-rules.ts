// Monitoring objects: scrape configs select something, on ports that exist, and never an app port of
// a STRICT-mTLS pod (Prometheus outside the mesh gets nothing there: the old platform's silent
// ServiceMonitors); alert expressions parse, measure CPU against limits and use label values that exist.
import { findingFor, type Finding } from './finding';
import type { MetricLabelValues } from '../config/types';
import type { Manifest } from './manifest';
import { MtlsPolicies } from './mesh-rules';
import { groupBy, labelSelectorMatches, type LabelSelector, type Labels, type ManifestSet, type Workload } from './model';
import { closestMiss, nearMissMessage, operatorPods, targetPortOn, workloadName, type SelectionCandidate } from './service-rules';

/** Sidecar ports Prometheus may scrape in plaintext: merged metrics, Envoy's own. */
const SIDECAR_METRIC_PORTS = new Set([15020, 15090]);

interface Endpoint {
  readonly port?: string;
  readonly portNumber?: number;
  /** Deprecated in both kinds but still honoured by the operator: a container port's name or number. */
  readonly targetPort?: number | string;
  readonly relabelings?: readonly { readonly action?: string; readonly targetLabel?: string; readonly replacement?: string }[];
}

interface MonitorSpec {
  readonly selector?: unknown;
  readonly namespaceSelector?: { readonly any?: boolean; readonly matchNames?: readonly string[] };
}

/**
 * How an endpoint picks container ports, as prometheus-operator writes its keep rule: by `port`
 * (a name), else `portNumber`, else the deprecated `targetPort` (a name or a number); undefined
 * when it picks none and so keeps every port.
 */
function containerPortPick(endpoint: Endpoint): { field: string; name?: string; number?: number } | undefined {
  if (typeof endpoint.port === 'string' && endpoint.port !== '') return { field: 'port', name: endpoint.port };
  if (typeof endpoint.portNumber === 'number' && endpoint.portNumber !== 0) return { field: 'portNumber', number: endpoint.portNumber };
  return targetPortPick(endpoint);
}

function targetPortPick(endpoint: Endpoint): { field: string; name?: string; number?: number } | undefined {
  const target = endpoint.targetPort;
  if (typeof target === 'number' && target !== 0) return { field: 'targetPort', number: target };
  if (typeof target === 'string' && target !== '')
    return /^\d+$/.test(target) ? { field: 'targetPort', number: Number(target) } : { field: 'targetPort', name: target };
  return undefined;
}

function pickLabel(pick: { name?: string; number?: number }): string {
  return pick.name !== undefined ? `"${pick.name}"` : String(pick.number);
}

/** The port Prometheus ends up scraping: a rewritten `__address__` moves a kept target to another port. */
/**
 * The port Prometheus ends up scraping: a rewritten `__address__` with a literal port moves a kept
 * target there. Undefined when the relabelings make it unknowable here: a port taken from a label
 * (an annotation, say) or targets kept or dropped by what the pods are.
 */
function relabelledPort(endpoint: Endpoint, declared: number | undefined): number | undefined {
  const relabelings = (Array.isArray(endpoint.relabelings) ? endpoint.relabelings : []).filter((r) => r && typeof r === 'object');
  if (relabelings.some((r) => /^(keep|drop)(equal)?$/i.test(String(r.action ?? '')))) return undefined;
  const rewrites = relabelings.filter((r) => r.targetLabel === '__address__');
  if (!rewrites.length) return declared;
  const literal = rewrites.map((r) => (typeof r.replacement === 'string' ? /:(\d+)$/.exec(r.replacement)?.[1] : undefined));
  return literal.every((port) => port !== undefined) ? Number(literal.at(-1)) : undefined;
}

/** Items grouped by namespace once, and what a monitor's namespaceSelector reaches of them (its own namespace by default). */
class ByNamespace<T> {
  private readonly groups: Map<string, T[]>;
  constructor(
    private readonly all: readonly T[],
    namespaceOf: (item: T) => string,
  ) {
    this.groups = groupBy(all, namespaceOf);
  }
  in(namespace: string): readonly T[] {
    return this.groups.get(namespace) ?? [];
  }
  inScopeOf(spec: MonitorSpec, own: string): readonly T[] {
    const scope = scopeOf(spec, own);
    return scope === 'any' ? this.all : scope.flatMap((name) => this.in(name));
  }
}

/** The namespaces a monitor's namespaceSelector reaches: every one (`any`), those it names, or its own. */
function scopeOf(spec: MonitorSpec, own: string): readonly string[] | 'any' {
  if (spec.namespaceSelector?.any === true) return 'any';
  const names = spec.namespaceSelector?.matchNames;
  return (Array.isArray(names) && names.length ? [...new Set(names)] : [own]).map(String);
}

/** `Deployment web's port 8080` for a message. */
const target = (pod: Workload, port: number) => `${workloadName(pod)}'s port ${port}`;

export function checkScrapes(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  const policies = new MtlsPolicies(set, defaultNamespace);
  const workloads = new ByNamespace(set.workloads, (w) => w.namespace);
  const operatorMade = new ByNamespace(operatorPods(set, defaultNamespace), (pod) => pod.namespace);
  const services = new ByNamespace(set.ofKind('Service'), (s) => set.namespaceOf(s, defaultNamespace));
  /**
   * Prometheus is outside the mesh: an app port of a pod with a sidecar refuses its plaintext under
   * STRICT (the sidecar's own metrics ports answer it). Refused targets are an error; targets whose
   * mode no policy here sets are a note (a mesh-wide STRICT may be elsewhere).
   */
  const judgePlaintext = (manifest: Manifest, field: string, targets: readonly { pod: Workload; port: number | undefined }[]) => {
    const appPorts = targets.filter(({ pod, port }) => pod.injected && port !== undefined && !SIDECAR_METRIC_PORTS.has(port));
    const named = (list: typeof targets) => [...new Set(list.map(({ pod, port }) => target(pod, port!)))].join(', ');
    const refused = appPorts.filter(({ pod, port }) => policies.modeOf(pod, port) === 'STRICT');
    const undecided = appPorts.filter(({ pod, port }) => policies.modeOf(pod, port) === undefined);
    // One error per pod: each is a workload whose metrics are lost.
    const refusedOf = new Map<Workload, (typeof targets)[number][]>();
    for (const t of refused) {
      const ofPod = refusedOf.get(t.pod);
      if (ofPod) ofPod.push(t);
      else refusedOf.set(t.pod, [t]);
    }
    for (const [, ofPod] of refusedOf) {
      const message = `scrapes ${named(ofPod)} in plaintext, but its pods have a sidecar under STRICT mTLS: Prometheus outside the mesh gets nothing (scrape the sidecar's :15020/stats/prometheus instead)`;
      findings.push(findingFor(manifest, 'error', 'scrape', field, message));
    }
    if (!refused.length && undecided.length) {
      const message = `scrapes ${named(undecided)} in plaintext; those pods have a sidecar and no PeerAuthentication here sets their mTLS mode: if one elsewhere makes it STRICT (a mesh-wide one in istio-system, say), Prometheus outside the mesh gets nothing there`;
      findings.push(findingFor(manifest, 'note', 'scrape', field, message));
    }
  };
  /** The finding for a selector that selects nothing here: an error for a slip, otherwise a note that the targets may be elsewhere. */
  const selectsNothing = (manifest: Manifest, selector: unknown, what: string, candidates: SelectionCandidate[]) => {
    const miss = closestMiss(selector as LabelSelector, candidates);
    if (miss) findings.push(findingFor(manifest, 'error', 'scrape', 'spec.selector', nearMissMessage(`selects no ${what}`, miss)));
    else
      findings.push(
        findingFor(
          manifest,
          'note',
          'scrape',
          'spec.selector',
          `selects no ${what} among the ${candidates.length} in its namespaces in these files; unless they come from elsewhere (a Helm chart, an operator), it scrapes nothing`,
        ),
      );
  };

  for (const manifest of set.ofKind('PodMonitor')) {
    const spec = (manifest.object.spec ?? {}) as MonitorSpec & { podMetricsEndpoints?: Endpoint[] };
    const own = set.namespaceOf(manifest, defaultNamespace);
    const selector = spec.selector ?? {};
    const pods = set.workloadsMatching(scopeOf(spec, own), selector);
    if (!pods.length) {
      const scoped = workloads.inScopeOf(spec, own);
      const made = operatorMade.inScopeOf(spec, own);
      if (scoped.length && !made.some((pod) => labelSelectorMatches(selector, pod.labels)))
        selectsNothing(manifest, selector, 'pods', [...scoped.map((w) => ({ labels: w.podLabels, name: workloadName(w) })), ...made]);
      continue;
    }
    const endpoints = Array.isArray(spec.podMetricsEndpoints) ? spec.podMetricsEndpoints : [];
    endpoints.forEach((endpoint, i) => {
      if (!endpoint || typeof endpoint !== 'object') return;
      const pick = containerPortPick(endpoint);
      // Each selected pod yields a target per declared port the endpoint keeps.
      const targets = pods.flatMap((pod) =>
        pod.ports
          .filter((p) => !pick || (pick.name !== undefined ? p.name === pick.name : p.containerPort === pick.number))
          .map((p) => ({ pod, port: relabelledPort(endpoint, p.containerPort) })),
      );
      if (pick && !targets.length) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'scrape',
            `spec.podMetricsEndpoints[${i}].${pick.field}`,
            `no selected pod (${pods.map(workloadName).join(', ')}) declares container port ${pickLabel(pick)}: the operator keeps no target`,
          ),
        );
        return;
      }
      judgePlaintext(manifest, `spec.podMetricsEndpoints[${i}]${pick ? `.${pick.field}` : ''}`, targets);
    });
  }

  for (const manifest of set.ofKind('ServiceMonitor')) {
    const spec = (manifest.object.spec ?? {}) as MonitorSpec & { endpoints?: Endpoint[] };
    const selector = spec.selector ?? {};
    const own = set.namespaceOf(manifest, defaultNamespace);
    const selected = set.servicesMatching(scopeOf(spec, own), selector);
    if (!selected.length) {
      const scoped = services.inScopeOf(spec, own);
      if (scoped.length)
        selectsNothing(
          manifest,
          selector,
          'Services',
          scoped.map((s) => ({ labels: s.object.metadata?.labels ?? {}, name: `Service ${s.object.metadata?.name}` })),
        );
      continue;
    }
    const endpoints = Array.isArray(spec.endpoints) ? spec.endpoints : [];
    endpoints.forEach((endpoint, i) => {
      if (!endpoint || typeof endpoint !== 'object') return;
      // `port` names a Service port; without it the deprecated `targetPort` picks the pods' container port.
      const byName = typeof endpoint.port === 'string' && endpoint.port !== '' ? endpoint.port : undefined;
      const byTarget = byName === undefined ? targetPortPick(endpoint) : undefined;
      const field = `spec.endpoints[${i}]${byName !== undefined ? '.port' : byTarget ? '.targetPort' : ''}`;
      const targets: { pod: Workload; port: number | undefined }[] = [];
      let keptPorts = 0;
      let podsSeen = false;
      for (const service of selected) {
        const serviceSpec = (service.object.spec ?? {}) as {
          selector?: Labels;
          ports?: { name?: string; port?: number; targetPort?: number | string }[];
        };
        const ports = (Array.isArray(serviceSpec.ports) ? serviceSpec.ports : []).filter((p) => p && typeof p === 'object');
        const kept = byName !== undefined ? ports.filter((p) => p.name === byName) : ports;
        keptPorts += kept.length;
        const behind = set.workloadsSelectedBy(set.namespaceOf(service, defaultNamespace), serviceSpec.selector);
        podsSeen ||= behind.length > 0;
        for (const pod of behind) {
          for (const port of kept) {
            const number = targetPortOn(port, pod);
            if (number === undefined) continue;
            const declared = pod.ports.find((p) => p.containerPort === number);
            if (byTarget && !(byTarget.name !== undefined ? declared?.name === byTarget.name : declared?.containerPort === byTarget.number))
              continue;
            targets.push({ pod, port: relabelledPort(endpoint, number) });
          }
        }
      }
      const names = selected.map((s) => s.object.metadata?.name).join(', ');
      if (byName !== undefined && keptPorts === 0) {
        findings.push(findingFor(manifest, 'error', 'scrape', field, `no selected Service has a port named "${byName}" (${names})`));
        return;
      }
      if (byTarget && podsSeen && !targets.length) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'scrape',
            field,
            `no pod behind the selected Services (${names}) declares container port ${pickLabel(byTarget)}: the operator keeps no target`,
          ),
        );
        return;
      }
      judgePlaintext(manifest, field, targets);
    });
  }
  return findings;
}

interface SyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  getChild(name: string): SyntaxNode | null;
  getChildren(name: string): SyntaxNode[];
}
let promqlParser:
  | {
      parse(text: string): {
        iterate(spec: { enter(node: { type: { isError: boolean; name: string }; from: number; node: SyntaxNode }): void }): void;
      };
    }
  | undefined;

function parsePromql(expr: string): { errors: number[]; selectors: SyntaxNode[] } {
  // A plain require, which the bundler packs into build/: the package is ESM-typed (`"type": "module"`),
  // so TypeScript refuses a static import from this CommonJS code, though its CJS build works.
  promqlParser ??= (require('@prometheus-io/lezer-promql') as { parser: typeof promqlParser }).parser;
  const errors: number[] = [];
  const selectors: SyntaxNode[] = [];
  // lezer-promql looks identifiers up in a plain object, where `constructor` and `__proto__` find
  // Object.prototype's and fail to parse, though Prometheus takes them as metric names: a stand-in of
  // the same length parses alike and keeps every offset (matchers are read from `expr` itself).
  promqlParser!.parse(expr.replace(/\b(?:constructor|__proto__)\b/g, (word) => 'x'.repeat(word.length))).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
      if (node.type.name === 'VectorSelector') selectors.push(node.node);
    },
  });
  return { errors, selectors };
}

/** Offsets of syntax errors in a PromQL expression (Prometheus' own grammar). */
export function promqlErrors(expr: string): number[] {
  return parsePromql(expr).errors;
}

/** A PromQL string literal's value: backquoted ones are raw, quoted ones take Go's escapes. */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  return body.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

export interface LabelMatcher {
  /** The metric the selector names, by name or by `__name__="…"`. */
  readonly metric?: string;
  readonly label: string;
  /** `=`, `!=`, `=~` or `!~`. */
  readonly op: string;
  readonly value: string;
  /** The matcher as written, e.g. `status=~"5.."`. */
  readonly text: string;
}

/** The label matchers of every vector selector in an expression, with the metric each one filters. */
export function labelMatchers(expr: string): LabelMatcher[] {
  const text = (node: SyntaxNode | null) => (node ? expr.slice(node.from, node.to) : undefined);
  return parsePromql(expr).selectors.flatMap((selector) => {
    const matchers = selector.getChild('LabelMatchers');
    const parsed = [
      ...(matchers?.getChildren('UnquotedLabelMatcher') ?? []),
      ...(matchers?.getChildren('QuotedLabelMatcher') ?? []),
    ].flatMap((m) => {
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName')?.getChild('StringLiteral') ?? null;
      const label = m.name === 'QuotedLabelMatcher' ? stringValue(text(name) ?? '""') : text(name);
      const op = text(m.getChild('MatchOp'));
      const literal = m.getChildren('StringLiteral').at(-1);
      return label && op && literal ? [{ label, op, value: stringValue(text(literal)!), text: text(m)! }] : [];
    });
    const quotedName = matchers?.getChild('QuotedLabelName')?.getChild('StringLiteral');
    const metric =
      text(selector.getChild('Identifier')) ??
      (quotedName ? stringValue(text(quotedName)!) : undefined) ??
      parsed.find((m) => m.label === '__name__' && m.op === '=')?.value;
    return parsed.filter((m) => m.label !== '__name__').map((m) => ({ ...m, metric }));
  });
}

/** A PromQL regex as JavaScript runs it: fully anchored, RE2's leading `(?i)` as a flag; undefined when JavaScript cannot read it. */
function promqlRegExp(source: string): RegExp | undefined {
  const caseless = source.startsWith('(?i)');
  try {
    return new RegExp(`^(?:${caseless ? source.slice(4) : source})$`, caseless ? 'iu' : 'u');
  } catch {
    return undefined;
  }
}

const NUMERIC_CODES = Array.from({ length: 500 }, (_, i) => String(100 + i));

/**
 * What is wrong with a matcher on a label whose values are known, if anything: one that can never
 * match (or, negated, never exclude) any of them, or a regex written for numeric codes that meets a
 * class only because its wildcards also match letters (`5..` against `5xx`).
 */
export function matcherProblem(matcher: LabelMatcher, values: readonly string[]): string | undefined {
  const negated = matcher.op.startsWith('!');
  const known = `${matcher.metric}'s ${matcher.label} holds only ${values.join(', ')}`;
  const futile = `${known}: ${matcher.text} ${negated ? 'excludes nothing' : 'never matches'}`;
  if (matcher.op === '=' || matcher.op === '!=') return values.includes(matcher.value) ? undefined : futile;
  const regexp = promqlRegExp(matcher.value);
  if (!regexp) return undefined;
  const matched = values.filter((v) => regexp.test(v));
  if (!matched.length) return futile;
  const writtenForCodes = NUMERIC_CODES.some((code) => regexp.test(code));
  if (!writtenForCodes || matched.length === values.length || matched.some((v) => matcher.value.includes(v))) return undefined;
  const rewrite =
    matched.length === 1
      ? `${matcher.label}${negated ? '!=' : '='}"${matched[0]}"`
      : `${matcher.label}${negated ? '!~' : '=~'}"${matched.join('|')}"`;
  return `${known}: ${matcher.text} is written for numeric codes and meets ${matched.join(', ')} only because its wildcards also match letters; write ${rewrite}`;
}

export function checkRules(set: ManifestSet, metricLabels: MetricLabelValues = {}): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('PrometheusRule')) {
    const spec = (manifest.object.spec ?? {}) as { groups?: unknown };
    const groups = Array.isArray(spec.groups) ? (spec.groups as { rules?: unknown }[]) : [];
    groups.forEach((group, g) => {
      const rules = Array.isArray(group?.rules) ? (group.rules as { alert?: string; expr?: string | number }[]) : [];
      rules.forEach((rule, r) => {
        if (!rule || typeof rule !== 'object') return;
        const field = `spec.groups[${g}].rules[${r}].expr`;
        const expr = String(rule.expr ?? '');
        const errors = promqlErrors(expr);
        if (errors.length) findings.push(findingFor(manifest, 'error', 'promql', field, `does not parse (at offset ${errors[0]})`));
        if (rule.alert && /container_cpu_usage_seconds_total/.test(expr) && !/resource_limits|resource_requests/.test(expr)) {
          findings.push(
            findingFor(manifest, 'warning', 'promql', field, 'measures CPU against one core, not against the container’s limit'),
          );
        }
        // Only metrics whose label values the context declares (this project's services') are judged:
        // the same name elsewhere may well count numeric codes.
        for (const matcher of labelMatchers(expr)) {
          // Own entries only: a metric named `valueOf` has no label values of Object.prototype's.
          const labels =
            matcher.metric !== undefined && Object.hasOwn(metricLabels, matcher.metric) ? metricLabels[matcher.metric] : undefined;
          const values = labels && Object.hasOwn(labels, matcher.label) ? labels[matcher.label] : undefined;
          const problem = values && matcherProblem(matcher, values);
          if (problem) findings.push(findingFor(manifest, 'warning', 'promql', field, problem));
        }
      });
    });
  }
  return findings;
}

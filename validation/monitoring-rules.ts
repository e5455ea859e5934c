// Monitoring objects: scrape configs select something, on ports that exist, and never an app port of
// a STRICT-mTLS pod (Prometheus outside the mesh gets nothing there: the old platform's silent
// ServiceMonitors); alert expressions parse, measure CPU against limits and use label values that exist.
import { findingFor, type Finding } from './finding';
import { selects, type Labels, type ManifestSet, type Workload } from './model';

/** Sidecar ports Prometheus may scrape in plaintext: merged metrics, Envoy's own. */
const SIDECAR_METRIC_PORTS = new Set([15020, 15090]);

interface Endpoint {
  readonly port?: string;
  readonly portNumber?: number;
  readonly relabelings?: readonly { readonly targetLabel?: string; readonly replacement?: string }[];
}

/** The port Prometheus scrapes on the pod, or undefined when the endpoint yields no target there. */
function scrapedPort(endpoint: Endpoint, pod: Workload): number | undefined {
  // The operator keeps only the targets of the named (or numbered) declared port; a rewritten
  // `__address__` moves those targets, it does not make one for a port the pod lacks.
  const byPort = endpoint.port !== undefined || endpoint.portNumber !== undefined;
  const byNumber = endpoint.port === undefined && endpoint.portNumber !== undefined;
  const declared = pod.ports.find((p) => (byNumber ? p.containerPort === endpoint.portNumber : p.name === endpoint.port));
  if (byPort && !declared) return undefined;
  const rewritten = endpoint.relabelings?.find((r) => r.targetLabel === '__address__')?.replacement;
  const fromRelabel = rewritten ? Number(/:(\d+)$/.exec(rewritten)?.[1]) : undefined;
  return fromRelabel || declared?.containerPort;
}

function namespacesOf(spec: { namespaceSelector?: { any?: boolean; matchNames?: string[] } }, own: string): (ns: string) => boolean {
  if (spec.namespaceSelector?.any) return () => true;
  const names = spec.namespaceSelector?.matchNames;
  return names?.length ? (ns) => names.includes(ns) : (ns) => ns === own;
}

export function checkScrapes(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('PodMonitor')) {
    const spec = (manifest.object.spec ?? {}) as {
      selector?: { matchLabels?: Labels };
      namespaceSelector?: { any?: boolean; matchNames?: string[] };
      podMetricsEndpoints?: Endpoint[];
    };
    const inScope = namespacesOf(spec, set.namespaceOf(manifest, defaultNamespace));
    const pods = set.workloads.filter((w) => inScope(w.namespace) && selects(spec.selector?.matchLabels ?? {}, w.podLabels));
    if (!pods.length) {
      if (set.workloads.some((w) => inScope(w.namespace)))
        findings.push(findingFor(manifest, 'error', 'scrape', 'spec.selector', 'selects no pods'));
      continue;
    }
    (spec.podMetricsEndpoints ?? []).forEach((endpoint, i) => {
      for (const pod of pods) {
        const port = scrapedPort(endpoint, pod);
        const name = pod.manifest.object.metadata?.name;
        if (port === undefined) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'scrape',
              `spec.podMetricsEndpoints[${i}].port`,
              `${name} has no container port "${endpoint.port ?? endpoint.portNumber}"`,
            ),
          );
        } else if (pod.injected && !SIDECAR_METRIC_PORTS.has(port)) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'scrape',
              `spec.podMetricsEndpoints[${i}]`,
              `scrapes ${name}'s app port ${port} in plaintext, but its sidecar requires mTLS: Prometheus outside the mesh gets nothing (scrape :15020/stats/prometheus instead)`,
            ),
          );
        }
      }
    });
  }
  for (const manifest of set.ofKind('ServiceMonitor')) {
    const spec = (manifest.object.spec ?? {}) as {
      selector?: { matchLabels?: Labels };
      namespaceSelector?: { any?: boolean; matchNames?: string[] };
      endpoints?: Endpoint[];
    };
    const inScope = namespacesOf(spec, set.namespaceOf(manifest, defaultNamespace));
    const services = set
      .ofKind('Service')
      .filter(
        (s) => inScope(set.namespaceOf(s, defaultNamespace)) && selects(spec.selector?.matchLabels ?? {}, s.object.metadata?.labels ?? {}),
      );
    if (!services.length) {
      const judged = set.manifests.some((m) => m.object.kind === 'Service' && inScope(set.namespaceOf(m, defaultNamespace)));
      if (judged) findings.push(findingFor(manifest, 'error', 'scrape', 'spec.selector', 'selects no Services'));
      continue;
    }
    (spec.endpoints ?? []).forEach((endpoint, i) => {
      for (const service of services) {
        const ports =
          (service.object.spec as { ports?: { name?: string; port: number; targetPort?: number | string }[] } | undefined)?.ports ?? [];
        const port = ports.find((p) => p.name === endpoint.port);
        if (!port) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'scrape',
              `spec.endpoints[${i}].port`,
              `Service ${service.object.metadata?.name} has no port "${endpoint.port}"`,
            ),
          );
          continue;
        }
        const namespace = set.namespaceOf(service, defaultNamespace);
        const selector = (service.object.spec as { selector?: Labels } | undefined)?.selector;
        const behind = set.workloads.filter((w) => w.namespace === namespace && selects(selector, w.podLabels));
        if (
          behind.some((w) => w.injected) &&
          !SIDECAR_METRIC_PORTS.has(typeof port.targetPort === 'number' ? port.targetPort : port.port)
        ) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'scrape',
              `spec.endpoints[${i}].port`,
              `scrapes Service ${service.object.metadata?.name}'s app port in plaintext, but its pods require mTLS: Prometheus outside the mesh gets nothing`,
            ),
          );
        }
      }
    });
  }
  return findings;
}

let promqlParser:
  { parse(text: string): { iterate(spec: { enter(node: { type: { isError: boolean }; from: number }): void }): void } } | undefined;

/** Offsets of syntax errors in a PromQL expression (Prometheus' own grammar). */
export function promqlErrors(expr: string): number[] {
  // A plain require, which the bundler packs into build/: the package is ESM-typed (`"type": "module"`),
  // so TypeScript refuses a static import from this CommonJS code, though its CJS build works.
  promqlParser ??= (require('@prometheus-io/lezer-promql') as { parser: typeof promqlParser }).parser;
  const errors: number[] = [];
  promqlParser!.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

export function checkRules(set: ManifestSet): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('PrometheusRule')) {
    const groups = ((manifest.object.spec ?? {}) as { groups?: { rules?: { alert?: string; expr?: string | number }[] }[] }).groups ?? [];
    groups.forEach((group, g) =>
      (group.rules ?? []).forEach((rule, r) => {
        const field = `spec.groups[${g}].rules[${r}].expr`;
        const expr = String(rule.expr ?? '');
        const errors = promqlErrors(expr);
        if (errors.length) findings.push(findingFor(manifest, 'error', 'promql', field, `does not parse (at offset ${errors[0]})`));
        if (rule.alert && /container_cpu_usage_seconds_total/.test(expr) && !/resource_limits|resource_requests/.test(expr)) {
          findings.push(
            findingFor(manifest, 'warning', 'promql', field, 'measures CPU against one core, not against the container’s limit'),
          );
        }
        // The services count requests by status class: "2xx", "4xx", "5xx".
        const status = /http_requests_total\{[^}]*status="(\d{3})"/.exec(expr);
        if (status)
          findings.push(
            findingFor(
              manifest,
              'warning',
              'promql',
              field,
              `http_requests_total has status classes (2xx, 4xx, 5xx): status="${status[1]}" never matches`,
            ),
          );
      }),
    );
  }
  return findings;
}

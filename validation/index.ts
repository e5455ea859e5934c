// The validation gate: every rule over a set of manifests, with explicit per-object waivers. Synth runs
// it on its own output before writing; `npm run validate` runs it on any YAML.
import type { ExternalSecret, MetricLabelValues } from '../config/types';
import type { Manifest } from './manifest';
import { checkApplicationPaths } from './argocd-rules';
import type { Finding } from './finding';
import { checkMtls, checkVirtualServices } from './mesh-rules';
import { conformed } from './conform';
import { ManifestSet, type SetContext } from './model';
import { checkNamespaceContext } from './namespace-context';
import { checkRules, checkScrapes } from './monitoring-rules';
import { checkAutoscaling, checkDisruptionBudgets } from './scaling-rules';
import { checkSchemas } from './schema';
import { checkNoSecretData, checkSecretReferences } from './secrets';
import { checkNodePorts, checkReferences, checkServices } from './service-rules';
import { checkWorkloads } from './workload-rules';

/**
 * What the rules know beyond the manifests (docs/validation.md: "Modes"). `mode` (default `project`)
 * says whose YAML it is: in `foreign` mode no message names this project's files or history, and a
 * Secret nowhere to be seen is a note, not an error. `namespaceLabels` and `podSecurity` state the
 * namespaces the manifests do not show (see SetContext).
 */
export interface ValidationContext extends SetContext {
  /** Secrets created outside git that references may name, with their keys: config's, in project mode. */
  readonly externalSecrets: readonly ExternalSecret[];
  /** Namespace of objects, and of declared Secrets, that name none. */
  readonly defaultNamespace: string;
  /** `namespace/name` of Secrets that exist outside the manifests, with any keys (`--external-secret`). */
  readonly statedSecrets?: readonly string[];
  /** The label values of metrics the judged services export (this project's); without it PromQL label values are not judged. */
  readonly metricLabels?: MetricLabelValues;
  /** Folders among the inputs besides the manifests' own (source trees, folders of other files): argocd-path counts them. */
  readonly inputFolders?: readonly string[];
}

/** Objects waive a rule with `waive.validation.titanium.dev/<rule>: <reason>`. */
export const WAIVER_PREFIX = 'waive.validation.titanium.dev/';

/** Every rule id, for docs/validation.md: "Rules" and for waivers. */
export const RULES = [
  'schema',
  'secret-data',
  'secret-ref',
  'pod-security',
  'resources',
  'probes',
  'image-tag',
  'host-access',
  'volume-permissions',
  'service-selector',
  'service-port',
  'port-protocol',
  'route-destination',
  'route-rewrite',
  'mtls',
  'scrape',
  'promql',
  'hpa',
  'pdb',
  'pod-selector',
  'node-port',
  'reference',
  'argocd-path',
] as const;

function applyWaivers(findings: readonly Finding[], manifests: readonly Manifest[]): Finding[] {
  const byObjectAndFile = new Map(
    manifests.map((m) => [`${m.file}|${m.object.kind}/${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name ?? ''}`, m]),
  );
  return findings.map((f) => {
    const [kind, ...rest] = (f.object ?? '').split('/');
    const name = rest.pop() ?? '';
    const namespace = rest.join('/');
    const manifest = byObjectAndFile.get(`${f.file}|${kind}/${namespace}/${name}`);
    const reason = manifest?.object.metadata?.annotations?.[`${WAIVER_PREFIX}${f.rule}`];
    return reason && f.severity !== 'waived' ? { ...f, severity: 'waived' as const, reason } : f;
  });
}

/**
 * A rule that stopped on input it did not expect (a bug of the validator): one error that says so,
 * instead of an exception that loses every other rule's findings.
 */
function internalError(what: string, error: unknown): Finding {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    severity: 'error',
    rule: 'internal',
    message: `${what} stopped on unexpected input (${cause}): its findings are missing, the other rules ran; please report this with the file`,
  };
}

function guarded(rules: string, check: () => Finding[]): Finding[] {
  try {
    return check();
  } catch (error) {
    return [internalError(`rule ${rules}`, error)];
  }
}

export function validateManifests(manifests: readonly Manifest[], context: ValidationContext): Finding[] {
  const ns = context.defaultNamespace;
  // The schema rule judges the objects as written; the others read them conformed to their schema
  // (validation/conform.ts), so a value of the wrong type is reported once, by the schema rule.
  const judged = manifests.map((m) => {
    try {
      return conformed(m);
    } catch {
      return m;
    }
  });
  const { mode, namespaceLabels, podSecurity, work } = context;
  const findings = guarded('schema', () => checkSchemas(manifests));
  let set: ManifestSet | undefined;
  try {
    set = new ManifestSet(judged, ns, { mode, namespaceLabels, podSecurity, work });
  } catch (error) {
    findings.push(internalError('reading workloads, Services and namespaces for the rules after schema', error));
  }
  if (set) {
    const model = set;
    const checks: [string, () => Finding[]][] = [
      ['namespace context', () => checkNamespaceContext(model, ns)],
      // The set's manifests are `judged`, counted when `work` is given.
      ['secret-data', () => checkNoSecretData(model.manifests, model.mode, ns)],
      [
        'secret-ref',
        () => checkSecretReferences(model.manifests, context.externalSecrets, ns, { mode: model.mode, stated: context.statedSecrets }),
      ],
      ['pod-security, resources, probes, image-tag, host-access, volume-permissions', () => checkWorkloads(model)],
      ['service-selector, service-port, port-protocol', () => checkServices(model, ns)],
      ['route-destination, route-rewrite', () => checkVirtualServices(model, ns)],
      ['mtls', () => checkMtls(model, ns)],
      ['scrape', () => checkScrapes(model, ns)],
      // Label values config declares are this project's services'; in anyone else's YAML the same metric name may count codes.
      ['promql', () => checkRules(model, model.project ? context.metricLabels : undefined)],
      ['hpa', () => checkAutoscaling(model, ns)],
      ['pdb', () => checkDisruptionBudgets(model, ns)],
      ['node-port', () => checkNodePorts(model)],
      ['reference', () => checkReferences(model)],
      ['argocd-path', () => checkApplicationPaths(model, context.inputFolders)],
    ];
    for (const [rules, check] of checks) findings.push(...guarded(rules, work ? () => work.during(rules, check) : check));
  }
  try {
    return applyWaivers(findings, judged);
  } catch (error) {
    return [...findings, internalError('applying waivers', error)];
  }
}

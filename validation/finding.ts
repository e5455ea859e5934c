import { objectRef, type Manifest } from './manifest';

/**
 * `waived`: an error or warning the object waives explicitly, with a reason; it fails nothing.
 * `note`: what the validator assumed or left unjudged (context a rule needs that is not among the
 * inputs, a source tree, a file that holds no Kubernetes object); it fails nothing either.
 */
export type Severity = 'error' | 'warning' | 'waived' | 'note';

/** One problem found in rendered output or config, with everything needed to find its cause. */
export interface Finding {
  readonly severity: Severity;
  /** Short rule id, e.g. `schema` or `secret-ref`; waivers name it. */
  readonly rule: string;
  readonly message: string;
  /** File the object is in. */
  readonly file?: string;
  /** `Kind/namespace/name`. */
  readonly object?: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  /** cdk8s construct path, for objects this project renders. */
  readonly construct?: string;
  /** Why it is waived (for `waived` findings). */
  readonly reason?: string;
}

/** `items[2]` + `spec.replicas` → `items[2].spec.replicas`: a field of an object inside a List, as found in its file. */
export function withinItem(item: string | undefined, field: string | undefined): string | undefined {
  if (!item) return field;
  if (!field) return item;
  return field.startsWith('[') ? `${item}${field}` : `${item}.${field}`;
}

export function findingFor(manifest: Manifest, severity: Severity, rule: string, field: string | undefined, message: string): Finding {
  return {
    severity,
    rule,
    message,
    file: manifest.file,
    object: objectRef(manifest.object),
    field: withinItem(manifest.listItem, field),
    construct: manifest.constructPath,
  };
}

/** One line per finding: severity, file, object, field, message, rule, construct. */
export function formatFinding(f: Finding): string {
  const where = [f.file, f.object, f.field].filter((part) => part !== undefined && part !== '').join(' ');
  const construct = f.construct ? ` (construct ${f.construct})` : '';
  const reason = f.reason ? ` — waived: ${f.reason}` : '';
  return `${f.severity.padEnd(7)} ${where ? `${where}: ` : ''}${f.message} [${f.rule}]${reason}${construct}`;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number; waived: number; notes: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    waived: findings.filter((f) => f.severity === 'waived').length,
    notes: findings.filter((f) => f.severity === 'note').length,
  };
}

/** `0 error(s), 1 warning(s), 0 waived`, and `, 2 note(s)` only when there are notes (the line stays as it was without). */
export function summaryLine(findings: readonly Finding[]): string {
  const { errors, warnings, waived, notes } = countBySeverity(findings);
  return `${errors} error(s), ${warnings} warning(s), ${waived} waived${notes ? `, ${notes} note(s)` : ''}`;
}

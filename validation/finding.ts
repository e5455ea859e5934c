import { objectRef, type Manifest } from './manifest';

/**
 * `waived`: an error or warning the object waives explicitly, with a reason; it fails nothing.
 * `note`: what a rule assumed or skipped because the context it needs is not among the inputs; it fails nothing.
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

export function findingFor(manifest: Manifest, severity: Severity, rule: string, field: string | undefined, message: string): Finding {
  return {
    severity,
    rule,
    message,
    file: manifest.file,
    object: objectRef(manifest.object),
    field,
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

export function summaryLine(findings: readonly Finding[]): string {
  const { errors, warnings, waived, notes } = countBySeverity(findings);
  return `${errors} error(s), ${warnings} warning(s), ${waived} waived${notes ? `, ${notes} note(s)` : ''}`;
}

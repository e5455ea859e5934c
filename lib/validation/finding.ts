import { objectRef, type Manifest } from '../manifest';

export type Severity = 'error' | 'warning';

/** One problem found in rendered output or config, with everything needed to find its cause. */
export interface Finding {
  readonly severity: Severity;
  /** Short rule id, e.g. `schema` or `secret-ref`. */
  readonly rule: string;
  readonly message: string;
  /** File the object is in, relative to the environment's folder. */
  readonly file?: string;
  /** `Kind/namespace/name`. */
  readonly object?: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  /** cdk8s construct path, for objects this project renders. */
  readonly construct?: string;
}

export function findingFor(
  manifest: Manifest,
  severity: Severity,
  rule: string,
  field: string | undefined,
  message: string,
): Finding {
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

/** One line per finding: severity, file, object, field, message, construct. */
export function formatFinding(f: Finding): string {
  const where = [f.file, f.object, f.field].filter((part) => part !== undefined && part !== '').join(' ');
  const construct = f.construct ? ` (construct ${f.construct})` : '';
  return `${f.severity.padEnd(7)} ${where ? `${where}: ` : ''}${f.message} [${f.rule}]${construct}`;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

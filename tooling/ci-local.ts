// Pure parts of `npm run ci:local`: which steps of a workflow job run locally and with what, the
// handful of `${{ }}` expressions a local run can answer, GitHub's file commands ($GITHUB_ENV), and
// the report. scripts/ci-local.ts clones, runs and times.
import { delimiter, resolve } from 'node:path';
import { parse } from 'yaml';

interface RawStep {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string | boolean;
  env?: Record<string, unknown>;
  shell?: string;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}
interface RawJob {
  name?: string;
  if?: string | boolean;
  env?: Record<string, unknown>;
  steps?: RawStep[];
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
}
interface RawWorkflow {
  on?: { workflow_call?: { inputs?: Record<string, { default?: unknown }> } } | unknown;
  env?: Record<string, unknown>;
  jobs?: Record<string, RawJob>;
}

/** A step as a local run sees it: run it (a bash script) or list it as skipped, with why. */
export type PlannedStep =
  | {
      readonly kind: 'run';
      readonly name: string;
      readonly script: string;
      /** Workflow, job and step `env:`, in that order of precedence, expressions substituted. */
      readonly env: Readonly<Record<string, string>>;
      readonly shell: 'bash' | 'sh';
      readonly workingDirectory?: string;
      readonly continueOnError: boolean;
    }
  | { readonly kind: 'skip'; readonly name: string; readonly reason: string };

export interface Plan {
  readonly job: string;
  readonly steps: readonly PlannedStep[];
}

/**
 * Values for the expressions a local run knows: `inputs.<name>` (the workflow_call defaults), and
 * those the caller passes (`github.workspace`, `runner.temp`, `runner.os`, `github.sha`).
 */
export type Known = Readonly<Record<string, string>>;

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** `text` with every known `${{ x }}` replaced; the expressions it could not answer. */
export function substitute(text: string, known: Known): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const replaced = text.replace(EXPRESSION, (whole, expression: string) => {
    if (Object.prototype.hasOwnProperty.call(known, expression)) return known[expression];
    unknown.push(whole);
    return whole;
  });
  return { text: replaced, unknown };
}

const STATUS: Readonly<Record<string, boolean>> = {
  'success()': true,
  'always()': true,
  'cancelled()': false,
  'failure()': false,
};

/** One operand of an `&&` chain: a status function, a literal, a known value, or `x == 'y'`. */
function operand(text: string, known: Known): boolean | undefined {
  const expression = text.trim();
  if (expression in STATUS) return STATUS[expression];
  const negated = /^!\s*(.+)$/.exec(expression);
  if (negated) {
    const inner = operand(negated[1], known);
    return inner === undefined ? undefined : !inner;
  }
  const value = (term: string): string | undefined => {
    const literal = /^'((?:[^']|'')*)'$/.exec(term);
    if (literal) return literal[1].replace(/''/g, "'");
    if (term === 'true' || term === 'false') return term;
    return Object.prototype.hasOwnProperty.call(known, term) ? known[term] : undefined;
  };
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(expression);
  if (comparison) {
    const [left, right] = [value(comparison[1].trim()), value(comparison[3].trim())];
    if (left === undefined || right === undefined) return undefined;
    // GitHub compares strings ignoring case.
    return (left.toLowerCase() === right.toLowerCase()) === (comparison[2] === '==');
  }
  // A quoted string is true when not empty; a known value is a string too, and a boolean input's
  // default arrives as 'true' or 'false'.
  if (/^'.*'$/.test(expression)) return expression !== "''";
  const single = value(expression);
  return single === undefined ? undefined : single !== '' && single !== 'false';
}

/**
 * A step's (or job's) `if:` when every step before it succeeded (a local run stops at the first
 * failure): the status functions, `true`/`false`, `!`, and `&&` chains of those, of known values
 * (`inputs.publish`) and of `==`/`!=` comparisons with quoted strings. False as soon as one operand
 * is false; undefined when it needs anything else (`||`, parentheses, an unknown context).
 */
export function evaluateIf(condition: string | boolean | undefined, known: Known = {}): boolean | undefined {
  if (condition === undefined || condition === true) return true;
  if (condition === false) return false;
  const expression = condition
    .trim()
    .replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, '$1')
    .trim();
  // Outside quoted strings and the status functions' own (), nothing but && (and no && inside a string).
  const literals = expression.match(/'(?:[^']|'')*'/g) ?? [];
  const bare = expression.replace(/'(?:[^']|'')*'/g, "''").replace(/\b(success|always|cancelled|failure)\(\)/g, 'status');
  if (/\|\||[()]/.test(bare) || literals.some((literal) => literal.includes('&&'))) return undefined;
  const results = expression.split('&&').map((part) => operand(part, known));
  if (results.includes(false)) return false;
  return results.every((r) => r === true) ? true : undefined;
}

/** The workflow_call inputs' defaults, as `inputs.<name>` values ('' when there is none). */
export function inputDefaults(workflow: RawWorkflow): Record<string, string> {
  const on = workflow.on as { workflow_call?: { inputs?: Record<string, { default?: unknown }> } } | undefined;
  const inputs = (on && typeof on === 'object' && on.workflow_call?.inputs) || {};
  return Object.fromEntries(Object.entries(inputs).map(([name, input]) => [`inputs.${name}`, String(input?.default ?? '')]));
}

const stepName = (step: RawStep): string =>
  step.name ?? (step.run !== undefined ? step.run.trim().split('\n')[0] : (step.uses ?? 'step').replace(/@[0-9a-f]{40}$/, ''));

/** The steps of `job` (default: the workflow's first job), planned for a local run. */
export function planJob(workflowText: string, known: Known, job?: string): Plan {
  const workflow = parse(workflowText) as RawWorkflow;
  const jobs = workflow.jobs ?? {};
  const id = job ?? Object.keys(jobs)[0];
  const raw = id === undefined ? undefined : jobs[id];
  if (!raw) throw new Error(`no job ${job ? `"${job}"` : ''} in the workflow (jobs: ${Object.keys(jobs).join(', ') || 'none'})`);
  if (!raw.steps) throw new Error(`job "${id}" has no steps (it calls a reusable workflow?)`);
  const values = { ...inputDefaults(workflow), ...known };
  // A job whose own `if:` is false (e.g. `inputs.e2e` at its default) runs no step on GitHub either.
  const jobIf = raw.if === undefined ? undefined : evaluateIf(raw.if, values);
  const steps = raw.steps.map((step): PlannedStep => {
    const name = stepName(step);
    if (jobIf === false) return { kind: 'skip', name, reason: `the job's if: ${String(raw.if)} is false` };
    if (step.run === undefined) return { kind: 'skip', name, reason: `uses ${step.uses ?? 'nothing'}` };
    const condition = evaluateIf(step.if, values);
    if (condition === undefined) return { kind: 'skip', name, reason: `if: ${String(step.if)} cannot be evaluated locally` };
    if (!condition) return { kind: 'skip', name, reason: `if: ${String(step.if)} is false` };
    const shell = step.shell ?? raw.defaults?.run?.shell ?? 'bash';
    if (shell !== 'bash' && shell !== 'sh') return { kind: 'skip', name, reason: `shell: ${shell} is not run locally` };
    const unknown: string[] = [];
    const sub = (text: string) => {
      const result = substitute(text, values);
      unknown.push(...result.unknown);
      return result.text;
    };
    const env = Object.fromEntries(
      Object.entries({ ...workflow.env, ...raw.env, ...step.env }).map(([key, value]) => [key, sub(String(value))]),
    );
    const script = sub(step.run);
    const directory = step['working-directory'] ?? raw.defaults?.run?.['working-directory'];
    const workingDirectory = directory === undefined ? undefined : sub(directory);
    if (unknown.length > 0) return { kind: 'skip', name, reason: `needs ${[...new Set(unknown)].join(', ')}, not known locally` };
    return { kind: 'run', name, script, env, shell, workingDirectory, continueOnError: step['continue-on-error'] === true };
  });
  return { job: id, steps };
}

/**
 * The plan with the named steps skipped (`--skip`, for a step that needs what this machine lacks,
 * such as the image scan's registry access). A name that is no step of the job is refused, naming
 * the job's steps.
 */
export function skipSteps(plan: Plan, names: readonly string[]): Plan {
  const known = new Set(plan.steps.map((step) => step.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `--skip ${unknown.map((name) => JSON.stringify(name)).join(', ')}: no such step in job "${plan.job}" (steps: ${[...known].map((name) => JSON.stringify(name)).join(', ')})`,
    );
  }
  const skipped = new Set(names);
  return {
    job: plan.job,
    steps: plan.steps.map((step): PlannedStep =>
      skipped.has(step.name) && step.kind === 'run' ? { kind: 'skip', name: step.name, reason: '--skip' } : step,
    ),
  };
}

/** `KEY=value` lines and `KEY<<DELIMITER` blocks of a $GITHUB_ENV file. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const block = /^([^=<\s]+)<<(.+)$/.exec(line);
    if (block) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== block[2]; i++) body.push(lines[i]);
      env[block[1]] = body.join('\n');
    } else if (line.includes('=')) {
      env[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return env;
}

/** Folders a step added to $GITHUB_PATH, in the order they take in PATH (the last added first). */
export const parsePathFile = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .reverse();

export interface StepResult {
  readonly name: string;
  readonly result: 'ok' | 'failed' | 'skipped' | 'not run';
  readonly seconds?: number;
  /** Exit status of a failed step, or why a step was skipped. */
  readonly detail?: string;
}

const seconds = (value: number | undefined) => (value === undefined ? '' : `${value.toFixed(1)} s`).padStart(8);

/** One line per step (result, wall time, name), and the total. */
export function formatSummary(results: readonly StepResult[], totalSeconds: number): string[] {
  const lines = results.map((r) => `${r.result.padEnd(8)}${seconds(r.seconds)}  ${r.name}${r.detail ? `  (${r.detail})` : ''}`);
  const count = (result: StepResult['result']) => results.filter((r) => r.result === result).length;
  const failed = results.find((r) => r.result === 'failed');
  return [
    ...lines,
    `total   ${seconds(totalSeconds)}  ${count('ok')} ok, ${count('failed')} failed, ${count('skipped')} skipped${count('not run') ? `, ${count('not run')} not run` : ''}`,
    ...(failed ? [`error   step "${failed.name}" failed (${failed.detail})`] : []),
  ];
}

/** Passed on from this shell: what finds programs and reaches the network, nothing about the project. */
const PASSED_ON =
  /^(PATH|LANG|LC_\w+|TZ|TERM|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|TITANIUM_CRDS_MIRROR)$/;

/**
 * The variables a runner would also have, from this shell: PATH without the folders `npm run` puts
 * in front (this checkout's node_modules/.bin, npm's node-gyp-bin), and the CRD mirror as an
 * absolute path (the steps run in the clone, not where it was typed).
 */
export function passedOn(environment: NodeJS.ProcessEnv, cwd = process.cwd()): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) if (value !== undefined && PASSED_ON.test(key)) passed[key] = value;
  if (passed.PATH) {
    passed.PATH = passed.PATH.split(delimiter)
      .filter((dir) => !/[\\/]node_modules[\\/]\.bin$|[\\/]node-gyp-bin$/.test(dir))
      .join(delimiter);
  }
  const mirror = passed.TITANIUM_CRDS_MIRROR;
  if (mirror && !/^[a-z]+:\/\//.test(mirror)) passed.TITANIUM_CRDS_MIRROR = resolve(environment.INIT_CWD ?? cwd, mirror);
  return passed;
}

// For the tests of single constructs (test/constructs/): build a construct in a fresh chart, as
// cdk8s' `Testing.chart()` does, with hand-written props, synthesize it and look at its objects,
// without the platform config.
import { tmpdir } from 'node:os';
import { App, Chart, Testing } from 'cdk8s';

/** One synthesized object, as `Testing.synth` returns it (plain JSON). */
export interface SynthObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly [field: string]: unknown;
}

/**
 * An app for charts that are never written to disk. cdk8s' Testing.app() and Testing.chart() make
 * a temporary folder for each that nothing removes: a hundred per test run.
 */
export const testApp = () => new App({ outdir: tmpdir() });

/** The objects `build` adds to a fresh chart, in synthesis order. */
export function synth(build: (chart: Chart) => void): SynthObject[] {
  const chart = new Chart(testApp(), 'test');
  build(chart);
  return Testing.synth(chart) as SynthObject[];
}

/** `Kind/name` of every object, in synthesis order: what a construct creates, at a glance. */
export function refs(objects: readonly SynthObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`);
}

/** The one object of `kind` (named `name`, when given); throws when there is none or several. */
export function one(objects: readonly SynthObject[], kind: string, name?: string): SynthObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length} among ${refs(objects).join(', ')}`);
  }
  return found[0];
}

/**
 * The value at `path` inside `value` (object keys and array indices), or undefined where the path
 * ends early. Keys are separate arguments, so label keys with dots and slashes need no escaping.
 */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The pod template's spec of a Deployment, StatefulSet or CronJob. */
export function podSpecOf(workload: SynthObject): unknown {
  return workload.kind === 'CronJob'
    ? at(workload, 'spec', 'jobTemplate', 'spec', 'template', 'spec')
    : at(workload, 'spec', 'template', 'spec');
}

/** The first (for the platform's workloads: the only) container of a workload's pod template. */
export function containerOf(workload: SynthObject): unknown {
  return at(podSpecOf(workload), 'containers', 0);
}

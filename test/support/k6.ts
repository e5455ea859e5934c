// Runs the generated k6 scripts' own code in Node, with stand-ins for the k6 modules they import
// (`k6/http`, `k6/metrics`) and for k6's `__ENV` and console, so tests check what the scripts do:
// which request goes out, what counts as failed, what is counted as unexpected, what is logged.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `http.expectedStatuses(...)` was given: status codes and `{ min, max }` ranges. */
export type ExpectedStatusesArg = number | { min: number; max: number };

/** One request sent through the mix's `send`, with the answer the stand-in gave it. */
export interface K6Send {
  readonly name: string;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
  /** The arguments of the `http.expectedStatuses` call behind the request's `responseCallback`. */
  readonly expectedStatuses: ExpectedStatusesArg[];
  /** Every `Counter.add` the send made. */
  readonly samples: { metric: string; value: number; tags: Record<string, string> }[];
  readonly warnings: string[];
}

export interface K6Exercise {
  /** Names of the Counters the scripts create. */
  readonly counters: string[];
  readonly options: { steady: { thresholds?: Record<string, string[]> }; spike: { thresholds?: Record<string, string[]> } };
  /** Every request of the mix, sent once per answer: each of its expected statuses and each of the given ones. */
  readonly sends: K6Send[];
  /** What a second round of 418 answers to every request logged (a line is logged once per request and status). */
  readonly repeatWarnings: string[];
  /** How often `sendOne` picked each request name over `draws` evenly spread random numbers. */
  readonly picks: Record<string, number>;
}

const SETUP = `
globalThis.__ENV = { TARGET: 'http://target', RATE: '5', PEAK_RATE: '50' };
globalThis.k6 = { counters: [], samples: [], calls: [], warnings: [], answer: () => 200 };
console.warn = (...parts) => globalThis.k6.warnings.push(parts.join(' '));
`;
const HTTP = `
export default {
  expectedStatuses: (...args) => ({ expectedStatuses: args }),
  request(method, url, body, params) {
    const status = globalThis.k6.answer(method, url);
    globalThis.k6.calls.push({ method, url, body, params, status });
    return { status };
  },
};
`;
const METRICS = `
export class Counter {
  constructor(name) { this.name = name; globalThis.k6.counters.push(name); }
  add(value, tags) { globalThis.k6.samples.push({ metric: this.name, value, tags }); }
}
`;
const driver = (statuses: readonly number[], draws: number) => `
import './setup.js';
import * as mix from './requests.js';
import { options as steady } from './steady.js';
import { options as spike } from './spike.js';
const { k6 } = globalThis;
const sends = [];
for (const [index, r] of mix.requests.entries()) {
  for (const status of [...new Set([...r.expect, ...${JSON.stringify(statuses)}])]) {
    k6.samples = []; k6.calls = []; k6.warnings = [];
    k6.answer = () => status;
    mix.send(__ENV.TARGET, index);
    const [call] = k6.calls;
    sends.push({
      name: r.name, status, method: call.method, url: call.url, body: call.body,
      headers: call.params.headers, tags: call.params.tags, expectedStatuses: call.params.responseCallback.expectedStatuses,
      samples: [...k6.samples], warnings: [...k6.warnings],
    });
  }
}
// A second round of the same answers: the log line is written once, the counter counts every time.
k6.warnings = [];
for (const [index] of mix.requests.entries()) { k6.answer = () => 418; mix.send(__ENV.TARGET, index); }
const repeatWarnings = [...k6.warnings];
const picks = {};
k6.answer = () => 200;
for (let k = 0; k < ${draws}; k++) {
  Math.random = () => (k + 0.5) / ${draws};
  k6.calls = [];
  mix.sendOne(__ENV.TARGET);
  const picked = mix.requests.find((r) => __ENV.TARGET + r.path === k6.calls[0].url && r.method === k6.calls[0].method).name;
  picks[picked] = (picks[picked] ?? 0) + 1;
}
console.log(JSON.stringify({ counters: k6.counters, options: { steady, spike }, sends, picks, repeatWarnings }));
`;

/**
 * Sends every request of the generated mix once for each of its expected statuses and each of
 * `statuses`, and `draws` picks through `sendOne`; `scripts` is the ConfigMap's data.
 */
export function exerciseK6Scripts(scripts: Readonly<Record<string, string>>, statuses: readonly number[], draws = 1000): K6Exercise {
  const dir = mkdtempSync(join(tmpdir(), 'titanium-k6-run-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    const k6 = join(dir, 'node_modules', 'k6');
    mkdirSync(k6, { recursive: true });
    writeFileSync(
      join(k6, 'package.json'),
      JSON.stringify({ name: 'k6', type: 'module', exports: { './http': './http.js', './metrics': './metrics.js' } }),
    );
    writeFileSync(join(k6, 'http.js'), HTTP);
    writeFileSync(join(k6, 'metrics.js'), METRICS);
    writeFileSync(join(dir, 'setup.js'), SETUP);
    for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'driver.js'), driver(statuses, draws));
    const run = spawnSync(process.execPath, [join(dir, 'driver.js')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the generated k6 scripts failed under the stand-ins:\n${run.stderr}`);
    return JSON.parse(run.stdout) as K6Exercise;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether k6 counts a response as failed, given its `http.expectedStatuses(...)` arguments (k6's documented rule). */
export function failedUnder(expected: readonly ExpectedStatusesArg[], status: number): boolean {
  return !expected.some((e) => (typeof e === 'number' ? e === status : status >= e.min && status <= e.max));
}

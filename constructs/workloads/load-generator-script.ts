// The k6 scripts of the load generator, generated from the typed request mix. `requests.js` holds the
// mix and counts unexpected answers; `steady.js` keeps a constant rate, `spike.js` ramps up, holds and
// ramps down. Rates come from the environment (RATE, PEAK_RATE), set on the pod from config.
import type { LoadGeneratorDefinition } from '../../config/types';

/** Name of the k6 Counter of answers a request's expectations do not list. */
export const UNEXPECTED_STATUS_METRIC = 'unexpected_status';

export function requestsModule(definition: LoadGeneratorDefinition): string {
  const requests = definition.requests.map((r) => ({
    name: r.name,
    method: r.method,
    path: r.path,
    body: r.body ? JSON.stringify(r.body) : null,
    weight: r.weight,
    expect: r.expect.map((e) => e.status),
  }));
  return `// Generated from config/load-generator.ts: the request mix, its weights and each request's expected statuses.
import http from 'k6/http';
import { Counter } from 'k6/metrics';

export const requests = ${JSON.stringify(requests, null, 2)};

const total = requests.reduce((sum, r) => sum + r.weight, 0);

/**
 * Answers a request's expectations do not list, tagged with the request's name and the status (0: no
 * answer). A wrong expectation shows here rather than as a failure.
 */
export const unexpectedStatus = new Counter('${UNEXPECTED_STATUS_METRIC}');

/**
 * One always-true threshold per request: k6 keeps a threshold's sub-metric, so its REST API and
 * end-of-test summary show each request's count of unexpected answers (no output is configured).
 */
export const thresholds = {};
for (const r of requests) thresholds['${UNEXPECTED_STATUS_METRIC}{name:' + r.name + '}'] = ['count>=0'];

// Failed: what the availability objective counts, 5xx and no answer at all (status 0), unless expected;
// an unexpected 4xx is a wrong expectation or route, counted above, not an outage.
const failedUnless = requests.map((r) => http.expectedStatuses({ min: 200, max: 499 }, ...r.expect));

// One log line per VU and request and status, for Loki: which answer, where the expectation said otherwise.
const logged = new Set();

/** Sends the request at position index of the mix, and counts its answer when it is not an expected one. */
export function send(base, index) {
  const r = requests[index];
  const response = http.request(r.method, base + r.path, r.body, {
    headers: r.body ? { 'Content-Type': 'application/json' } : {},
    responseCallback: failedUnless[index],
    tags: { name: r.name },
  });
  if (!r.expect.includes(response.status)) {
    const status = String(response.status);
    unexpectedStatus.add(1, { name: r.name, status });
    if (!logged.has(r.name + ' ' + status)) {
      logged.add(r.name + ' ' + status);
      console.warn('unexpected status ' + status + ' for ' + r.name + ' (' + r.method + ' ' + r.path + '), expected ' + r.expect.join(' or '));
    }
  }
  return response;
}

/** Sends one request, picked at random by weight. */
export function sendOne(base) {
  let pick = Math.random() * total;
  const index = requests.findIndex((candidate) => (pick -= candidate.weight) < 0);
  return send(base, index < 0 ? requests.length - 1 : index);
}
`;
}

export const STEADY_SCRIPT = `// Generated: a constant arrival rate, around the clock (the container restarts it after a day).
import { sendOne, thresholds } from './requests.js';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: '24h',
      preAllocatedVUs: 10,
      maxVUs: 50,
    },
  },
  thresholds,
  discardResponseBodies: true,
};

export default function () {
  sendOne(__ENV.TARGET);
}
`;

export function spikeScript(definition: LoadGeneratorDefinition): string {
  return `// Generated: ramps well above the steady rate, holds, ramps down, then exits.
import { sendOne, thresholds } from './requests.js';

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: Number(__ENV.RATE),
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 300,
      stages: [
        { target: Number(__ENV.PEAK_RATE), duration: '${definition.spike.rampUp}' },
        { target: Number(__ENV.PEAK_RATE), duration: '${definition.spike.hold}' },
        { target: Number(__ENV.RATE), duration: '${definition.spike.rampDown}' },
      ],
    },
  },
  thresholds,
  discardResponseBodies: true,
};

export default function () {
  sendOne(__ENV.TARGET);
}
`;
}

/** Seconds of a k6 duration such as `1m`, `90s`, `1h30m`. */
export function durationSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  const parts = [...duration.matchAll(/(\d+)([hms])/g)];
  if (parts.map((p) => p[0]).join('') !== duration) throw new Error(`not a k6 duration: ${duration}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit], 0);
}

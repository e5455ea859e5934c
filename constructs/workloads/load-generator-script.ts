// The k6 scripts of the load generator, generated from the typed request mix. `requests.js` holds the
// mix; `steady.js` keeps a constant rate, `spike.js` ramps up, holds and ramps down. Rates come from
// the environment (RATE, PEAK_RATE), set on the pod from config.
import type { LoadGeneratorDefinition } from '../../config/types';

export function requestsModule(definition: LoadGeneratorDefinition): string {
  const requests = definition.requests.map((r) => ({
    name: r.name,
    method: r.method,
    path: r.path,
    body: r.body ? JSON.stringify(r.body) : null,
    weight: r.weight,
    expect: r.expect,
  }));
  return `// Generated from config/load-generator.ts: the request mix and its weights.
import http from 'k6/http';

export const requests = ${JSON.stringify(requests, null, 2)};

const total = requests.reduce((sum, r) => sum + r.weight, 0);

/** Sends one request, picked at random by weight; expected statuses do not count as failures. */
export function sendOne(base) {
  let pick = Math.random() * total;
  const r = requests.find((candidate) => (pick -= candidate.weight) < 0) || requests[requests.length - 1];
  return http.request(r.method, base + r.path, r.body, {
    headers: r.body ? { 'Content-Type': 'application/json' } : {},
    responseCallback: http.expectedStatuses(...r.expect),
    tags: { name: r.name },
  });
}
`;
}

export const STEADY_SCRIPT = `// Generated: a constant arrival rate, around the clock (the container restarts it after a day).
import { sendOne } from './requests.js';

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
  discardResponseBodies: true,
};

export default function () {
  sendOne(__ENV.TARGET);
}
`;

export function spikeScript(definition: LoadGeneratorDefinition): string {
  return `// Generated: ramps well above the steady rate, holds, ramps down, then exits.
import { sendOne } from './requests.js';

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

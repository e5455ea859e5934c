// The load generator exercises every route of the ingress (with bad logins and a small share of
// deliberate 404s), enters through the gateway's in-cluster address from outside the mesh (its Pod
// Security is checked with every other workload in pod-security.test.ts), and its spike is a
// suspended CronJob that ends by itself. Every expected status rests on platform.md's words or says
// it is an assumption, and the generated k6 code, run against stand-ins for k6's modules, counts an
// answer outside them as unexpected_status instead of a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import type { PlatformFact, PlatformFactPlace } from '../../config/types';
import { dataChecksum } from '../../constructs/workloads/env-contract';
import { durationSeconds, UNEXPECTED_STATUS_METRIC } from '../../constructs/workloads/load-generator-script';
import { routeRequest, type HttpRoute } from '../../validation/evaluators/routing';
import { environmentNames, objects, podTemplate } from '../support/helpers';
import { exerciseK6Scripts, failedUnder } from '../support/k6';
import type { KubeObject } from '../../validation/manifest';

// platform.md, written out independently of config/load-generator.ts: the passages an expected status
// may quote, by place.
const PLATFORM_MD: Record<PlatformFactPlace, readonly string[]> = {
  'expected answers': [
    'Expected answers through the gateway: `/` 200, `/blog/` 200, `/blog/api/posts` 200, `/blog/api/categories` 200, ' +
      '`POST /api/login` with bad credentials 401, `/nonexistent` 404, `/api/nonexistent` 404 (from api-gateway).',
  ],
  'route table': [
    '| exactly `/api/login` | auth-service:8002 | `/login` |',
    '| prefix `/api/auth/` | auth-service:8002 | the rest after `/api/auth` (e.g. `/api/auth/verify` → `/verify`; the old rewrite produced `//verify`) |',
    '| prefix `/api/users` | user-service:8001 | `/users…` |',
    '| prefix `/blog` | blog-service:8005 | unchanged |',
    '| prefix `/api/` | api-gateway:8000 | unchanged |',
    "| anything else (`/`) | blog-service:8005 | unchanged (unknown paths answer 404: the demo's deliberate error) |",
  ],
  'service table': [
    '| api-gateway | `dongju101/api-gateway` (Go, static binary) | 8000 | `GET /health` → 200 | reverse proxy for `/api/…` and `/blog/api/…`: `*login`→auth `/login`, `*register`→user `/users`, `/users*`→user, `/posts*` and `/categories*`→blog (full path kept), anything else → 404 | auth, user, blog |',
    '| auth-service | `dongju101/auth-service` (Python/FastAPI) | 8002 | `GET /health` | `POST /login` (rate-limited), `GET /verify`; signs JWTs with `INTERNAL_API_SECRET`; exits at start-up when that variable is missing | user (`/users/verify-credentials`) |',
    '| user-service | `dongju101/user-service` (FastAPI) | 8001 | `GET /health` | `POST /users` (201), `GET /users/{name}`, `POST /users/verify-credentials` | PostgreSQL, Redis |',
    '| blog-service | `dongju101/blog-service` (FastAPI) | 8005 | `GET /health` | single-page app at `/` and `/blog/…` (always 200), API at `/blog/api/posts` (GET, POST 201, PATCH, DELETE 204; writes need a Bearer token) and `/blog/api/categories` | auth (`/verify`), PostgreSQL, Redis |',
  ],
};

/** The answers of "Expected answers through the gateway": method, path, status. */
const STATED = [...PLATFORM_MD['expected answers'][0].matchAll(/`(?:(GET|POST) )?(\/[^`]*)`[^,`]*?(\d{3})/g)].map(
  ([, method, path, status]) => ({
    method: method ?? 'GET',
    path,
    status: Number(status),
  }),
);

/**
 * What a GET answers at a service, as far as platform.md's service and route tables say (written out
 * here): blog-service's pages at `/` and `/blog/…` always answer 200, so does its health check, and
 * unknown paths 404; api-gateway passes `/posts*` and `/categories*` under `/api/` to blog-service
 * with the full path and answers anything it does not route itself 404. Undefined: the tables do not say.
 */
function modelledGet(service: string, path: string): number | undefined {
  if (service === 'blog-service') return path === '/' || path.startsWith('/blog/') || path === '/health' ? 200 : 404;
  if (service !== 'api-gateway') return undefined;
  const rest = path.replace(/^\/(blog\/)?api(?=\/)/, '');
  if (/^\/(posts|categories)/.test(rest)) return modelledGet('blog-service', path);
  if (/login$|register$|^\/users/.test(rest)) return undefined;
  return 404;
}

const factsOf = (source: { kind: string; fact?: PlatformFact; facts?: readonly PlatformFact[] }) =>
  source.kind === 'stated' ? [source.fact!] : (source.facts ?? []);

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const all = objects(environment);
  const definition = config.loadGenerator;
  const scripts = all.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'load-generator-scripts')!.data as Record<string, string>;
  const deployment = all.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'load-generator') as KubeObject;
  const cronJob = all.find((o) => o.kind === 'CronJob' && o.metadata?.name === 'load-spike') as KubeObject;
  const routes = (all.find((o) => o.kind === 'VirtualService')!.spec as { http: HttpRoute[] }).http;

  test('its requests reach every route of the ingress', () => {
    const hit = new Set(definition.requests.map((r) => routeRequest(routes, r.path)?.route));
    expect([...hit].sort()).toEqual(config.routes.map((r) => r.name).sort());
  });

  const statuses = (r: (typeof definition.requests)[number]) => r.expect.map((e) => e.status);

  test('bad logins and a small share of deliberate 404s, counted as expected answers', () => {
    const login = definition.requests.find((r) => r.method === 'POST' && r.path === '/api/login')!;
    expect(statuses(login)).toContain(401);
    expect(login.body).toBeDefined();
    const total = definition.requests.reduce((sum, r) => sum + r.weight, 0);
    const share = (requests: typeof definition.requests) => requests.reduce((sum, r) => sum + r.weight, 0) / total;
    // The deliberate ones are platform.md's own: 404 is stated for them.
    const deliberate = definition.requests.filter((r) => r.expect.some((e) => e.status === 404 && e.source.kind === 'stated'));
    expect(share(deliberate)).toBeGreaterThan(0.01);
    expect(share(deliberate)).toBeLessThan(0.1);
    // With every other request that answers, or may answer, 404: still a small share.
    expect(share(definition.requests.filter((r) => statuses(r).includes(404)))).toBeLessThan(0.1);
    expect(deliberate.map((r) => routeRequest(routes, r.path)?.host.split('.')[0]).sort()).toEqual(['api-gateway', 'blog-service']);
  });

  test("every expected status names its source, and every fact it quotes is platform.md's own words at that place", () => {
    for (const r of definition.requests) {
      expect([r.name, r.expect.length > 0]).toEqual([r.name, true]);
      expect([r.name, new Set(statuses(r)).size]).toEqual([r.name, r.expect.length]);
      for (const { status, source } of r.expect) {
        const where = `${r.name} ${status}`;
        const misquoted = factsOf(source).filter((fact) => !PLATFORM_MD[fact.place].some((text) => text.includes(fact.quote)));
        expect([where, misquoted]).toEqual([where, []]);
        if (source.kind === 'derived') expect([where, source.facts.length > 1, source.reasoning.length > 0]).toEqual([where, true, true]);
        if (source.kind === 'assumption') expect([where, source.assumption.length > 0]).toEqual([where, true]);
      }
    }
  });

  test('every answer platform.md states through the gateway is sent and expected, as stated; nothing else claims to be stated', () => {
    expect(STATED).toHaveLength(7);
    for (const answer of STATED) {
      const sent = definition.requests.filter((r) => r.method === answer.method && r.path === answer.path);
      expect([answer, sent.length > 0]).toEqual([answer, true]);
      for (const r of sent) expect([answer, r.expect.find((e) => e.status === answer.status)?.source.kind]).toEqual([answer, 'stated']);
    }
    for (const r of definition.requests) {
      for (const { status, source } of r.expect.filter((e) => e.source.kind === 'stated')) {
        expect(STATED).toContainEqual({ method: r.method, path: r.path, status });
        // The quote is the statement about this path and this status.
        expect(factsOf(source)[0].quote).toMatch(new RegExp(`^\`(${r.method} )?${r.path}\`.* ${status}\\b`));
      }
    }
  });

  test('derived answers are what the route and service tables give, through the rendered routes (GET /api/posts: 404)', () => {
    const model = (path: string) => {
      const routed = routeRequest(routes, path)!;
      return modelledGet(routed.host.split('.')[0], routed.path);
    };
    // The model agrees with every GET answer platform.md states, so it can be trusted with the rest.
    for (const answer of STATED.filter((a) => a.method === 'GET'))
      expect([answer.path, model(answer.path)]).toEqual([answer.path, answer.status]);
    const derived = definition.requests.filter((r) => r.expect.some((e) => e.source.kind === 'derived'));
    expect(derived.length).toBeGreaterThan(0);
    for (const r of derived) {
      expect(r.method).toBe('GET');
      expect([r.path, statuses(r)]).toEqual([r.path, [model(r.path)]]);
    }
    expect(model('/api/posts')).toBe(404);
    for (const r of definition.requests.filter((r) => r.method === 'GET' && r.path === '/api/posts')) expect(statuses(r)).toEqual([404]);
  });

  test('the request mix in the script is the one in config, expected statuses without their sources', () => {
    const embedded = /export const requests = (\[[\s\S]*?\]);\n/.exec(scripts['requests.js'])![1];
    const inScript = JSON.parse(embedded) as { name: string; path: string; expect: number[] }[];
    expect(inScript.map((r) => [r.name, r.path, r.expect])).toEqual(definition.requests.map((r) => [r.name, r.path, statuses(r)]));
  });

  describe('the generated k6 code, run against stand-ins for k6', () => {
    const run = exerciseK6Scripts(scripts, [418, 503, 0]);
    const sends = (name: string) => run.sends.filter((s) => s.name === name);

    test('each request goes to the target with its method, body and name tag', () => {
      for (const r of definition.requests) {
        for (const sent of sends(r.name)) {
          expect(sent).toMatchObject({ method: r.method, url: `http://target${r.path}`, tags: { name: r.name } });
          expect(sent.body === null ? undefined : JSON.parse(sent.body)).toEqual(r.body);
        }
      }
    });

    test('an expected answer is neither counted nor failed', () => {
      for (const r of definition.requests) {
        for (const status of statuses(r)) {
          const sent = sends(r.name).find((s) => s.status === status)!;
          expect([r.name, status, sent.samples, failedUnder(sent.expectedStatuses, status)]).toEqual([r.name, status, [], false]);
        }
      }
    });

    test(`any other is counted as ${UNEXPECTED_STATUS_METRIC} by request and status and logged once; failed only as a 5xx or no answer`, () => {
      expect(run.counters).toEqual([UNEXPECTED_STATUS_METRIC]);
      for (const r of definition.requests) {
        for (const status of [418, 503, 0].filter((s) => !statuses(r).includes(s))) {
          const sent = sends(r.name).find((s) => s.status === status)!;
          const sample = { metric: UNEXPECTED_STATUS_METRIC, value: 1, tags: { name: r.name, status: String(status) } };
          expect([r.name, sent.samples]).toEqual([r.name, [sample]]);
          expect([r.name, status, failedUnder(sent.expectedStatuses, status)]).toEqual([r.name, status, status !== 418]);
          expect(sent.warnings).toEqual([expect.stringContaining(`unexpected status ${status} for ${r.name}`)]);
        }
      }
      expect(run.repeatWarnings).toEqual([]);
    });

    test("both scripts keep one sub-metric per request, so k6's summary and REST API show each one's count", () => {
      const expected = Object.fromEntries(definition.requests.map((r) => [`${UNEXPECTED_STATUS_METRIC}{name:${r.name}}`, ['count>=0']]));
      expect(run.options.steady.thresholds).toEqual(expected);
      expect(run.options.spike.thresholds).toEqual(expected);
    });

    test('sendOne picks each request in proportion to its weight', () => {
      const total = definition.requests.reduce((sum, r) => sum + r.weight, 0);
      for (const r of definition.requests) expect(Math.abs(run.picks[r.name] - (1000 * r.weight) / total)).toBeLessThanOrEqual(1);
    });
  });

  test('the k6 scripts are valid JavaScript modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titanium-k6-'));
    for (const [name, text] of Object.entries(scripts)) {
      const file = join(dir, name.replace(/\.js$/, '.mjs'));
      writeFileSync(file, text);
      const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      expect([name, check.stderr]).toEqual([name, '']);
    }
  });

  test('steady: a constant configured rate through the gateway’s in-cluster address, outside the mesh', () => {
    const pod = podTemplate(deployment)!;
    const [k6] = pod.spec.containers;
    const env = Object.fromEntries((k6.env ?? []).map((e) => [e.name, e.value]));
    expect(env.TARGET).toBe('http://istio-ingressgateway.istio-system.svc.cluster.local');
    expect(env.RATE).toBe(String(config.environment.loadGenerator.steadyRatePerSecond));
    expect((k6 as { args?: string[] }).args).toContain('/scripts/steady.js');
    expect(scripts['steady.js']).toContain("executor: 'constant-arrival-rate'");
    expect(pod.metadata?.annotations?.['sidecar.istio.io/inject']).toBe('false');
    // k6 reads its scripts at start: the pod rolls when they change.
    expect(pod.metadata?.annotations?.['checksum/scripts']).toBe(dataChecksum(scripts));
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
  });

  test('spike: a suspended CronJob, well above the steady rate, that stops by itself', () => {
    const spec = cronJob.spec as {
      suspend: boolean;
      concurrencyPolicy: string;
      jobTemplate: { spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { spec: { restartPolicy: string } } } };
    };
    expect(spec.suspend).toBe(true);
    expect(spec.concurrencyPolicy).toBe('Forbid');
    const job = spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    expect(job.template.spec.restartPolicy).toBe('Never');
    const pod = podTemplate(cronJob)!;
    const env = Object.fromEntries((pod.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
    expect(Number(env.PEAK_RATE)).toBeGreaterThanOrEqual(10 * Number(env.RATE));
    expect(scripts['spike.js']).toContain("executor: 'ramping-arrival-rate'");
    const length =
      durationSeconds(definition.spike.rampUp) + durationSeconds(definition.spike.hold) + durationSeconds(definition.spike.rampDown);
    // "A few minutes": long enough for the HPAs to react (they look at one-minute CPU averages).
    expect(length).toBeGreaterThanOrEqual(180);
    expect(job.activeDeadlineSeconds).toBeGreaterThan(length);
    expect(pod.metadata?.annotations?.['sidecar.istio.io/inject']).toBe('false');
  });
});

test('k6 durations', () => {
  expect(durationSeconds('1m')).toBe(60);
  expect(durationSeconds('1h30m')).toBe(5400);
  expect(() => durationSeconds('1 minute')).toThrow();
});

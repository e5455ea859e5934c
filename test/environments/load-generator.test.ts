// The load generator exercises every route of the ingress (with bad logins and a small share of
// deliberate 404s), enters through the gateway's in-cluster address from outside the mesh (its Pod
// Security is checked with every other workload in pod-security.test.ts), and its spike is a
// suspended CronJob that ends by itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import { durationSeconds } from '../../constructs/workloads/load-generator-script';
import { routeRequest, type HttpRoute } from '../../validation/evaluators/routing';
import { environmentNames, objects, podTemplate } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

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

  test('bad logins and a small share of deliberate 404s, counted as expected answers', () => {
    const login = definition.requests.find((r) => r.method === 'POST' && r.path === '/api/login')!;
    expect(login.expect).toContain(401);
    expect(login.body).toBeDefined();
    const total = definition.requests.reduce((sum, r) => sum + r.weight, 0);
    const missing = definition.requests.filter((r) => r.expect.length === 1 && r.expect[0] === 404);
    const share = missing.reduce((sum, r) => sum + r.weight, 0) / total;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.1);
    // With the user lookups that find nobody, still a small share.
    const possibly404 = definition.requests.filter((r) => r.expect.includes(404));
    expect(possibly404.reduce((sum, r) => sum + r.weight, 0) / total).toBeLessThan(0.1);
    expect(missing.map((r) => routeRequest(routes, r.path)?.host.split('.')[0]).sort()).toEqual(['api-gateway', 'blog-service']);
  });

  test('the request mix in the script is the one in config', () => {
    const embedded = /export const requests = (\[[\s\S]*?\]);\n/.exec(scripts['requests.js'])![1];
    expect((JSON.parse(embedded) as { path: string }[]).map((r) => r.path)).toEqual(definition.requests.map((r) => r.path));
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

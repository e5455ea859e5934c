// The demo runbook (docs/demo-runbook.md) against the config and the rendered objects: every URL is a registered
// NodePort, every object a command names exists, every number it promises is the configured one, and
// it covers the five steps of platform.md's demo in order.
import { platformConfig } from '../../config';
import { observability } from '../../config/observability';
import { grafanaAdmin } from '../../config/secrets';
import { routeRequest, type HttpRoute } from '../../validation/evaluators/routing';
import { named, objects, podTemplate } from '../support/helpers';
import { readDoc } from '../support/docs';

// The whole page is the runbook.
const runbook = readDoc('docs/demo-runbook.md');
const config = platformConfig('prod');
const prod = objects('prod');
const namespace = config.environment.namespace;
const host = config.environment.publicHost;

test('the runbook exists and takes the five demo steps in order', () => {
  expect(runbook.startsWith('# Demo runbook\n')).toBe(true);
  const steps = [...runbook.matchAll(/^## (\d)\. (.+)$/gm)].map((m) => [Number(m[1]), m[2]]);
  expect(steps.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
  const titles = steps.map(([, title]) => String(title).toLowerCase());
  for (const [index, words] of [
    ['kiali', 'graph'],
    ['git push', 'five minutes'],
    ['dashboards', 'logs', 'spike'],
    ['404'],
    ['deleted pod'],
  ].entries()) {
    for (const word of words) expect(titles[index]).toContain(word);
  }
});

test('every URL is a NodePort from the registry, and every operator endpoint is used', () => {
  const urls = [...runbook.matchAll(new RegExp(`http://${host.replace('.', '\\.')}:(\\d+)(/[^\\s>)]*)?`, 'g'))];
  expect(urls.length).toBeGreaterThan(5);
  const registered = new Set(Object.values(config.nodePorts));
  for (const [url, port] of urls) expect({ url, registered: registered.has(Number(port)) }).toEqual({ url, registered: true });
  const { ingressHttp, grafana, kiali, prometheus } = config.nodePorts;
  expect(runbook).toContain(`http://${host}:${kiali}/kiali/`);
  expect(runbook).toContain(`http://${host}:${grafana}/`);
  expect(runbook).toContain(`http://${host}:${prometheus}/alerts`);
  expect(runbook).toContain(`http://${host}:${ingressHttp}/nonexistent`);
});

test('every namespace, label selector and named object in a command exists in the render', () => {
  for (const [, ns] of runbook.matchAll(/--namespace (\S+)/g)) {
    if (ns === 'default') continue;
    expect(prod.some((o) => o.kind === 'Namespace' && o.metadata?.name === ns) || ns === config.delivery.argocd.namespace).toBe(true);
  }
  const selectors = [...runbook.matchAll(/--selector app=([a-z-]+)/g)].map((m) => m[1]);
  expect(selectors.length).toBeGreaterThan(0);
  for (const app of selectors) {
    expect(podTemplate(named(prod, 'Deployment', app))?.metadata?.labels?.app).toBe(app);
  }
  for (const [, kind, name] of runbook.matchAll(/get (deployment|peerauthentication|service) ([a-z0-9-]+)/g)) {
    const kindName = { deployment: 'Deployment', peerauthentication: 'PeerAuthentication', service: 'Service' }[kind]!;
    expect(named(prod, kindName, name).metadata?.namespace).toBe(namespace);
  }
  expect(named(prod, 'Service', 'blog-service')).toBeDefined(); // the one deleted for self-heal
  expect(runbook).toContain('delete pod postgresql-0');
  expect(named(prod, 'StatefulSet', 'postgresql')).toBeDefined();
  expect(runbook).toContain(`user-service.${namespace}:${config.services.find((s) => s.name === 'user-service')!.port}/health`);
});

test('the spike, the Secret and the dashboard are the configured ones', () => {
  expect(runbook).toContain(`--from=cronjob/${config.loadGenerator.spikeName} `);
  expect(named(prod, 'CronJob', config.loadGenerator.spikeName)).toBeDefined();
  expect(runbook).toContain(`ramps to ${config.environment.loadGenerator.spikePeakRatePerSecond} requests/s`);
  expect(runbook).toContain(`rising from about ${config.environment.loadGenerator.steadyRatePerSecond}`);
  const { maxReplicas, targetCpuUtilizationPercent } = config.environment.services.autoscaling;
  expect(runbook).toContain(`replicas climb towards ${maxReplicas} as CPU passes ${targetCpuUtilizationPercent} %`);
  expect(runbook).toContain(`secret ${grafanaAdmin.name}`);
  for (const key of grafanaAdmin.keys) expect(runbook).toContain(`index .data "${key}"`);
  expect(runbook).toContain(`**${observability.dashboard.title}**`);
  expect(runbook).toContain(`{namespace="${namespace}"}`);
  const requests = config.loadGenerator.requests;
  // The deliberate 404s are platform.md's own: the ones it states.
  const missing = requests
    .filter((r) => r.expect.some((e) => e.status === 404 && e.source.kind === 'stated'))
    .reduce((sum, r) => sum + r.weight, 0);
  const share = Math.round((100 * missing) / requests.reduce((sum, r) => sum + r.weight, 0));
  expect(runbook).toContain(`${share} % of the load\n  generator's requests are deliberate 404s`);
});

test('the deliberate 404s go where the runbook says, through the rendered routes', () => {
  const virtualService = prod.find((o) => o.kind === 'VirtualService')!;
  const routes = (virtualService.spec as { http: HttpRoute[] }).http;
  const service = (path: string) => routeRequest(routes, path)?.host.split('.')[0];
  expect(runbook).toMatch(/\/nonexistent +# 404, from blog-service/);
  expect(service('/nonexistent')).toBe('blog-service');
  expect(runbook).toMatch(/\/api\/nonexistent +# 404, from api-gateway/);
  expect(service('/api/nonexistent')).toBe('api-gateway');
  expect(service('/api/login')).toBe('auth-service');
});

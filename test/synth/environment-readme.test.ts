// dist/<env>/README.md and synth's closing table: both must describe what was rendered, and follow
// a real change (a fifth service with a route and callers) without being edited by hand.
import { environmentReadme, topologyMermaid } from '../../synth/environment-readme';
import { kindCounts } from '../../synth/synth-summary';
import { renderEnvironment } from '../../synth/synth';
import { synthSummary } from '../../synth/synth-summary';
import { platformConfig } from '../../config';
import { environmentNames, fifthService, rendered, withConfig, withServices } from '../support/helpers';

const SOURCE = { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false };

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const result = rendered(environment);
  const readme = environmentReadme(config, result, SOURCE);

  test('names the source commit, and says so when the tree was dirty or not a checkout', () => {
    expect(readme).toContain(`from source commit \`${SOURCE.commit}\`.`);
    expect(environmentReadme(config, result, { ...SOURCE, dirty: true })).toContain('**with uncommitted changes**');
    expect(environmentReadme(config, result, undefined)).toContain('not a git checkout');
  });

  test('has one row per folder with its sync wave and the objects actually in it', () => {
    expect(result.folders.map((f) => f.name).sort()).toEqual([...new Set(result.manifests.map((m) => m.path.split('/')[0]))].sort());
    for (const folder of result.folders) {
      const inFolder = result.manifests.filter((m) => m.path.startsWith(`${folder.name}/`));
      expect(readme).toContain(
        `| \`${folder.name}/\` | ${folder.syncWave} | ${inFolder.length}: ${kindCounts(inFolder)} | ${folder.description} |`,
      );
    }
  });

  test('lists every Helm chart Argo CD renders, with its pinned version', () => {
    for (const release of result.releases) {
      expect(readme).toContain(
        `| \`${release.name}\` | ${release.syncWave} | \`${release.chart}\` ${release.version} from <${release.repoURL}> | ${release.namespace} |`,
      );
    }
  });

  test('draws every service with its port, the data stores, every route in match order and every call', () => {
    const diagram = topologyMermaid(config);
    expect(readme).toContain(diagram);
    for (const service of config.services) expect(diagram).toContain(`["${service.name}<br/>:${service.port} http"]`);
    // Every node id is prefixed: a workload called `end` must not end the subgraph.
    for (const [, id] of diagram.matchAll(/^ +([A-Za-z_]+)[[({]/gm)) expect(id === 'client' || id.startsWith('n_')).toBe(true);
    // Mermaid 11 refuses labels that read as Markdown lists or links.
    for (const [, label] of diagram.matchAll(/\|"([^"]*)"\|/g)) expect(label).not.toMatch(/(^|<br\/>)\d+\. |:\/\//);
    for (const store of [config.redis, config.postgresql]) expect(diagram).toContain(`[("${store.name}<br/>:${store.port} tcp")]`);
    config.routes.forEach((route, index) => {
      const path = 'exact' in route.match ? route.match.exact : route.match.prefix;
      expect(diagram).toMatch(new RegExp(`("|<br/>)\\(${index + 1}\\) (= )?${path.replace(/[*/]/g, '\\$&')}`));
    });
    for (const edge of config.callGraph.edges.filter((e) => e.from !== config.callGraph.ingressGateway)) {
      expect(diagram).toContain(`  n_${edge.from.replace(/-/g, '_')} --> n_${edge.to.replace(/-/g, '_')}`);
    }
    expect(diagram).toContain(`"${config.environment.publicHost}:${config.nodePorts.ingressHttp}"`);
  });
});

test('the route labels say what matches and how the path is rewritten', () => {
  const diagram = topologyMermaid(platformConfig('prod'));
  expect(diagram).toContain('n_istio_ingressgateway -->|"(1) = /api/login → /login<br/>(2) /api/auth/* → /"| n_auth_service');
  expect(diagram).toContain('n_istio_ingressgateway -->|"(4) /blog*<br/>(6) /*"| n_blog_service');
});

describe('a real change: a fifth service with a route, called by the api-gateway', () => {
  // At the default maxReplicas a fifth service outgrows prod's ResourceQuota (test/environments/quota.test.ts).
  const notification = fifthService;
  const before = platformConfig('prod');
  const after = withConfig('prod', (c) => ({
    ...withServices(c, notification),
    routes: [{ name: 'notify', match: { prefix: '/api/notify/' }, rewrite: '/', service: notification.name }, ...c.routes],
    callGraph: {
      ...c.callGraph,
      edges: [
        ...c.callGraph.edges,
        { from: c.callGraph.ingressGateway, to: notification.name },
        { from: 'api-gateway', to: notification.name },
      ],
    },
  }));
  const result = renderEnvironment(after);
  const readme = environmentReadme(after, result, SOURCE);
  const summaryOf = (r: typeof result) =>
    synthSummary({ environment: 'prod', directories: { dist: 'dist/prod', argocd: 'argocd/prod' }, ...r, warnings: 0 });

  test('renders cleanly', () => {
    expect(result.findings).toEqual([]);
  });

  test('the picture gains the service, its route (first in order) and its caller', () => {
    const id = `n_${notification.name.replace(/-/g, '_')}`;
    expect(readme).toContain(`${id}["${notification.name}<br/>:${notification.port} http"]`);
    expect(readme).toContain(`n_istio_ingressgateway -->|"(1) /api/notify/* → /"| ${id}`);
    expect(readme).toContain('n_istio_ingressgateway -->|"(2) = /api/login → /login<br/>(3) /api/auth/* → /"| n_auth_service');
    expect(readme).toContain(`  n_api_gateway --> ${id}`);
    expect(environmentReadme(before, rendered('prod'), SOURCE)).not.toContain(notification.name);
  });

  test('the summary and the folder table count its objects', () => {
    const deployments = (r: typeof result) =>
      r.manifests.filter((m) => m.path.startsWith('titanium-prod/') && m.object.kind === 'Deployment').length;
    const was = deployments(rendered('prod'));
    expect(deployments(result)).toBe(was + 1);
    const row = (summary: string) => summary.split('\n').find((line) => line.includes('dist/prod/titanium-prod/'));
    expect(row(summaryOf(rendered('prod')))).toContain(`Deployment ${was}`);
    expect(row(summaryOf(result))).toContain(`Deployment ${was + 1}`);
    const count = result.manifests.filter((m) => m.path.startsWith('titanium-prod/')).length;
    expect(readme).toMatch(new RegExp(`\\| \`titanium-prod/\` \\| \\d+ \\| ${count}: `));
  });

  test('the summary reports warnings and totals', () => {
    const summary = synthSummary({ environment: 'prod', directories: { dist: 'd', argocd: 'a' }, ...result, warnings: 2 });
    expect(summary.split('\n')[0]).toBe(`prod: ${result.manifests.length + result.bootstrap.length} objects, 2 warning(s)`);
    expect(summary.split('\n')[1]).toMatch(/^ {2}folder +objects {2}kinds$/);
  });
});

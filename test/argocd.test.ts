// The Argo CD objects: one child Application per rendered folder, the AppProject exactly as wide as
// the output, the committed bootstrap in argocd/ fresh, and environments as data.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformConfig } from '../config';
import { helmRepositories } from '../config/helm-charts';
import type { EnvironmentConfig } from '../config/types';
import { APPLICATION_HEALTH_LUA } from '../lib/argocd/argocd-settings';
import { appOf, manifestYaml, type RenderedManifest } from '../lib/render';
import { renderEnvironment } from '../lib/synth';
import { ROOT } from './cli';
import { environmentNames, rendered, withConfig, type KubeObject } from './helpers';

interface ApplicationSpec {
  project: string;
  source: { repoURL: string; targetRevision: string; path: string };
  destination: { server: string; namespace?: string };
  syncPolicy: {
    automated: { prune: boolean; selfHeal: boolean };
    retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
    syncOptions: string[];
  };
}
interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist: { group: string; kind: string }[];
}

const spec = <T>(o: KubeObject) => o.spec as T;
const wave = (o: KubeObject) => Number(o.metadata?.annotations?.['argocd.argoproj.io/sync-wave']);

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const { manifests, bootstrap } = rendered(environment);
  const folders = [...new Set(manifests.map(appOf))];
  const children = manifests.filter((m) => appOf(m) === 'argocd-apps' && m.object.kind === 'Application').map((m) => m.object);

  test('argocd/ holds exactly the freshly rendered bootstrap (run `npm run synth -- --env all` and commit)', () => {
    const dir = join(ROOT, 'argocd', environment);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(bootstrap.map((m) => m.path).sort());
    for (const manifest of bootstrap) expect(readFileSync(join(dir, manifest.path), 'utf8')).toBe(manifestYaml(manifest));
  });

  test('one child Application per rendered folder, tracking the deploy branch', () => {
    expect(children.map((a) => a.metadata?.name).sort()).toEqual(folders.filter((f) => f !== 'argocd-apps').sort());
    for (const app of children) {
      const s = spec<ApplicationSpec>(app);
      expect(app.metadata?.namespace).toBe('argocd');
      expect(s.project).toBe('titanium');
      expect(s.source).toEqual({ repoURL: config.delivery.repoURL, targetRevision: 'deploy', path: `${environment}/${app.metadata?.name}` });
      expect(s.destination.server).toBe(config.environment.cluster.server);
    }
  });

  test('every Application path exists in the rendered tree', () => {
    const paths = [...children, ...bootstrap.filter((m) => m.object.kind === 'Application').map((m) => m.object)].map(
      (a) => spec<ApplicationSpec>(a).source.path,
    );
    for (const path of paths) expect(folders.map((f) => `${environment}/${f}`)).toContain(path);
  });

  test('children sync automatically with prune, self-heal, retries with backoff and server-side apply', () => {
    for (const app of children) {
      const { syncPolicy } = spec<ApplicationSpec>(app);
      expect(syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(syncPolicy.retry.backoff.factor).toBeGreaterThan(1);
      expect(syncPolicy.syncOptions).toContain('ServerSideApply=true');
      expect(app.metadata?.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app.spec).not.toHaveProperty('ignoreDifferences');
    }
  });

  test('sync waves: namespaces first, the application last', () => {
    const byName = new Map(children.map((a) => [a.metadata!.name!, wave(a)]));
    const others = [...byName].filter(([name]) => name !== 'namespaces' && name !== config.environment.namespace);
    for (const [, w] of others) {
      expect(byName.get('namespaces')!).toBeLessThan(w);
      expect(byName.get(config.environment.namespace)!).toBeGreaterThan(w);
    }
    expect(byName.get('namespaces')!).toBeLessThan(byName.get(config.environment.namespace)!);
  });

  test('the AppProject allows exactly the platform repositories, namespaces and cluster-scoped kinds', () => {
    const projects = [...manifests, ...bootstrap].filter((m) => m.object.kind === 'AppProject');
    expect(projects).toHaveLength(2);
    expect(projects[0].object).toEqual(projects[1].object);
    const project = spec<ProjectSpec>(projects[0].object);
    expect(project.sourceRepos).toEqual([config.delivery.repoURL, ...helmRepositories()]);
    const renderedNamespaces = new Set(manifests.map((m) => m.object.metadata?.namespace).filter((n): n is string => !!n));
    expect(project.destinations.map((d) => d.namespace).sort()).toEqual([...renderedNamespaces].sort());
    for (const d of project.destinations) expect(d.server).toBe(config.environment.cluster.server);
    const clusterScoped = manifests.filter((m) => !m.object.metadata?.namespace).map((m) => m.object.kind);
    expect(project.clusterResourceWhitelist.map((gk) => gk.kind).sort()).toEqual([...new Set(clusterScoped)].sort());
  });

  test('the bootstrap: project, root app of apps and Argo CD settings', () => {
    const root = bootstrap.find((m) => m.object.kind === 'Application')!.object;
    expect(root.metadata?.name).toBe('titanium-root');
    expect(spec<ApplicationSpec>(root).source.path).toBe(`${environment}/argocd-apps`);
    // Deleting the root by hand must not cascade to the whole platform.
    expect(root.metadata?.finalizers).toBeUndefined();
    const settings = bootstrap.find((m) => m.object.kind === 'ConfigMap')!.object;
    expect(settings.metadata).toMatchObject({ name: 'argocd-cm', namespace: 'argocd' });
    expect(settings.data).toEqual({
      'timeout.reconciliation': '60s',
      'timeout.reconciliation.jitter': '10s',
      'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
    });
  });

  test('namespaces are never pruned or deleted by Argo CD', () => {
    for (const ns of manifests.filter((m) => m.object.kind === 'Namespace')) {
      expect(ns.object.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    }
  });
});

test('the Application health check reports the child health status', () => {
  expect(APPLICATION_HEALTH_LUA).toContain('hs.status = obj.status.health.status');
  expect(APPLICATION_HEALTH_LUA.trim().endsWith('return hs')).toBe(true);
});

describe('a third environment is one config entry', () => {
  const staging: EnvironmentConfig = {
    ...platformConfig('local').environment,
    name: 'staging',
    description: 'a second cluster',
    cluster: { name: 'staging', server: 'https://staging.example.com:6443' },
    namespace: 'titanium-staging',
  };
  const result = renderEnvironment(withConfig('local', () => ({ environment: staging })));
  const files = (list: readonly RenderedManifest[]) => list.map((m) => m.file);

  test('renders its own folders without findings', () => {
    expect(result.findings).toEqual([]);
    expect(files(result.manifests)).toContain('dist/staging/titanium-staging/deployment-api-gateway.yaml');
    expect(files(result.bootstrap)).toContain('argocd/staging/application-titanium-root.yaml');
  });

  test('its Applications read staging/ and deploy to its cluster', () => {
    const apps = [...result.manifests, ...result.bootstrap].filter((m) => m.object.kind === 'Application').map((m) => m.object);
    expect(apps.length).toBeGreaterThan(1);
    for (const app of apps) {
      expect(spec<ApplicationSpec>(app).source.path.startsWith('staging/')).toBe(true);
      expect(spec<ApplicationSpec>(app).destination.server).toBe('https://staging.example.com:6443');
    }
  });
});

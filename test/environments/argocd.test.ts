// The Argo CD objects: one child Application per rendered folder, the AppProject exactly as wide as
// the output, the committed bootstrap in argocd/ fresh, and environments as data.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import { helmRepositories } from '../../config/helm-charts';
import type { EnvironmentConfig } from '../../config/types';
import { parse } from 'yaml';
import { platformReleases } from '../../charts/releases';
import { APPLICATION_HEALTH_LUA } from '../../constructs/argocd/argocd-settings';
import { appOf, type KubeObject } from '../../validation/manifest';
import { manifestYaml } from '../../synth/manifest-yaml';
import type { RenderedManifest } from '../../synth/render';
import { renderEnvironment } from '../../synth/synth';
import { ROOT } from '../support/cli';
import { environmentNames, rendered, withConfig } from '../support/helpers';

interface ApplicationSpec {
  project: string;
  source: { repoURL: string; targetRevision: string; path?: string; chart?: string; helm?: { releaseName: string; valuesObject: unknown } };
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

/** Argo CD's glob match for project destinations: `*` stands for any run of characters. */
function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}

/** Whether a project admits an Application's destination, as Argo CD decides it. */
function permitted(project: ProjectSpec, destination: { server: string; namespace?: string }): boolean {
  return project.destinations.some((d) => glob(d.server, destination.server) && glob(d.namespace, destination.namespace ?? ''));
}

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const { manifests, bootstrap, bootstrapFiles } = rendered(environment);
  const folders = [...new Set(manifests.map(appOf))];
  const children = manifests.filter((m) => appOf(m) === 'argocd-apps' && m.object.kind === 'Application').map((m) => m.object);
  const folderApps = children.filter((a) => spec<ApplicationSpec>(a).source.path !== undefined);
  const helmApps = children.filter((a) => spec<ApplicationSpec>(a).source.chart !== undefined);
  const releases = platformReleases(config);

  test('argocd/ holds exactly the freshly rendered bootstrap (run `npm run synth -- --env all` and commit)', () => {
    const dir = join(ROOT, 'argocd', environment);
    expect(existsSync(dir)).toBe(true);
    const committed = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
    expect(committed).toEqual([...bootstrap.map((m) => m.path), ...bootstrapFiles.map((f) => f.path)].sort());
    for (const manifest of bootstrap) expect(readFileSync(join(dir, manifest.path), 'utf8')).toBe(manifestYaml(manifest));
    for (const file of bootstrapFiles) expect(readFileSync(join(dir, file.path), 'utf8')).toBe(file.content);
  });

  test('`kubectl apply -f argocd/<env>/` (files in name order) creates the AppProject and argocd-cm before the root Application', () => {
    const applied = readdirSync(join(ROOT, 'argocd', environment))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => (parse(readFileSync(join(ROOT, 'argocd', environment, f), 'utf8')) as KubeObject).kind);
    expect(applied.indexOf('Application')).toBe(applied.length - 1);
    expect(applied.indexOf('AppProject')).toBeLessThan(applied.indexOf('Application'));
    expect(applied.indexOf('ConfigMap')).toBeLessThan(applied.indexOf('Application'));
  });

  test('the webhook secret patch holds a reference to the declared Secret, never a value', () => {
    const patch = bootstrapFiles.find((f) => f.path === 'patches/argocd-secret-webhook.yaml')!;
    const secret = config.externalSecrets.find((s) => s.name === 'argocd-github-webhook')!;
    expect(parse(patch.content)).toEqual({ stringData: { 'webhook.github.secret': `$${secret.name}:${secret.keys[0]}` } });
    expect(secret).toMatchObject({ namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } });
  });

  test('one child Application per rendered folder, tracking the deploy branch', () => {
    expect(folderApps.map((a) => a.metadata?.name).sort()).toEqual(folders.filter((f) => f !== 'argocd-apps').sort());
    for (const app of folderApps) {
      const s = spec<ApplicationSpec>(app);
      expect(app.metadata?.namespace).toBe('argocd');
      expect(s.project).toBe('titanium');
      expect(s.source).toEqual({
        repoURL: config.delivery.repoURL,
        targetRevision: 'deploy',
        path: `${environment}/${app.metadata?.name}`,
      });
      expect(s.destination.server).toBe(config.environment.cluster.server);
    }
  });

  test('one child Application per Helm release, at its pinned chart version and release name', () => {
    expect(helmApps.map((a) => a.metadata?.name).sort()).toEqual(releases.map((r) => r.name).sort());
    for (const release of releases) {
      const app = helmApps.find((a) => a.metadata?.name === release.name)!;
      const s = spec<ApplicationSpec>(app);
      expect(s.source).toEqual({
        repoURL: release.chart.repoURL,
        chart: release.chart.chart,
        targetRevision: release.chart.version,
        helm: { releaseName: release.chart.releaseName, valuesObject: release.values },
      });
      expect(s.destination.namespace).toBe(release.chart.namespace);
    }
  });

  test('every Application path exists in the rendered tree', () => {
    const paths = [...folderApps, ...bootstrap.filter((m) => m.object.kind === 'Application').map((m) => m.object)].map(
      (a) => spec<ApplicationSpec>(a).source.path,
    );
    for (const path of paths) expect(folders.map((f) => `${environment}/${f}`)).toContain(path);
  });

  test('every Application names a destination namespace the project admits', () => {
    const project = spec<ProjectSpec>(manifests.find((m) => m.object.kind === 'AppProject')!.object);
    const all = [...children, ...bootstrap.filter((m) => m.object.kind === 'Application').map((m) => m.object)];
    for (const app of all) {
      const { destination } = spec<ApplicationSpec>(app);
      expect([app.metadata?.name, destination.namespace]).toEqual([app.metadata?.name, expect.any(String)]);
      expect([app.metadata?.name, permitted(project, destination)]).toEqual([app.metadata?.name, true]);
    }
    // The check is real: an Application without a namespace is not admitted (argoproj/argo-cd#11510).
    expect(permitted(project, { server: config.environment.cluster.server })).toBe(false);
  });

  test('children sync automatically with prune, self-heal, retries with backoff and server-side apply', () => {
    for (const app of children) {
      const { syncPolicy } = spec<ApplicationSpec>(app);
      expect(syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(syncPolicy.retry.backoff.factor).toBeGreaterThan(1);
      expect(syncPolicy.syncOptions).toContain('ServerSideApply=true');
      expect(app.metadata?.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/foreground']);
    }
  });

  test('ignoreDifferences only where a release declares a reason, and then respected on sync', () => {
    for (const app of children) {
      const release = releases.find((r) => r.name === app.metadata?.name);
      const ignored = (app.spec as { ignoreDifferences?: unknown[] }).ignoreDifferences;
      if (!release?.ignoreDifferences) {
        expect(ignored).toBeUndefined();
        continue;
      }
      for (const entry of release.ignoreDifferences) expect(entry.reason.length).toBeGreaterThan(20);
      expect(ignored).toHaveLength(release.ignoreDifferences.length);
      expect(spec<ApplicationSpec>(app).syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    }
  });

  test('sync waves: the project, then namespaces, CRDs, istiod, the gateway, the rest, the application last', () => {
    const byName = new Map(children.map((a) => [a.metadata!.name!, wave(a)]));
    const others = [...byName].filter(([name]) => name !== 'namespaces' && name !== config.environment.namespace);
    expect(others.length).toBeGreaterThan(3);
    for (const [, w] of others) {
      expect(byName.get('namespaces')!).toBeLessThan(w);
      expect(byName.get(config.environment.namespace)!).toBeGreaterThan(w);
    }
    expect(byName.get('istio-base')!).toBeLessThan(byName.get('istiod')!);
    expect(byName.get('istiod')!).toBeLessThan(byName.get('istio-ingressgateway')!);
    const project = manifests.find((m) => m.object.kind === 'AppProject')!.object;
    expect(wave(project)).toBeLessThan(Math.min(...byName.values()));
  });

  test('the AppProject allows exactly the platform repositories, namespaces and cluster-scoped kinds', () => {
    const projects = [...manifests, ...bootstrap].filter((m) => m.object.kind === 'AppProject');
    expect(projects).toHaveLength(2);
    expect(projects[0].object).toEqual(projects[1].object);
    const project = spec<ProjectSpec>(projects[0].object);
    expect(project.sourceRepos).toEqual([config.delivery.repoURL, ...helmRepositories()]);
    const renderedNamespaces = manifests.map((m) => m.object.metadata?.namespace).filter((n): n is string => !!n);
    const releaseNamespaces = releases.map((r) => r.chart.namespace);
    expect(project.destinations.map((d) => d.namespace).sort()).toEqual([...new Set([...renderedNamespaces, ...releaseNamespaces])].sort());
    for (const d of project.destinations) expect(d.server).toBe(config.environment.cluster.server);
    const kind = (gk: { group: string; kind: string }) => `${gk.group}/${gk.kind}`;
    const clusterScoped = manifests
      .filter((m) => !m.object.metadata?.namespace)
      .map((m) => ({ group: m.object.apiVersion.includes('/') ? m.object.apiVersion.split('/')[0] : '', kind: m.object.kind }));
    const expected = new Set([...clusterScoped, ...releases.flatMap((r) => r.chart.clusterKinds)].map(kind));
    expect(project.clusterResourceWhitelist.map(kind)).toEqual([...expected].sort());
  });

  test('the bootstrap: project, root app of apps and Argo CD settings', () => {
    const root = bootstrap.find((m) => m.object.kind === 'Application')!.object;
    expect(root.metadata?.name).toBe('titanium-root');
    expect(spec<ApplicationSpec>(root).source.path).toBe(`${environment}/argocd-apps`);
    // Deleting the root by hand must not cascade to the whole platform.
    expect(root.metadata?.finalizers).toBeUndefined();
    // A retry re-applies every child and waits for each wave again; a cold start takes minutes.
    const policy = (
      root.spec as {
        syncPolicy: { syncOptions: string[]; retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } } };
      }
    ).syncPolicy;
    expect(policy.syncOptions).not.toContain('ApplyOutOfSyncOnly=true');
    expect(policy.retry.limit).toBe(config.delivery.rootRetry.limit);
    const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number(/^(\d+)m$/.exec(d)![1]) * 60);
    const { duration, factor, maxDuration } = policy.retry.backoff;
    const waited = Array.from({ length: policy.retry.limit }, (_, n) =>
      Math.min(seconds(duration) * factor ** n, seconds(maxDuration)),
    ).reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(30 * 60);
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
    expect(files(result.bootstrap)).toContain('argocd/staging/3-application-titanium-root.yaml');
  });

  test('its Applications read staging/ and deploy to its cluster', () => {
    const apps = [...result.manifests, ...result.bootstrap].filter((m) => m.object.kind === 'Application').map((m) => m.object);
    expect(apps.length).toBeGreaterThan(1);
    for (const app of apps) {
      const source = spec<ApplicationSpec>(app).source;
      if (source.path !== undefined) expect(source.path.startsWith('staging/')).toBe(true);
      expect(spec<ApplicationSpec>(app).destination.server).toBe('https://staging.example.com:6443');
    }
  });
});

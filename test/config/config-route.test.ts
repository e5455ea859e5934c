// Config by one route: the charts, the constructs and the render read every value from the
// PlatformConfig they are given, so changing a field of it (here an observability, a delivery and a
// secrets value) changes what is rendered, and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { ExternalSecret, PlatformConfig } from '../../config/types';
import type { RenderResult } from '../../synth/write-environment';
import { renderEnvironment } from '../../synth/synth';
import { ROOT } from '../support/cli';
import { named, rendered, withConfig } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

const ENV = 'prod';

const renamed = (secret: ExternalSecret, name: string): ExternalSecret => ({ ...secret, name });

/** The prod config with one value changed on the observability, delivery and secrets routes. */
function overridden(): PlatformConfig {
  return withConfig(ENV, (c) => {
    const grafanaAdmin = renamed(c.secrets.grafanaAdmin, 'grafana-admin-route-test');
    const kialiSigningKey = renamed(c.secrets.kialiSigningKey, 'kiali-signing-key-route-test');
    const githubWebhook = renamed(c.secrets.githubWebhook, 'argocd-github-webhook-route-test');
    const replacement = new Map([
      [c.secrets.grafanaAdmin.name, grafanaAdmin],
      [c.secrets.kialiSigningKey.name, kialiSigningKey],
      [c.secrets.githubWebhook.name, githubWebhook],
    ]);
    return {
      observability: {
        ...c.observability,
        dashboard: { uid: 'route-test-dashboard', title: 'Route test / Golden Signals' },
        latencyP95Milliseconds: 321,
        lokiUrl: 'http://loki-route-test.monitoring.svc.cluster.local:3100',
      },
      delivery: { ...c.delivery, repoURL: 'https://example.test/fork/titanium-platform.git', deployBranch: 'deploy-route-test' },
      secrets: { grafanaAdmin, kialiSigningKey, githubWebhook },
      // The declared list stays consistent with the named Secrets, so references are still checked.
      externalSecrets: c.externalSecrets.map((s) => replacement.get(s.name) ?? s),
    };
  });
}

const objectsOf = (r: RenderResult): KubeObject[] => [...r.manifests, ...r.bootstrap].map((m) => m.object);
const pathsOf = (r: RenderResult): string[] => [...r.manifests, ...r.bootstrap].map((m) => `${m.tree}/${m.path}`).sort();
const errorsOf = (r: RenderResult) => r.findings.filter((f) => f.severity === 'error');

interface HelmSource {
  repoURL: string;
  targetRevision: string;
  path?: string;
  helm?: { valuesObject: Record<string, unknown> };
}
const sourceOf = (o: KubeObject) => (o.spec as { source: HelmSource }).source;
const valuesOf = (items: readonly KubeObject[], app: string) => sourceOf(named(items, 'Application', app)).helm!.valuesObject as never;

interface GrafanaValues {
  grafana: { admin: { existingSecret: string }; additionalDataSources: { uid: string; url: string }[] };
}
interface KialiValues {
  login_token: { signing_key: string };
}
interface AlloyValues {
  alloy: { configMap: { content: string } };
}

function dashboardOf(items: readonly KubeObject[]): { uid: string; title: string } {
  const data = named(items, 'ConfigMap', 'titanium-golden-signals').data as Record<string, string>;
  const [key, json] = Object.entries(data)[0];
  const dashboard = JSON.parse(json) as { uid: string; title: string };
  expect(key).toBe(`${dashboard.uid}.json`);
  return dashboard;
}

function alertExpressions(items: readonly KubeObject[]): string[] {
  const groups = (named(items, 'PrometheusRule', 'titanium-alerts').spec as { groups: { rules: { expr: string }[] }[] }).groups;
  return groups.flatMap((g) => g.rules.map((r) => r.expr));
}

function runbookUrls(items: readonly KubeObject[]): string[] {
  const groups = (
    named(items, 'PrometheusRule', 'titanium-alerts').spec as {
      groups: { rules: { annotations?: Record<string, string> }[] }[];
    }
  ).groups;
  return groups.flatMap((g) => g.rules.flatMap((r) => (r.annotations?.runbook_url ? [r.annotations.runbook_url] : [])));
}

const webhookPatch = (r: RenderResult) => parse(r.bootstrapFiles.find((f) => f.path.endsWith('argocd-secret-webhook.yaml'))!.content);

describe('config reaches the output by one route: the PlatformConfig', () => {
  const defaults = rendered(ENV);
  const base = withConfig(ENV, () => ({}));
  const config = overridden();
  const changed = renderEnvironment(config);
  const before = objectsOf(defaults);
  const after = objectsOf(changed);

  test('the override renders without errors, and the same objects as the default config', () => {
    expect(errorsOf(defaults)).toEqual([]);
    expect(errorsOf(changed)).toEqual([]);
    expect(pathsOf(changed)).toEqual(pathsOf(defaults));
    expect(changed.bootstrapFiles.map((f) => f.path)).toEqual(defaults.bootstrapFiles.map((f) => f.path));
  });

  test('observability: the dashboard identity, an alert threshold and the Loki address', () => {
    expect(dashboardOf(before)).toMatchObject(base.observability.dashboard);
    expect(dashboardOf(after)).toMatchObject({ uid: 'route-test-dashboard', title: 'Route test / Golden Signals' });

    const latencyAlert = (items: readonly KubeObject[]) => alertExpressions(items).filter((e) => e.includes('histogram_quantile(0.95'));
    expect(latencyAlert(before).some((e) => e.endsWith(`> ${base.observability.latencyP95Milliseconds}`))).toBe(true);
    expect(latencyAlert(after).some((e) => e.endsWith('> 321'))).toBe(true);
    expect(latencyAlert(after).some((e) => e.endsWith(`> ${base.observability.latencyP95Milliseconds}`))).toBe(false);

    const loki = (items: readonly KubeObject[]) =>
      (valuesOf(items, 'kube-prometheus-stack') as GrafanaValues).grafana.additionalDataSources.find((d) => d.uid === 'loki')!.url;
    expect(loki(before)).toBe(base.observability.lokiUrl);
    expect(loki(after)).toBe(config.observability.lokiUrl);
    const alloy = (items: readonly KubeObject[]) => (valuesOf(items, 'alloy') as AlloyValues).alloy.configMap.content;
    expect(alloy(before)).toContain(`url = "${base.observability.lokiUrl}/loki/api/v1/push"`);
    expect(alloy(after)).toContain(`url = "${config.observability.lokiUrl}/loki/api/v1/push"`);
  });

  test('delivery: every folder Application reads the configured repository and branch, and the AppProject admits it', () => {
    const folderApps = (items: readonly KubeObject[]) =>
      items.filter((o) => o.kind === 'Application' && sourceOf(o).path !== undefined).map(sourceOf);
    expect(folderApps(before).length).toBeGreaterThan(0);
    for (const source of folderApps(before))
      expect(source).toMatchObject({ repoURL: base.delivery.repoURL, targetRevision: base.delivery.deployBranch });
    for (const source of folderApps(after)) {
      expect(source).toMatchObject({ repoURL: 'https://example.test/fork/titanium-platform.git', targetRevision: 'deploy-route-test' });
    }
    expect(folderApps(after)).toHaveLength(folderApps(before).length);

    const sourceRepos = (items: readonly KubeObject[]) =>
      (named(items, 'AppProject', base.delivery.argocd.project).spec as { sourceRepos: string[] }).sourceRepos;
    expect(sourceRepos(before)).toContain(base.delivery.repoURL);
    expect(sourceRepos(after)).toContain('https://example.test/fork/titanium-platform.git');
    expect(sourceRepos(after)).not.toContain(base.delivery.repoURL);

    // The alerts' runbook links point into the configured repository.
    expect(runbookUrls(after).length).toBeGreaterThan(0);
    for (const url of runbookUrls(after)) expect(url.startsWith('https://example.test/fork/titanium-platform/')).toBe(true);
  });

  test('secrets: the Grafana admin, the Kiali signing key and the webhook secret are read by their configured names', () => {
    const grafana = (items: readonly KubeObject[]) =>
      (valuesOf(items, 'kube-prometheus-stack') as GrafanaValues).grafana.admin.existingSecret;
    expect(grafana(before)).toBe(base.secrets.grafanaAdmin.name);
    expect(grafana(after)).toBe('grafana-admin-route-test');

    const kiali = (items: readonly KubeObject[]) => (valuesOf(items, 'kiali') as KialiValues).login_token.signing_key;
    expect(kiali(before)).toBe(`secret:${base.secrets.kialiSigningKey.name}:${base.secrets.kialiSigningKey.keys[0]}`);
    expect(kiali(after)).toBe(`secret:kiali-signing-key-route-test:${base.secrets.kialiSigningKey.keys[0]}`);

    const key = base.secrets.githubWebhook.keys[0];
    expect(webhookPatch(defaults)).toEqual({ stringData: { 'webhook.github.secret': `$${base.secrets.githubWebhook.name}:${key}` } });
    expect(webhookPatch(changed)).toEqual({ stringData: { 'webhook.github.secret': `$argocd-github-webhook-route-test:${key}` } });
  });

  test('the named Secrets are among the declared ones', () => {
    for (const secret of Object.values(base.secrets)) expect(base.externalSecrets).toContain(secret);
  });
});

/** Every `.ts` file under `dir`, relative to the project root. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(ROOT, join(ROOT, dir, f)))
    .sort();
}

/** A relative module specifier that names config/ or a module in it, e.g. `../../config/delivery`. */
const CONFIG_MODULE = /^(?:\.\.?\/)+config(?:\/[\w-]+)?$/;

/** Each import of a config/ module in `file` (as `<file>: <statement>`) other than `import type … from '…/config/types'`. */
function configImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const statements = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|\b(?:require|import)\(\s*'([^']+)'\s*\)/gm)];
  return statements
    .filter((m) => CONFIG_MODULE.test(m[1] ?? m[2]))
    .filter((m) => !(/^import type\b/.test(m[0]) && (m[1] ?? '').endsWith('/config/types')))
    .map((m) => `${file}: ${m[0].replace(/\s+/g, ' ')}`);
}

test('no chart, construct or the render imports a config module other than its types, and those only as types', () => {
  const files = [...sources('charts'), ...sources('constructs'), 'synth/render.ts'];
  expect(files.length).toBeGreaterThan(20);
  expect(files.flatMap(configImports)).toEqual([]);
});

// Builds the cdk8s App of one environment and turns its API objects into manifests with stable file
// names. Pure: reads nothing but the config, writes nothing.
import { ApiObject, App, type Chart } from 'cdk8s';
import { platformCharts } from '../charts';
import type { PlatformConfig } from '../config/types';
import { webhookSecretPatch } from './webhook-secret-patch';
import type { KubeObject, Manifest } from '../validation/manifest';
import type { OutputFile } from './write-dist';

/** The two trees synth writes: rendered apps (published to `deploy`) and the committed bootstrap. */
export type OutputTree = 'dist' | 'argocd';

export interface RenderedManifest extends Manifest {
  readonly tree: OutputTree;
  /** Path inside `<tree>/<env>/`: `<app>/<kind>-<name>.yaml` in dist, `<order>-<kind>-<name>.yaml` in argocd. */
  readonly path: string;
}

/** `<kind>-<name>.yaml` with the kind in lower case: one object per file. */
export function manifestFileName(object: KubeObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata?.name ?? 'unnamed'}.yaml`;
}

/**
 * The order `kubectl apply -f argocd/<env>/` must create the bootstrap in (it applies a folder's
 * files alphabetically): the AppProject and the health checks in `argocd-cm` exist before the root
 * Application that needs them syncs. The bootstrap's file names start with this position.
 */
export const BOOTSTRAP_APPLY_ORDER = ['AppProject', 'ConfigMap', 'Application'] as const;

/** `1-appproject-titanium.yaml`: the bootstrap's file name, in apply order. */
export function bootstrapFileName(object: KubeObject): string {
  const rank = (BOOTSTRAP_APPLY_ORDER as readonly string[]).indexOf(object.kind);
  return `${rank < 0 ? BOOTSTRAP_APPLY_ORDER.length + 1 : rank + 1}-${manifestFileName(object)}`;
}

function manifestsOf(chart: Chart, tree: OutputTree, environment: string, folder?: string): RenderedManifest[] {
  return chart.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .map((construct) => {
      const object = construct.toJson() as KubeObject;
      const name = tree === 'argocd' ? bootstrapFileName(object) : manifestFileName(object);
      const path = folder ? `${folder}/${name}` : name;
      return { object, tree, path, file: `${tree}/${environment}/${path}`, constructPath: construct.node.path };
    });
}

function byFile(a: Manifest, b: Manifest): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** One folder of `dist/<env>/`: the objects one Argo CD Application syncs. */
export interface RenderedFolder {
  readonly name: string;
  readonly description: string;
  readonly syncWave: number;
}

/** A Helm chart Argo CD renders itself (a child Application with no folder here). */
export interface RenderedRelease {
  readonly name: string;
  readonly chart: string;
  readonly version: string;
  readonly repoURL: string;
  readonly namespace: string;
  readonly syncWave: number;
}

export interface RenderedEnvironment {
  /** Objects for `dist/<env>/`, one folder per Argo CD Application. */
  readonly manifests: RenderedManifest[];
  /** Objects for `argocd/<env>/`. */
  readonly bootstrap: RenderedManifest[];
  /** Files for `argocd/<env>/` that are not objects (patches an operator applies by hand). */
  readonly bootstrapFiles: OutputFile[];
  readonly folders: RenderedFolder[];
  readonly releases: RenderedRelease[];
}

export const WEBHOOK_PATCH_PATH = 'patches/argocd-secret-webhook.yaml';

export function renderManifests(config: PlatformConfig): RenderedEnvironment {
  const charts = platformCharts(new App(), config);
  const env = config.environment.name;
  return {
    manifests: charts.apps.flatMap((chart) => manifestsOf(chart, 'dist', env, chart.appName)).sort(byFile),
    bootstrap: manifestsOf(charts.bootstrap, 'argocd', env).sort(byFile),
    // In a subfolder: `kubectl apply -f argocd/<env>/` does not descend into it.
    bootstrapFiles: [
      { path: WEBHOOK_PATCH_PATH, content: webhookSecretPatch(config.secrets.githubWebhook, `argocd/${env}/${WEBHOOK_PATCH_PATH}`) },
    ],
    folders: charts.apps
      .map(({ appName, description, syncWave }) => ({ name: appName, description, syncWave }))
      .sort((a, b) => a.syncWave - b.syncWave || a.name.localeCompare(b.name, 'en')),
    releases: charts.releases
      .map(({ name, chart, syncWave }) => ({
        name,
        chart: chart.chart,
        version: chart.version,
        repoURL: chart.repoURL,
        namespace: chart.namespace,
        syncWave,
      }))
      .sort((a, b) => a.syncWave - b.syncWave || a.name.localeCompare(b.name, 'en')),
  };
}

// Builds the cdk8s App of one environment and turns its API objects into manifests with stable file
// names. Pure: reads nothing but the config, writes nothing.
import { ApiObject, App, type Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { platformCharts } from '../charts';
import { githubWebhookSecret } from '../config/secrets';
import type { PlatformConfig } from '../config/types';
import { webhookSecretPatch } from './argocd/webhook-secret-patch';
import type { KubeObject, Manifest } from './manifest';
import type { OutputFile } from './write-dist';

/** The two trees synth writes: rendered apps (published to `deploy`) and the committed bootstrap. */
export type OutputTree = 'dist' | 'argocd';

export interface RenderedManifest extends Manifest {
  readonly tree: OutputTree;
  /** Path inside `<tree>/<env>/`: `<app>/<kind>-<name>.yaml` in dist, `<kind>-<name>.yaml` in argocd. */
  readonly path: string;
}

/** `<kind>-<name>.yaml` with the kind in lower case: one object per file. */
export function manifestFileName(object: KubeObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata?.name ?? 'unnamed'}.yaml`;
}

function manifestsOf(chart: Chart, tree: OutputTree, environment: string, folder?: string): RenderedManifest[] {
  return chart.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .map((construct) => {
      const object = construct.toJson() as KubeObject;
      const path = folder ? `${folder}/${manifestFileName(object)}` : manifestFileName(object);
      return { object, tree, path, file: `${tree}/${environment}/${path}`, constructPath: construct.node.path };
    });
}

function byFile(a: Manifest, b: Manifest): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

export interface RenderedEnvironment {
  /** Objects for `dist/<env>/`, one folder per Argo CD Application. */
  readonly manifests: RenderedManifest[];
  /** Objects for `argocd/<env>/`. */
  readonly bootstrap: RenderedManifest[];
  /** Files for `argocd/<env>/` that are not objects (patches an operator applies by hand). */
  readonly bootstrapFiles: OutputFile[];
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
      { path: WEBHOOK_PATCH_PATH, content: webhookSecretPatch(githubWebhookSecret, `argocd/${env}/${WEBHOOK_PATCH_PATH}`) },
    ],
  };
}

/** The folder (Argo CD Application) a dist manifest belongs to. */
export function appOf(manifest: RenderedManifest): string {
  return manifest.path.split('/', 1)[0];
}

/** The YAML text of one manifest file: a provenance comment, then the object. */
export function manifestYaml(manifest: Manifest): string {
  const header = manifest.constructPath
    ? `# Rendered from construct ${manifest.constructPath}: edit the TypeScript source, not this file.\n`
    : '';
  // YAML 1.1 rules for quoting: kubectl and Argo CD read 1.1, where an unquoted `on`, `yes` or `1:20`
  // would turn into a boolean or a number. No line folding and no anchors: the output reads like
  // hand-written YAML and diffs line by line.
  return header + stringify(manifest.object, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

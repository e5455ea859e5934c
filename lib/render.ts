// Builds the cdk8s App of one environment and turns its API objects into manifests with stable file
// names. Pure: reads nothing but the config, writes nothing.
import { ApiObject, App } from 'cdk8s';
import { stringify } from 'yaml';
import { platformCharts } from '../charts';
import type { PlatformConfig } from '../config/types';
import type { KubeObject, Manifest } from './manifest';

/** `<app>/<kind>-<name>.yaml`, lower case kind: one object per file. */
export function manifestFileName(app: string, object: KubeObject): string {
  return `${app}/${object.kind.toLowerCase()}-${object.metadata?.name ?? 'unnamed'}.yaml`;
}

export function renderManifests(config: PlatformConfig): Manifest[] {
  const app = new App();
  const charts = platformCharts(app, config);
  const manifests: Manifest[] = [];
  for (const chart of charts) {
    for (const construct of chart.node.findAll()) {
      if (!ApiObject.isApiObject(construct)) continue;
      const object = construct.toJson() as KubeObject;
      manifests.push({
        object,
        file: manifestFileName(chart.appName, object),
        constructPath: construct.node.path,
      });
    }
  }
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The folder (Argo CD Application) a manifest belongs to. */
export function appOf(manifest: Manifest): string {
  return manifest.file.split('/', 1)[0];
}

/** The YAML text of one manifest file: a provenance comment, then the object. */
export function manifestYaml(manifest: Manifest): string {
  const header = manifest.constructPath
    ? `# Rendered from construct ${manifest.constructPath}: edit the TypeScript source, not this file.\n`
    : '';
  // No line folding and no anchors: the output reads like hand-written YAML and diffs line by line.
  return header + stringify(manifest.object, { lineWidth: 0, aliasDuplicateObjects: false });
}

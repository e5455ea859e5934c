// The text of one rendered manifest file. Apart from the render (synth/render.ts loads every chart), so
// what only reads or writes files, and the tests of the YAML, need not load the charts.
import type { Manifest } from '../validation/manifest';
import { yamlText } from './yaml-text';

/** The YAML text of one manifest file: a provenance comment, then the object. */
export function manifestYaml(manifest: Manifest): string {
  const header = manifest.constructPath
    ? `# Rendered from construct ${manifest.constructPath}: edit the TypeScript source, not this file.\n`
    : '';
  return header + yamlText(manifest.object);
}

// Writing a render: the files of `dist/<env>/` and `argocd/<env>/`, replaced whole, and the check of
// what the API server would refuse against the folder as it was. Apart from the render itself
// (synth.ts), which loads every chart: what only writes or compares a render need not load them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/types';
import { ENVIRONMENT_README, environmentReadme } from './environment-readme';
import { manifestYaml } from './manifest-yaml';
import type { RenderedFolder, RenderedManifest, RenderedRelease } from './render';
import type { Finding } from '../validation/finding';
import { checkImmutableFields, IMMUTABLE_RULES } from '../validation/immutable-fields';
import type { KubeObject } from '../validation/manifest';
import { parseManifests } from '../validation/read-manifests';
import { replaceFolder, type OutputFile } from './write-dist';
import type { SourceRevision } from './source-revision';

export interface RenderResult {
  /** Objects for `dist/<env>/`. */
  readonly manifests: readonly RenderedManifest[];
  /** Objects for `argocd/<env>/`. */
  readonly bootstrap: readonly RenderedManifest[];
  /** Other files for `argocd/<env>/`. */
  readonly bootstrapFiles: readonly OutputFile[];
  /** The folders of `dist/<env>/`, in sync-wave order. */
  readonly folders: readonly RenderedFolder[];
  /** Helm charts Argo CD renders itself, in sync-wave order. */
  readonly releases: readonly RenderedRelease[];
  readonly findings: readonly Finding[];
}

export class SynthError extends Error {
  constructor(
    readonly environment: string,
    readonly findings: readonly Finding[],
  ) {
    super(`synth of environment "${environment}" refused: ${findings.filter((f) => f.severity === 'error').length} error(s)`);
    this.name = 'SynthError';
  }
}

export interface OutputRoots {
  /** Root of the rendered apps, `dist` by default. */
  readonly dist: string;
  /** Root of the bootstrap, `argocd` by default. */
  readonly argocd: string;
}

export interface SynthResult extends RenderResult {
  /** The folders written: `<dist>/<env>` and `<argocd>/<env>`. */
  readonly directories: { readonly dist: string; readonly argocd: string };
  /** The directories that already held this render, left as they were. */
  readonly unchanged: readonly string[];
}

function folderContents(manifests: readonly RenderedManifest[]) {
  return manifests.map((m) => ({ path: m.path, content: manifestYaml(m) }));
}

/** The files of `<dist>/<env>/` for a render: one per object, and README.md naming `source`. */
export function distFiles(config: PlatformConfig, result: RenderResult, source: SourceRevision | undefined): OutputFile[] {
  return [...folderContents(result.manifests), { path: ENVIRONMENT_README, content: environmentReadme(config, result, source) }];
}

const IMMUTABLE_KINDS = new Set([...IMMUTABLE_RULES.keys()].map((key) => key.split('/')[1]));

/**
 * Updates the API server would refuse, against what `<dist>/<env>/` holds before this synth (the
 * render the cluster has, or will have once it is published). Only files that changed are read.
 */
export function immutableChangesSince(distDir: string, result: RenderResult): Finding[] {
  const previous: KubeObject[] = [];
  const changed = result.manifests.filter((m) => {
    if (!IMMUTABLE_KINDS.has(m.object.kind)) return false;
    const file = join(distDir, m.path);
    if (!existsSync(file)) return false;
    const text = readFileSync(file, 'utf8');
    if (text === manifestYaml(m)) return false;
    previous.push(...parseManifests(text, file).manifests.map((old) => old.object));
    return true;
  });
  return changed.length === 0 ? [] : checkImmutableFields(previous, changed, `${distDir}/ as it was before this synth`);
}

/**
 * Replaces `<dist>/<env>` and `<argocd>/<env>` with a validated render, and writes the overview
 * `<dist>/<env>/README.md` naming `source`; refuses a render with errors.
 */
export function writeEnvironment(config: PlatformConfig, result: RenderResult, roots: OutputRoots, source?: SourceRevision): SynthResult {
  if (result.findings.some((f) => f.severity === 'error')) {
    throw new SynthError(config.environment.name, result.findings);
  }
  const directories = {
    dist: join(roots.dist, config.environment.name),
    argocd: join(roots.argocd, config.environment.name),
  };
  const distWritten = replaceFolder(directories.dist, distFiles(config, result, source));
  const argocdWritten = replaceFolder(directories.argocd, [...folderContents(result.bootstrap), ...result.bootstrapFiles]);
  const unchanged = [...(distWritten ? [] : [directories.dist]), ...(argocdWritten ? [] : [directories.argocd])];
  return { ...result, directories, unchanged };
}

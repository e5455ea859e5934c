// Render → validate → write. Nothing is written unless validation finds no error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformReleases } from '../charts';
import type { PlatformConfig } from '../config/types';
import { checkConfig } from '../validation/config-checks';
import { ENVIRONMENT_README, environmentReadme } from './environment-readme';
import { manifestYaml, renderManifests, type RenderedFolder, type RenderedManifest, type RenderedRelease } from './render';
import { findingFor, type Finding } from '../validation/finding';
import { validateManifests } from '../validation';
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

/** Two objects that would land in the same file: the second would silently overwrite the first. */
function fileClashes(manifests: readonly RenderedManifest[]): Finding[] {
  const seen = new Map<string, RenderedManifest>();
  const findings: Finding[] = [];
  for (const manifest of manifests) {
    const first = seen.get(manifest.file);
    if (first) {
      findings.push(
        findingFor(manifest, 'error', 'file-name', 'metadata.name', `renders to the same file as construct ${first.constructPath}`),
      );
    } else {
      seen.set(manifest.file, manifest);
    }
  }
  return findings;
}

/** Renders and validates one environment in memory; invalid config stops before anything renders. */
export function renderEnvironment(config: PlatformConfig): RenderResult {
  const configFindings = checkConfig(config, platformReleases(config));
  if (configFindings.length > 0) {
    return { manifests: [], bootstrap: [], bootstrapFiles: [], folders: [], releases: [], findings: configFindings };
  }
  const { manifests, bootstrap, bootstrapFiles, folders, releases } = renderManifests(config);
  const all = [...manifests, ...bootstrap];
  const findings = [
    ...fileClashes(all),
    ...validateManifests(all, {
      externalSecrets: config.externalSecrets,
      defaultNamespace: config.environment.namespace,
      metricLabels: config.observability.serviceMetricLabels,
    }),
  ];
  return { manifests, bootstrap, bootstrapFiles, folders, releases, findings };
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

/** Renders, validates and, only when there is no error, replaces the environment's folders whole. */
export function synthEnvironment(config: PlatformConfig, roots: OutputRoots, source?: SourceRevision): SynthResult {
  return writeEnvironment(config, renderEnvironment(config), roots, source);
}

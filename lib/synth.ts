// Render → validate → write. Nothing is written unless validation finds no error.
import { join } from 'node:path';
import type { PlatformConfig } from '../config/types';
import type { Manifest } from './manifest';
import { manifestYaml, renderManifests } from './render';
import { findingFor, type Finding } from './validation/finding';
import { validateManifests } from './validation';
import { replaceFolder } from './write-dist';

export interface RenderResult {
  readonly manifests: readonly Manifest[];
  readonly findings: readonly Finding[];
}

/** Two objects that would land in the same file: the second would silently overwrite the first. */
function fileClashes(manifests: readonly Manifest[]): Finding[] {
  const seen = new Map<string, Manifest>();
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

/** Renders and validates one environment in memory. */
export function renderEnvironment(config: PlatformConfig): RenderResult {
  const manifests = renderManifests(config);
  const findings = [
    ...fileClashes(manifests),
    ...validateManifests(manifests, {
      externalSecrets: config.externalSecrets,
      defaultNamespace: config.environment.namespace,
    }),
  ];
  return { manifests, findings };
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

export interface SynthResult extends RenderResult {
  /** The environment's folder, `<outDir>/<env>`. */
  readonly directory: string;
}

/** Replaces `<outDir>/<env>` with a validated render; refuses one with errors. */
export function writeEnvironment(config: PlatformConfig, result: RenderResult, outDir: string): SynthResult {
  if (result.findings.some((f) => f.severity === 'error')) {
    throw new SynthError(config.environment.name, result.findings);
  }
  const directory = join(outDir, config.environment.name);
  replaceFolder(
    directory,
    result.manifests.map((m) => ({ path: m.file, content: manifestYaml(m) })),
  );
  return { ...result, directory };
}

/** Renders, validates and, only when there is no error, replaces `<outDir>/<env>` as a whole. */
export function synthEnvironment(config: PlatformConfig, outDir: string): SynthResult {
  return writeEnvironment(config, renderEnvironment(config), outDir);
}

// Render → validate → write. Nothing is written unless validation finds no error.
import { platformReleases } from '../charts/releases';
import type { PlatformConfig } from '../config/types';
import { checkConfig } from '../validation/config-checks';
import { renderManifests, type RenderedManifest } from './render';
import { findingFor, type Finding } from '../validation/finding';
import { validateManifests } from '../validation';
import type { SourceRevision } from './source-revision';
import { writeEnvironment, type OutputRoots, type RenderResult, type SynthResult } from './write-environment';

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

/** Renders, validates and, only when there is no error, replaces the environment's folders whole. */
export function synthEnvironment(config: PlatformConfig, roots: OutputRoots, source?: SourceRevision): SynthResult {
  return writeEnvironment(config, renderEnvironment(config), roots, source);
}

// Whose YAML is being judged (docs/validation.md: "Modes"). In project mode the inputs are this
// platform's own render and the rules use what config/ knows (the Secrets created outside git, each
// namespace's labels); in foreign mode they are anyone's YAML and nothing beyond the inputs and the
// user's flags is assumed.
import type { ExternalSecret, PlatformConfig } from '../config/types';
import type { Manifest } from './manifest';
import { ENFORCE_LABEL, INJECTION_LABEL, type Labels, type ValidationMode } from './model';

export interface ModeChoice {
  readonly mode: ValidationMode;
  /** Why, for the first line of the output. */
  readonly reason: string;
}

/**
 * An object of this platform's render: it carries the comment synth writes above every object
 * (`# Rendered from construct <path>: …`), or, as on a live cluster where comments are gone, both
 * `app.kubernetes.io/managed-by: cdk8s` and `app.kubernetes.io/part-of: <platform>`.
 */
export function renderedByPlatform(manifest: Manifest, platformName: string): boolean {
  const labels = manifest.object.metadata?.labels ?? {};
  return (
    manifest.constructPath !== undefined ||
    (labels['app.kubernetes.io/managed-by'] === 'cdk8s' && labels['app.kubernetes.io/part-of'] === platformName)
  );
}

/** Project mode when every object (at least one) is of this platform's render; foreign otherwise. */
export function detectMode(manifests: readonly Manifest[], platformName: string): ModeChoice {
  const strangers = manifests.filter((m) => !renderedByPlatform(m, platformName));
  if (manifests.length > 0 && strangers.length === 0) {
    return {
      mode: 'project',
      reason:
        'every object was rendered by this platform, so the rules also use what config/ declares; --mode foreign judges it as anyone’s YAML',
    };
  }
  if (manifests.length === 0) return { mode: 'foreign', reason: 'no objects' };
  const which =
    strangers.length === manifests.length
      ? 'no object carries this platform’s render comment or labels'
      : `${strangers.length} of ${manifests.length} objects were not rendered by this platform, e.g. ${strangers[0].file}`;
  return { mode: 'foreign', reason: `${which}; --mode project overrides` };
}

/** What config/ knows about the clusters it renders: the Secrets created outside git, each namespace's labels. */
export interface ProjectKnowledge {
  readonly externalSecrets: readonly ExternalSecret[];
  readonly namespaceLabels: Readonly<Record<string, Labels>>;
}

/**
 * The labels the rules read, as the namespaces chart gives them (constructs/platform-namespace.ts): the
 * application namespace enforces restricted and is sidecar-injected; the platform namespaces enforce
 * their own level, without injection. test/validation/modes.test.ts holds this to the rendered Namespaces.
 */
export function projectKnowledge(configs: readonly PlatformConfig[]): ProjectKnowledge {
  const namespaceLabels: Record<string, Labels> = {};
  for (const config of configs) {
    namespaceLabels[config.environment.namespace] = { [ENFORCE_LABEL]: 'restricted', [INJECTION_LABEL]: 'enabled' };
    for (const [name, known] of Object.entries(config.platformNamespaces)) namespaceLabels[name] = { [ENFORCE_LABEL]: known.podSecurity };
  }
  const externalSecrets = configs.flatMap((config) =>
    config.externalSecrets.map((s) => ({ ...s, namespace: s.namespace ?? config.environment.namespace })),
  );
  return { externalSecrets, namespaceLabels };
}

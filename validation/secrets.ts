// Secrets: nothing rendered may carry Secret values, and every reference to a Secret must name one
// that is declared in config (created outside git) with the key that is read.
import type { ExternalSecret } from '../config/types';
import type { KubeObject, Manifest } from './manifest';
import { findingFor, type Finding } from './finding';

export interface SecretReference {
  readonly field: string;
  readonly name: string;
  /** Undefined when the whole Secret is read (`envFrom`, a volume without `items`). */
  readonly keys?: readonly string[];
}

type Json = unknown;

/** Every Secret reference in an object: env `secretKeyRef`, `envFrom.secretRef`, secret and projected volumes. */
export function secretReferences(object: KubeObject): SecretReference[] {
  const found: SecretReference[] = [];
  const walk = (value: Json, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, Json>;
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      const ref = child as Record<string, Json> | undefined;
      if (key === 'secretKeyRef' && ref && typeof ref.name === 'string') {
        found.push({ field: childPath, name: ref.name, keys: [String(ref.key)] });
      } else if (key === 'secretRef' && path.includes('envFrom') && ref && typeof ref.name === 'string') {
        found.push({ field: childPath, name: ref.name });
      } else if (key === 'secret' && ref && (typeof ref.secretName === 'string' || typeof ref.name === 'string')) {
        const items = Array.isArray(ref.items) ? (ref.items as ({ key?: string } | null)[]).map((item) => String(item?.key)) : undefined;
        found.push({ field: childPath, name: String(ref.secretName ?? ref.name), keys: items });
      } else {
        walk(child, childPath);
      }
    }
  };
  walk(object, '');
  return found;
}

export function checkSecretReferences(
  manifests: readonly Manifest[],
  declared: readonly ExternalSecret[],
  defaultNamespace: string,
): Finding[] {
  const findings: Finding[] = [];
  const rendered = new Set(
    manifests.filter((m) => m.object.kind === 'Secret').map((m) => `${m.object.metadata?.namespace}/${m.object.metadata?.name}`),
  );
  for (const manifest of manifests) {
    const namespace = manifest.object.metadata?.namespace ?? defaultNamespace;
    for (const ref of secretReferences(manifest.object)) {
      if (rendered.has(`${namespace}/${ref.name}`)) continue;
      const secret = declared.find((s) => s.name === ref.name && (s.namespace ?? defaultNamespace) === namespace);
      if (!secret) {
        findings.push(
          findingFor(
            manifest,
            'error',
            'secret-ref',
            ref.field,
            `Secret "${ref.name}" in namespace "${namespace}" is not declared in config/secrets.ts (externalSecrets)`,
          ),
        );
        continue;
      }
      for (const key of ref.keys ?? []) {
        if (!secret.keys.includes(key)) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'secret-ref',
              ref.field,
              `Secret "${ref.name}" has no key "${key}" in config/secrets.ts (declared: ${secret.keys.join(', ')})`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

/** Secret values never go into git: a rendered Secret with `data` or `stringData` is an error. */
export function checkNoSecretData(manifests: readonly Manifest[]): Finding[] {
  return manifests
    .filter((m) => m.object.kind === 'Secret' && (m.object.data !== undefined || m.object.stringData !== undefined))
    .map((m) =>
      findingFor(
        m,
        'error',
        'secret-data',
        m.object.data !== undefined ? 'data' : 'stringData',
        'Secret values never go into git: create the Secret outside git and declare it in config/secrets.ts',
      ),
    );
}

// The checks synth runs on its own output before anything is written.
import type { ExternalSecret } from '../../config/types';
import type { Manifest } from '../manifest';
import type { Finding } from './finding';
import { checkSchemas } from './schema';
import { checkNoSecretData, checkSecretReferences } from './secrets';

export interface ValidationContext {
  /** Secrets created outside git that references may name. */
  readonly externalSecrets: readonly ExternalSecret[];
  /** Namespace of declared Secrets that name none. */
  readonly defaultNamespace: string;
}

export function validateManifests(manifests: readonly Manifest[], context: ValidationContext): Finding[] {
  return [
    ...checkSchemas(manifests),
    ...checkNoSecretData(manifests),
    ...checkSecretReferences(manifests, context.externalSecrets, context.defaultNamespace),
  ];
}

import { stringify } from 'yaml';
import type { ExternalSecret } from '../config/types';

/**
 * A merge patch for `argocd-secret` that points Argo CD's GitHub webhook secret at a Secret created
 * outside git: `$<secret>:<key>` is a reference Argo CD resolves, never the value itself.
 */
export function webhookSecretPatch(secret: ExternalSecret, patchPath: string): string {
  const reference = `$${secret.name}:${secret.keys[0]}`;
  const header = [
    `# Where Argo CD finds the GitHub webhook secret: a reference to the Secret ${secret.name},`,
    '# which an operator creates outside git. Apply once per cluster:',
    `#   kubectl patch secret argocd-secret --namespace ${secret.namespace} --type merge --patch-file ${patchPath}`,
  ].join('\n');
  return `${header}\n${stringify({ stringData: { 'webhook.github.secret': reference } }, { version: '1.1' })}`;
}

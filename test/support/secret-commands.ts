import type { ExternalSecret } from '../../config/types';

/** The one-time commands that create a declared Secret, with a placeholder per key and no value. */
export function createSecretCommand(secret: ExternalSecret, defaultNamespace: string): string {
  const namespace = secret.namespace ?? defaultNamespace;
  const literals = secret.keys.map((key) => `--from-literal=${key}='<${key}>'`);
  const create = [`kubectl create secret generic ${secret.name} --namespace ${namespace}`, ...literals].join(' \\\n  ');
  const labels = Object.entries(secret.labels ?? {}).map(([key, value]) => `${key}=${value}`);
  return labels.length === 0 ? create : `${create}\nkubectl label secret ${secret.name} --namespace ${namespace} ${labels.join(' ')}`;
}

import type { ExternalSecret } from '../config/types';

/** The one-time command that creates a declared Secret, with a placeholder per key and no value. */
export function createSecretCommand(secret: ExternalSecret, defaultNamespace: string): string {
  const namespace = secret.namespace ?? defaultNamespace;
  const literals = secret.keys.map((key) => `--from-literal=${key}='<${key}>'`);
  return [`kubectl create secret generic ${secret.name} --namespace ${namespace}`, ...literals].join(' \\\n  ');
}

import type { SecretKeyRef } from '../../config/types';
import type { k8s } from '../k8s';

/** Container env: literal values first, then values from Secrets created outside git. */
export function environmentVariables(
  literal: Readonly<Record<string, string>> = {},
  fromSecrets: Readonly<Record<string, SecretKeyRef>> = {},
): k8s.EnvVar[] | undefined {
  const env: k8s.EnvVar[] = [
    ...Object.entries(literal).map(([name, value]) => ({ name, value })),
    ...Object.entries(fromSecrets).map(([name, ref]) => ({
      name,
      valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } },
    })),
  ];
  return env.length > 0 ? env : undefined;
}

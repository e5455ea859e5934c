// Secrets created outside git, once per cluster (docs/bootstrap.md: "Secrets"). This project
// renders no Secret objects; it only refers to these names and keys, and synth fails on a reference to anything else.
import type { ExternalSecret, PlatformSecrets, SecretKeyRef } from './types';

export const postgresqlCredentials = {
  name: 'postgresql-credentials',
  keys: ['username', 'password'],
  description: 'PostgreSQL superuser of database `titanium`; read by postgresql, user-service and blog-service.',
} as const satisfies ExternalSecret;

export const internalApiSecret = {
  name: 'internal-api-secret',
  keys: ['secret'],
  description: 'Key auth-service signs JWTs with (`INTERNAL_API_SECRET`); auth-service exits at start-up without it.',
} as const satisfies ExternalSecret;

export const githubWebhookSecret = {
  name: 'argocd-github-webhook',
  namespace: 'argocd',
  keys: ['secret'],
  // Argo CD only resolves `$<secret>:<key>` references to Secrets that carry this label.
  labels: { 'app.kubernetes.io/part-of': 'argocd' },
  description:
    'Shared secret of the GitHub webhook that tells Argo CD about pushes to `deploy`; `argocd-secret` refers to it as `$argocd-github-webhook:secret`.',
} as const satisfies ExternalSecret;

export const kialiSigningKey = {
  name: 'kiali-signing-key',
  namespace: 'istio-system',
  keys: ['key'],
  description:
    'Signs Kiali login sessions (16, 24 or 32 characters); a fixed key keeps the chart from writing a random one on every render.',
} as const satisfies ExternalSecret;

export const grafanaAdmin = {
  name: 'grafana-admin',
  namespace: 'monitoring',
  keys: ['admin-user', 'admin-password'],
  description: 'Grafana’s admin login (the pair the demo runbook uses; never committed).',
} as const satisfies ExternalSecret;

export const externalSecrets: readonly ExternalSecret[] = [
  postgresqlCredentials,
  internalApiSecret,
  githubWebhookSecret,
  kialiSigningKey,
  grafanaAdmin,
];

/** The Secrets the platform components read by name; each is one of `externalSecrets` above. */
export const platformSecrets: PlatformSecrets = {
  grafanaAdmin,
  kialiSigningKey,
  githubWebhook: githubWebhookSecret,
};

/** A typed reference to one key of a declared Secret. */
export function secretKey<S extends ExternalSecret>(secret: S, key: S['keys'][number]): SecretKeyRef {
  return { secret: secret.name, key };
}

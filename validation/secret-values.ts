// Whether a Secret's values look like credentials (secret-data, foreign mode). Plenty of Secrets in
// public YAML hold configuration a consumer insists on reading from a Secret (Alertmanager's routes,
// grafana.ini, a datasource URL): a reviewer asks to move a password out of git, not a timezone. So a
// Secret is judged by what its keys, types and values show: a credential's name, a key or keystore
// file, a PEM block, a URL that carries a password or is itself the key (a chat or paging webhook), a
// credential set inside an embedded config file. Values are never quoted in a message.

/** Secret types whose data is a credential by definition. */
const CREDENTIAL_TYPES = new Set([
  'kubernetes.io/basic-auth',
  'kubernetes.io/dockercfg',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/service-account-token',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
  'bootstrap.kubernetes.io/token',
]);

/** Words that name a credential when they are a whole word of a key (`clientSecret`, `API_KEY`, `db-password`). */
const CREDENTIAL_WORDS = new Set([
  'apikey',
  'credential',
  'credentials',
  'key',
  'passphrase',
  'passwd',
  'password',
  'pwd',
  'secret',
  'token',
]);

/** Key and keystore files (`tls.key`, `server.pem`, `keystore.p12`, `truststore.jks`). */
const KEY_FILE = /\.(pem|key|p12|pfx|jks)$/i;

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;

/** `scheme://user:password@host`: the password is in the URL. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

/** Webhook URLs whose path is the key: whoever has the URL can post. */
const KEYED_WEBHOOK = [
  /https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/\S+/i,
  /https:\/\/(discord|discordapp)\.com\/api\/webhooks\/\S+/i,
  /https:\/\/events\.(eu\.)?pagerduty\.com\/integration\/\S+/i,
];

/**
 * A credential set inside an embedded config file (YAML, INI, JSON, properties): a key such as
 * `api_key`, `auth_token`, `password`, `routing_key` or `client_secret` with a value that is not
 * empty. `password_file` and `bearer_token_file` name a file, not a credential, and are not matched.
 */
const EMBEDDED_CREDENTIAL =
  /(?:^|[\s{,"'])((?:[a-z0-9]+[_-])*(?:password|passwd|token|secret|api_?key|auth_token|private_key|secret_key|access_key|routing_key|service_key|integration_key))["']?[ \t]*[:=][ \t]*(?!["']{2})(?![ \t]*(?:$|#|,|}|null\b|~))\S/im;

/** The words of a key: `clientSecret` → client, secret; `AUTH_JWT_PRIVATE_KEY` → auth, jwt, private, key. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** Why a key, by its name alone, holds a credential, or undefined. */
function credentialName(key: string): string | undefined {
  if (KEY_FILE.test(key)) return `key "${key}" names a key or keystore file`;
  const all = words(key);
  // A public key or certificate's key id is published, not kept: `publicKey` is no credential.
  const word = all.includes('public') ? undefined : all.find((w) => CREDENTIAL_WORDS.has(w));
  return word ? `key "${key}" is named like a credential` : undefined;
}

/** Why a value holds a credential, or undefined. */
function credentialValue(value: string): string | undefined {
  if (PEM_BLOCK.test(value)) return 'a PEM block';
  if (URL_WITH_PASSWORD.test(value)) return 'a URL with a password in it';
  if (KEYED_WEBHOOK.some((webhook) => webhook.test(value))) return 'a webhook URL that is itself the key (Slack, Discord, PagerDuty)';
  const embedded = EMBEDDED_CREDENTIAL.exec(value);
  return embedded ? `an embedded config that sets ${embedded[1]}` : undefined;
}

/** `data` is base64: judge what it decodes to (a value that is no base64 is the schema rule's matter). */
function decoded(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

export interface CredentialEvidence {
  /** The field that shows it: `type`, `stringData.password`, `data["tls.key"]`. */
  readonly field: string;
  readonly why: string;
}

/**
 * The first sign that a Secret holds a credential (its type, then each key of `data` and
 * `stringData` by name, then by value), or undefined when nothing it holds looks like one.
 * `fieldOf` names a key's field in the findings' notation.
 */
export function credentialEvidence(
  secret: Readonly<Record<string, unknown>>,
  fieldOf: (map: 'data' | 'stringData', key: string) => string,
): CredentialEvidence | undefined {
  if (typeof secret.type === 'string' && CREDENTIAL_TYPES.has(secret.type)) {
    return { field: 'type', why: `its type ${secret.type} holds credentials` };
  }
  for (const map of ['data', 'stringData'] as const) {
    const values = secret[map];
    if (values === null || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const byName = credentialName(key);
      if (byName) return { field: fieldOf(map, key), why: byName };
      if (typeof value !== 'string' || value === '') continue;
      const byValue = credentialValue(map === 'data' ? decoded(value) : value);
      if (byValue) return { field: fieldOf(map, key), why: `its value is ${byValue}` };
    }
  }
  return undefined;
}

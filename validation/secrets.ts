// Secrets: nothing rendered may carry Secret values, and every reference to a Secret must name one
// that exists: among the inputs (a Secret, or what an ExternalSecret, ClusterExternalSecret,
// SealedSecret or cert-manager Certificate creates), stated by the user (`--external-secret`), or,
// for this project's own render, declared in config (created outside git) with the key that is read.
import type { ExternalSecret } from '../config/types';
import type { KubeObject, Manifest } from './manifest';
import { findingFor, type Finding } from './finding';
import { append, type ValidationMode } from './model';
import { credentialEvidence } from './secret-values';
import { fieldJoin } from './shape';
import { typoOf, unseenCollector, unseenNote } from './service-rules';

export interface SecretReference {
  readonly field: string;
  readonly name: string;
  /** Undefined when the whole Secret is read (`envFrom`, a volume without `items`). */
  readonly keys?: readonly string[];
  /** `optional: true`: the pod starts without it, so it is never an error. */
  readonly optional?: boolean;
  /** A reference that names its own namespace (some custom resources do); else the object's. */
  readonly namespace?: string;
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
      const extra = {
        ...(ref?.optional === true ? { optional: true } : {}),
        ...(typeof ref?.namespace === 'string' ? { namespace: ref.namespace } : {}),
      };
      if (key === 'secretKeyRef' && ref && typeof ref.name === 'string') {
        found.push({ field: childPath, name: ref.name, ...(typeof ref.key === 'string' ? { keys: [ref.key] } : {}), ...extra });
      } else if (key === 'secretRef' && path.includes('envFrom') && ref && typeof ref.name === 'string') {
        found.push({ field: childPath, name: ref.name, ...extra });
      } else if (key === 'secret' && ref && (typeof ref.secretName === 'string' || typeof ref.name === 'string')) {
        const items = Array.isArray(ref.items)
          ? (ref.items as { key?: unknown }[]).map((item) => item?.key).filter((k): k is string => typeof k === 'string')
          : undefined;
        found.push({ field: childPath, name: String(ref.secretName ?? ref.name), keys: items, ...extra });
      } else {
        walk(child, childPath);
      }
    }
  };
  walk(object, '');
  return found;
}

/**
 * A Secret the inputs create, by the object that creates it; `keys` undefined when any key may be
 * there. `holder` says who gives it the keys it has, before `only a, b` or `no keys`.
 */
interface CreatedSecret {
  readonly by: string;
  readonly keys?: ReadonlySet<string>;
  readonly holder: string;
}

/** One object that makes or fills a Secret. */
interface Creator {
  readonly by: string;
  readonly keys?: ReadonlySet<string>;
  /** The Secret's own manifest. */
  readonly manifest?: boolean;
  /** A manifest with no keys at all: a placeholder something fills (an ExternalSecret here, a controller elsewhere). */
  readonly placeholder?: boolean;
}

/**
 * What the creators of one Secret make of it. A Secret among the files holds exactly its `data` and
 * `stringData` keys plus those of what fills it; any key when one of them leaves its keys open. A
 * placeholder with no keys that nothing here fills is filled elsewhere: any key.
 */
function mergedSecret(creators: readonly Creator[]): CreatedSecret {
  const filling = creators.filter((c) => !c.placeholder);
  const by = creators[0].by;
  if (filling.length === 0 || filling.some((c) => !c.keys)) return { by, holder: `${by} makes it with` };
  const keys = new Set(filling.flatMap((c) => [...c.keys!]));
  const names = filling.map((c) => (c.manifest ? 'its manifest in these files' : c.by));
  let holder = `${names.join(' and ')} give it`;
  if (filling.length === 1) holder = filling[0].manifest ? 'its manifest in these files holds' : `${names[0]} creates it with`;
  return { by, keys, holder };
}

/** Secret types whose keys a controller writes (the token controller's `token`, `ca.crt`, `namespace`). */
const FILLED_TYPES = new Set(['kubernetes.io/service-account-token']);

type Spec = Record<string, Json> | undefined;
const record = (value: Json): Record<string, Json> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
const strings = (values: Json[]): string[] => values.filter((v): v is string => typeof v === 'string');

/**
 * The Secret an External Secrets spec makes: `target.name`, by default the object's name; none with
 * `creationPolicy: None`. Its keys are known only when `data` alone fills it (no `dataFrom`, no
 * template, not merged into a Secret made elsewhere).
 */
function externalSecretTarget(spec: Spec, defaultName: string | undefined): { name: string; keys?: Set<string> } | undefined {
  const target = record(spec?.target);
  const policy = target?.creationPolicy ?? 'Owner';
  const name = typeof target?.name === 'string' ? target.name : defaultName;
  if (policy === 'None' || !name) return undefined;
  const data = Array.isArray(spec?.data) ? spec.data : [];
  const open = policy === 'Merge' || (Array.isArray(spec?.dataFrom) && spec.dataFrom.length > 0) || target?.template !== undefined;
  return { name, keys: open ? undefined : new Set(strings(data.map((d) => record(d)?.secretKey))) };
}

/** `namespace/name` → the Secret the inputs create there; the namespace `*` stands for every namespace. */
function createdSecrets(manifests: readonly Manifest[], defaultNamespace: string): Map<string, CreatedSecret> {
  // Two objects making one Secret: it holds the keys of both, or any when one of them says so.
  const creators = new Map<string, Creator[]>();
  const add = (namespace: string, name: string, by: string, keys?: ReadonlySet<string>, own?: { placeholder: boolean }) =>
    append(creators, `${namespace}/${name}`, {
      by,
      ...(keys ? { keys } : {}),
      ...(own ? { manifest: true, placeholder: own.placeholder } : {}),
    });
  for (const { object } of manifests) {
    const namespace = object.metadata?.namespace ?? defaultNamespace;
    const by = `${object.kind} ${object.metadata?.namespace ? `${namespace}/` : ''}${object.metadata?.name ?? ''}`;
    const spec = record(object.spec);
    const group = object.apiVersion.split('/')[0];
    if (object.kind === 'Secret' && object.apiVersion === 'v1' && object.metadata?.name) {
      const keys = new Set([...Object.keys(record(object.data) ?? {}), ...Object.keys(record(object.stringData) ?? {})]);
      const filled = typeof object.type === 'string' && FILLED_TYPES.has(object.type);
      add(namespace, object.metadata.name, by, filled ? undefined : keys, { placeholder: !filled && keys.size === 0 });
    } else if (group === 'external-secrets.io' && object.kind === 'ExternalSecret') {
      const target = externalSecretTarget(spec, object.metadata?.name);
      if (target) add(namespace, target.name, by, target.keys);
    } else if (group === 'external-secrets.io' && object.kind === 'ClusterExternalSecret') {
      const externalName = typeof spec?.externalSecretName === 'string' ? spec.externalSecretName : object.metadata?.name;
      const target = externalSecretTarget(record(spec?.externalSecretSpec), externalName);
      // Namespaces picked by label selectors cannot all be seen here: such a Secret counts everywhere.
      const listed = Array.isArray(spec?.namespaces) ? strings(spec.namespaces) : [];
      if (target) for (const ns of listed.length ? listed : ['*']) add(ns, target.name, by, target.keys);
    } else if (group === 'bitnami.com' && object.kind === 'SealedSecret') {
      const template = record(record(spec?.template)?.metadata);
      const name = typeof template?.name === 'string' ? template.name : object.metadata?.name;
      const encrypted = record(spec?.encryptedData);
      const keys = encrypted ? new Set([...Object.keys(encrypted), ...Object.keys(record(record(spec?.template)?.data) ?? {})]) : undefined;
      if (name) add(typeof template?.namespace === 'string' ? template.namespace : namespace, name, by, keys);
    } else if (group === 'cert-manager.io' && object.kind === 'Certificate' && typeof spec?.secretName === 'string') {
      add(namespace, spec.secretName, by);
    }
  }
  return new Map([...creators].map(([id, list]) => [id, mergedSecret(list)]));
}

/** What makes a Secret that config/secrets.ts declares (project mode). */
const DECLARED = 'config/secrets.ts';

export interface SecretReferenceOptions {
  /** In foreign mode a Secret that is nowhere to be seen is a note (created outside the files?), not an error. @default 'project' */
  readonly mode?: ValidationMode;
  /** `namespace/name` of Secrets the user says exist outside the inputs (`--external-secret`), with any keys. */
  readonly stated?: readonly string[];
}

/** `ExternalSecret shop/db creates Secret "db-credentials", a typo away`: the Secret a missing name likely means. */
function typoText(typo: { name: string; by: string }): string {
  const what = `Secret "${typo.name}", a typo away`;
  if (typo.by === DECLARED) return `config/secrets.ts declares ${what}`;
  return typo.by.startsWith('Secret ') ? `these files hold ${what}` : `${typo.by} creates ${what}`;
}

export function checkSecretReferences(
  manifests: readonly Manifest[],
  declared: readonly ExternalSecret[],
  defaultNamespace: string,
  options: SecretReferenceOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const foreign = options.mode === 'foreign';
  const created = createdSecrets(manifests, defaultNamespace);
  const stated = new Set(options.stated ?? []);
  const declaredByName = new Map(declared.map((s) => [`${s.namespace ?? defaultNamespace}/${s.name}`, s]));
  /** The Secrets known in each namespace, by name → what makes it, for the typo a missing name may be. */
  const knownIn = new Map<string, Map<string, string>>();
  const know = (id: string, by: string) => {
    const slash = id.indexOf('/');
    const [namespace, name] = [id.slice(0, slash), id.slice(slash + 1)];
    const names = knownIn.get(namespace) ?? new Map<string, string>();
    if (!names.has(name)) names.set(name, by);
    knownIn.set(namespace, names);
  };
  for (const [id, made] of created) know(id, made.by);
  for (const id of declaredByName.keys()) know(id, DECLARED);
  const typos = new Map<string, { name: string; by: string } | undefined>();
  const typoIn = (namespace: string, name: string): { name: string; by: string } | undefined => {
    const id = `${namespace}/${name}`;
    if (!typos.has(id)) {
      const names = new Map([...(knownIn.get('*') ?? []), ...(knownIn.get(namespace) ?? [])]);
      const typo = typoOf(name, names.keys());
      typos.set(id, typo === undefined ? undefined : { name: typo, by: names.get(typo)! });
    }
    return typos.get(id);
  };
  /** Foreign Secrets nowhere to be seen: one note per namespace, on the first reference. */
  const unseen = unseenCollector();
  for (const manifest of manifests) {
    for (const ref of secretReferences(manifest.object)) {
      if (ref.optional) continue;
      const error = (message: string) => findings.push(findingFor(manifest, 'error', 'secret-ref', ref.field, message));
      const namespace = ref.namespace ?? manifest.object.metadata?.namespace ?? defaultNamespace;
      const id = `${namespace}/${ref.name}`;
      const made = created.get(id) ?? created.get(`*/${ref.name}`);
      if (made) {
        for (const key of ref.keys ?? []) {
          if (made.keys && !made.keys.has(key)) {
            const has = made.keys.size ? `only ${[...made.keys].join(', ')}` : 'no keys';
            error(`Secret "${ref.name}" has no key "${key}": ${made.holder} ${has}`);
          }
        }
        continue;
      }
      if (stated.has(id)) continue;
      const secret = declaredByName.get(id);
      if (secret) {
        const where = foreign ? 'as declared' : 'in config/secrets.ts';
        for (const key of ref.keys ?? []) {
          if (!secret.keys.includes(key)) error(`Secret "${ref.name}" has no key "${key}" ${where} (declared: ${secret.keys.join(', ')})`);
        }
        continue;
      }
      // A Secret of a name a typo away is evidence of a slip, in either mode; otherwise, in foreign
      // mode, the Secret is most often made outside the files (by hand, a chart, an operator).
      const typo = typoIn(namespace, ref.name);
      const near = typo && typoText(typo);
      if (foreign && typo) error(`Secret "${ref.name}" in namespace "${namespace}" is not among these files, but ${near}`);
      else if (foreign) unseen.add('Secret', namespace, ref.name, manifest, ref.field);
      else {
        error(
          `Secret "${ref.name}" in namespace "${namespace}" is not declared in config/secrets.ts (externalSecrets)${near ? `, but ${near}` : ''}`,
        );
      }
    }
  }
  for (const group of unseen.groups)
    findings.push(unseenNote('secret-ref', group, (name) => `--external-secret ${group.namespace}/${name}`));
  return findings;
}

const holdsValues = (value: unknown): boolean => value !== null && typeof value === 'object' && Object.keys(value).length > 0;

/**
 * Secrets whose readers say they hold secrets, by `namespace/name` → why: a SecretStore's or
 * ClusterSecretStore's credentials (any `…SecretRef`/`secretRef` under `spec.provider`), the source
 * of a PushSecret (`spec.selector.secret.name`), what an ExternalSecret fills from a store.
 */
function secretsReadAsSecrets(manifests: readonly Manifest[], defaultNamespace: string): Map<string, string> {
  const found = new Map<string, string>();
  const add = (namespace: string, name: unknown, why: string) => {
    if (typeof name === 'string' && !found.has(`${namespace}/${name}`)) found.set(`${namespace}/${name}`, why);
  };
  for (const { object } of manifests) {
    if (object.apiVersion.split('/')[0] !== 'external-secrets.io') continue;
    const namespace = object.metadata?.namespace ?? defaultNamespace;
    const who = `${object.kind} ${namespace}/${object.metadata?.name ?? ''}`;
    const spec = record(object.spec);
    if (object.kind === 'SecretStore' || object.kind === 'ClusterSecretStore') {
      const walk = (value: Json, underRef: boolean) => {
        if (Array.isArray(value)) value.forEach((item) => walk(item, underRef));
        const node = record(value);
        if (!node) return;
        if (underRef && typeof node.name === 'string') {
          add(typeof node.namespace === 'string' ? node.namespace : namespace, node.name, `${who} reads it as its credentials`);
        }
        for (const [key, child] of Object.entries(node)) walk(child, underRef || /secretref$/i.test(key));
      };
      walk(spec?.provider, false);
    } else if (object.kind === 'PushSecret') {
      add(namespace, record(record(spec?.selector)?.secret)?.name, `${who} pushes its values into a secret store`);
    } else if (object.kind === 'ExternalSecret') {
      const target = externalSecretTarget(spec, object.metadata?.name);
      if (target) add(namespace, target.name, `${who} fills it from a secret store`);
    }
  }
  return found;
}

/**
 * Secret values never go into git. This project's rule is strict: a rendered Secret with `data` or
 * `stringData` is an error (an empty map holds none). Anyone else's Secret is an error when something
 * in it looks like a credential (secret-values.ts), or when what reads it says it holds secrets (an
 * External Secrets store's credentials, a PushSecret's source, an ExternalSecret's target); otherwise
 * a warning: many consumers read plain configuration from a Secret (Alertmanager's config,
 * grafana.ini), which is fine in git only while none of it is sensitive.
 */
export function checkNoSecretData(
  manifests: readonly Manifest[],
  mode: ValidationMode = 'project',
  defaultNamespace = 'default',
): Finding[] {
  const advice =
    mode === 'project'
      ? 'create the Secret outside git and declare it in config/secrets.ts'
      : 'create the Secret outside git, or commit it encrypted (an ExternalSecret, a SealedSecret)';
  const withValues = manifests.filter(
    (m) => m.object.kind === 'Secret' && (holdsValues(m.object.data) || holdsValues(m.object.stringData)),
  );
  const readAsSecrets =
    mode === 'project' || withValues.length === 0 ? new Map<string, string>() : secretsReadAsSecrets(manifests, defaultNamespace);
  return withValues.map((m) => {
    const field = holdsValues(m.object.data) ? 'data' : 'stringData';
    if (mode === 'project') return findingFor(m, 'error', 'secret-data', field, `Secret values never go into git: ${advice}`);
    const evidence = credentialEvidence(m.object, fieldJoin);
    const reader = readAsSecrets.get(`${m.object.metadata?.namespace ?? defaultNamespace}/${m.object.metadata?.name ?? ''}`);
    if (evidence || reader) {
      const why = evidence?.why ?? reader;
      return findingFor(m, 'error', 'secret-data', evidence?.field ?? field, `Secret values never go into git: ${why}; ${advice}`);
    }
    return findingFor(
      m,
      'warning',
      'secret-data',
      field,
      'holds its values in git; none looks like a credential (no password, token or key by name or type, no PEM block, ' +
        'no URL with a password or a webhook key) and nothing here reads it as one: fine only while none of them is sensitive',
    );
  });
}

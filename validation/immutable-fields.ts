// Changes the API server refuses on an existing object: a field Kubernetes makes immutable once the
// object exists. Argo CD's sync would fail on them after the push (the old object stays, the app is
// stuck OutOfSync), so synth and publish:deploy refuse them first, comparing a render with the one
// before it. The rules are Kubernetes v1.31's update validation (pkg/apis/*/validation); the control
// plane test (test/cluster/upgrades.cluster.ts) checks this model against the real API server.
import { findingFor, type Finding } from './finding';
import type { KubeObject, Manifest } from './manifest';
import { objectRef } from './manifest';

type Spec = Record<string, unknown>;

interface ImmutableRule {
  /** The field paths compared (dot-separated, from the object's root); all of them are immutable. */
  readonly fields?: readonly string[];
  /** Or: every field of `spec` is immutable except these (StatefulSet, PersistentVolumeClaim). */
  readonly specExcept?: readonly string[];
  /** Applies only when this holds for the live (previous) object. */
  readonly when?: (before: KubeObject) => boolean;
  readonly wayOut?: string;
}

const RENAME =
  'give the object a new name (Argo CD creates the new one and prunes the old), or remove it in one publish and add it back in the next';

/** By `group/Kind` (core group empty). */
export const IMMUTABLE_RULES: ReadonlyMap<string, readonly ImmutableRule[]> = new Map<string, readonly ImmutableRule[]>([
  ['apps/Deployment', [{ fields: ['spec.selector'] }]],
  ['apps/ReplicaSet', [{ fields: ['spec.selector'] }]],
  ['apps/DaemonSet', [{ fields: ['spec.selector'] }]],
  [
    'apps/StatefulSet',
    [
      {
        specExcept: [
          'replicas',
          'ordinals',
          'template',
          'updateStrategy',
          'persistentVolumeClaimRetentionPolicy',
          'minReadySeconds',
          'revisionHistoryLimit',
        ],
        wayOut:
          'delete the StatefulSet alone, keeping its pods and volumes (`kubectl delete statefulset <name> --cascade=orphan`), and let the next sync create it anew; or ' +
          RENAME +
          ' (the new one gets new, empty volumes)',
      },
    ],
  ],
  ['batch/Job', [{ fields: ['spec.selector', 'spec.template', 'spec.completionMode'] }]],
  ['/PersistentVolumeClaim', [{ specExcept: ['resources', 'volumeAttributesClassName'] }]],
  ['rbac.authorization.k8s.io/RoleBinding', [{ fields: ['roleRef'] }]],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', [{ fields: ['roleRef'] }]],
  // Once set, the cluster IP stays; and an object marked immutable keeps its data and the mark.
  ['/Service', [{ fields: ['spec.clusterIP'], when: (before) => typeof (before.spec as Spec | undefined)?.clusterIP === 'string' }]],
  ['/ConfigMap', [{ fields: ['data', 'binaryData', 'immutable'], when: (before) => before.immutable === true }]],
  ['/Secret', [{ fields: ['data', 'stringData', 'immutable'], when: (before) => before.immutable === true }]],
]);

const groupKind = (o: KubeObject) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`;

function at(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Spec)[key] : undefined), object);
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Key order does not make two values different. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Spec)[k])]),
    );
  }
  return value;
}

/** The immutable fields `after` changes relative to `before` (the same object, one render earlier). */
export function immutableFieldsChanged(before: KubeObject, after: KubeObject): string[] {
  const rules = IMMUTABLE_RULES.get(groupKind(after));
  if (!rules || groupKind(before) !== groupKind(after)) return [];
  return rules.flatMap((rule) => {
    if (rule.when && !rule.when(before)) return [];
    if (rule.fields) return rule.fields.filter((field) => !same(at(before, field), at(after, field)));
    const allowed = new Set(rule.specExcept);
    const b = (before.spec ?? {}) as Spec;
    const a = (after.spec ?? {}) as Spec;
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((key) => !allowed.has(key) && !same(b[key], a[key]))
      .sort()
      .map((key) => `spec.${key}`);
  });
}

function wayOutFor(object: KubeObject): string {
  return IMMUTABLE_RULES.get(groupKind(object))?.find((r) => r.wayOut)?.wayOut ?? RENAME;
}

const identity = (o: KubeObject) => `${groupKind(o)}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * One error per object whose update the API server would refuse. `previousSource` says where the
 * earlier render was read (`dist/prod/ as it was before this synth`, `the deploy branch`).
 */
export function checkImmutableFields(previous: readonly KubeObject[], next: readonly Manifest[], previousSource: string): Finding[] {
  const before = new Map(previous.map((o) => [identity(o), o]));
  const findings: Finding[] = [];
  for (const manifest of next) {
    const old = before.get(identity(manifest.object));
    if (!old) continue;
    const fields = immutableFieldsChanged(old, manifest.object);
    if (fields.length === 0) continue;
    findings.push(
      findingFor(
        manifest,
        'error',
        'immutable-field',
        fields.join(', '),
        `changes ${fields.length === 1 ? 'a field' : 'fields'} Kubernetes does not let an existing ${manifest.object.kind} change ` +
          `(compared with ${previousSource}); the API server would refuse the update and the sync of ${objectRef(manifest.object)} ` +
          `would fail. Keep the old value, or ${wayOutFor(manifest.object)}`,
      ),
    );
  }
  return findings;
}

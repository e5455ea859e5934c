// The objects the rules after `schema` read: each conformed to the structural schema of its kind, so
// that a rule never meets a value of a type it does not expect (a string where a list of containers
// belongs, `null` for a route). The schema rule reads the objects as written and reports every such
// value the API server refuses, so nothing the other rules could say about that one value matters;
// a `null` it takes (a map's value, an optional field) means unset or empty there too. Conforming drops it:
// - a value of the wrong type, or `null`, in an object or a map is treated as unset;
// - in a list it becomes the item type's zero value (`{}` for an object), as Kubernetes decodes a
//   `null` item, so the indices of the other items, which findings name, do not move.
// Fields the schema does not know are kept as written (the schema rule reports them).
import type { Manifest } from './manifest';
import { schemas } from './schema';
import type { SchemaSet, Shape } from './shape';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a key such as `constructor` or `__proto__` must not find Object.prototype's. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const shapesByKind = new Map<string, { group: string; shape: Shape }[]>();

/**
 * The shape the rules read an object of `apiVersion` and `kind` by. The rules pick objects by kind
 * alone, so a version without a schema of its own (`networking.istio.io/v1alpha3`) is read by
 * another version's shape of the same kind: its group's first, then a built-in one.
 */
export function readingShape(apiVersion: string, kind: string, set: SchemaSet = schemas()): Shape | undefined {
  const exact = own(set.kinds, `${apiVersion}/${kind}`);
  if (exact) return exact;
  if (shapesByKind.size === 0) {
    for (const [key, shape] of Object.entries(set.kinds)) {
      const cut = key.lastIndexOf('/');
      const version = key.slice(0, cut);
      const group = version.includes('/') ? version.split('/')[0] : '';
      shapesByKind.set(key.slice(cut + 1), [...(shapesByKind.get(key.slice(cut + 1)) ?? []), { group, shape }]);
    }
  }
  const candidates = shapesByKind.get(kind) ?? [];
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const builtIn = (g: string) => g === '' || !g.includes('.') || g.endsWith('.k8s.io');
  return (candidates.find((c) => c.group === group) ?? candidates.find((c) => builtIn(c.group)) ?? candidates[0])?.shape;
}

/**
 * `fractions`: whether an int-or-string may hold a fractional number. A built-in kind's may (a
 * quantity, `cpu: 0.5`; kubernetes-models tells an IntOrString's `80.5` apart, for the schema rule);
 * a custom resource's may not: its schema is `anyOf: [integer, string]`, and the API server refuses
 * `1.5` there, so the rules do not read it either.
 */
export function conformValue(value: unknown, shape: Shape, set: SchemaSet = schemas(), fractions = true): unknown {
  // Aliases make one parsed value appear in many places: conform it once per shape.
  const memo = new WeakMap<object, Map<Shape, unknown>>();
  const resolved = (s: Shape): Shape | undefined => {
    let current: Shape | undefined = s;
    for (let hops = 0; current?.t === 'ref' && hops < 64; hops++) current = own(set.types, current.ref);
    return current?.t === 'ref' ? undefined : current;
  };
  const zero = (s: Shape): unknown => {
    const r = resolved(s);
    switch (r?.t) {
      case 'string':
        return '';
      case 'integer':
      case 'number':
      case 'int-or-string':
        return 0;
      case 'boolean':
        return false;
      case 'array':
        return [];
      case 'map':
      case 'object':
        return {};
      default:
        return null;
    }
  };
  const walk = (v: unknown, s: Shape): unknown => {
    const r = resolved(s);
    if (!r) return v;
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'object') {
      const cached = memo.get(v)?.get(r);
      if (cached !== undefined) return cached;
    }
    const result = conformOne(v, r);
    if (typeof v === 'object' && result !== undefined) {
      if (!memo.has(v)) memo.set(v, new Map());
      memo.get(v)!.set(r, result);
    }
    return result;
  };
  const conformOne = (v: unknown, s: Shape): unknown => {
    switch (s.t) {
      case 'string':
        return typeof v === 'string' ? v : undefined;
      case 'integer':
      case 'number':
        return typeof v === 'number' ? v : undefined;
      case 'boolean':
        return typeof v === 'boolean' ? v : undefined;
      case 'int-or-string':
        // A quantity may be any number (`cpu: 0.5`): the rules take it as given.
        return typeof v === 'string' || (typeof v === 'number' && (fractions || Number.isInteger(v))) ? v : undefined;
      case 'array':
        return Array.isArray(v) ? sameOrCopied(v, (item) => walk(item, s.items) ?? zero(s.items)) : undefined;
      case 'map':
        return isPlain(v) ? sameOrRebuilt(v, (_k, item) => walk(item, s.values)) : undefined;
      case 'object':
        return isPlain(v)
          ? sameOrRebuilt(v, (k, item) => {
              const prop = own(s.props, k);
              return prop ? walk(item, prop) : item;
            })
          : undefined;
      default:
        return v;
    }
  };
  return walk(value, shape);
}

// Copy on write: most objects conform as written, and copying all of them was a fifth of
// `npm run validate` on 20,000 objects (the allocations and the collector's work).

/** The list itself when every item maps to itself, else a new list of the mapped items. */
function sameOrCopied(list: readonly unknown[], map: (item: unknown) => unknown): unknown[] {
  let copy: unknown[] | undefined;
  list.forEach((item, i) => {
    const mapped = map(item);
    if (mapped !== item && !copy) copy = list.slice(0, i);
    copy?.push(mapped);
  });
  return copy ?? (list as unknown[]);
}

/** The map itself when every value maps to itself, else a new map without the values mapped to undefined. */
function sameOrRebuilt(record: Plain, map: (key: string, item: unknown) => unknown): Plain {
  const entries = Object.entries(record);
  let changed = false;
  const mapped = entries.map(([k, item]): [string, unknown] => {
    const value = map(k, item);
    if (value !== item) changed = true;
    return [k, value];
  });
  // fromEntries makes own properties, also of a key named `__proto__`.
  return changed ? Object.fromEntries(mapped.filter(([, value]) => value !== undefined)) : record;
}

/** The manifest as the rules read it (the same manifest when no schema knows its kind). */
export function conformed(manifest: Manifest, set: SchemaSet = schemas()): Manifest {
  const shape = readingShape(manifest.object.apiVersion, manifest.object.kind, set);
  if (!shape) return manifest;
  const { apiVersion } = manifest.object;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const object = conformValue(manifest.object, shape, set, group === '' || !group.includes('.') || group.endsWith('.k8s.io'));
  if (!isPlain(object)) return manifest;
  // The reader guarantees both; keep them whatever the shape says.
  return { ...manifest, object: { ...object, apiVersion: manifest.object.apiVersion, kind: manifest.object.kind } };
}

// Structural schemas: what fields an object may have, of which type. Generated into
// imports/schemas.json by `npm run import` (tooling/schema-generation/, from kubernetes-models' type
// declarations and from the pinned CRDs) and walked here, so that an unknown field (a typo such as
// `replica` or `readOnlyRootFileSystem`) is an error, as are wrong types, values outside an enum or
// bounds, pattern mismatches and missing required fields.

/**
 * Inclusive bounds from a CRD: the length of a string, the value of a number, the items of a list,
 * the entries of a map or object.
 */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

export type Shape =
  | ({ readonly t: 'string'; readonly enum?: readonly string[]; readonly pattern?: string } & Bounds)
  | ({ readonly t: 'integer' | 'number' } & Bounds)
  | { readonly t: 'boolean' | 'any' }
  /** `pattern`, from a CRD, is what the string form must match (a quantity's: QUANTITY_PATTERN). */
  | { readonly t: 'int-or-string'; readonly pattern?: string }
  | ({ readonly t: 'array'; readonly items: Shape } & Bounds)
  | ({ readonly t: 'map'; readonly values: Shape } & Bounds)
  | ({
      readonly t: 'object';
      readonly props: Readonly<Record<string, Shape>>;
      readonly required?: readonly string[];
      /** Fields beyond `props` are kept as they are (x-kubernetes-preserve-unknown-fields). */
      readonly open?: boolean;
    } & Bounds)
  | { readonly t: 'ref'; readonly ref: string };

export interface SchemaSet {
  /** `apiVersion/kind` (e.g. `apps/v1/Deployment`, `v1/Service`) → the shape of the whole object. */
  readonly kinds: Readonly<Record<string, Shape>>;
  /** Named shapes that `ref` shapes point at. */
  readonly types: Readonly<Record<string, Shape>>;
}

/**
 * The pattern controller-gen writes for a `resource.Quantity` field of a CRD (`100m`, `0.5`, `1`,
 * `128Mi`), beside `anyOf: [integer, string]` and `x-kubernetes-int-or-string`.
 */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** What the schema rule says of a value that is no quantity, for built-in kinds and custom resources alike. */
export const NOT_A_QUANTITY = 'is not a Kubernetes quantity (e.g. 100m, 0.5, 1, 128Mi)';

const compiled = new Map<string, RegExp>();

/**
 * A CRD's `pattern` (RE2 syntax, as the API server reads it) as a JavaScript RegExp. The one RE2
 * construct the pinned CRDs use that JavaScript lacks, a leading `(?i)`, becomes the `i` flag;
 * test/validation/schema.test.ts compiles every pattern in imports/schemas.json, so none is silently skipped.
 */
export function patternRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    const caseless = /^(\^?)\(\?i\)/.exec(pattern);
    regexp = caseless ? new RegExp(caseless[1] + pattern.slice(caseless[0].length), 'iu') : new RegExp(pattern, 'u');
    compiled.set(pattern, regexp);
  }
  return regexp;
}

/** `must have at least 1 character`: the problem with a measured size outside its bounds. */
function outOfBounds(size: number, bounds: Bounds, [one, many]: readonly [string, string]): string | undefined {
  const plural = (n: number) => `${n} ${n === 1 ? one : many}`;
  if (bounds.min !== undefined && size < bounds.min) return `must have at least ${plural(bounds.min)}, not ${size}`;
  if (bounds.max !== undefined && size > bounds.max) return `must have at most ${plural(bounds.max)}, not ${size}`;
  return undefined;
}

export interface ShapeProblem {
  readonly field: string;
  readonly message: string;
  /** A fractional number where an integer or a string is wanted: right for a quantity (`cpu: 0.5`), wrong for an IntOrString. */
  readonly fractional?: boolean;
  /**
   * A `null`, which the API server does not refuse: in a map it is the value type's zero (`""`), in an
   * object the field is unset (`unset`: no finding, only what the other layer must not report either),
   * which is an error only for a required field (`required`). A `null` item of a list is judged as
   * the item's type, like any other value.
   */
  readonly null?: 'map-value' | 'unset' | 'required';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A field below `path` in the one notation findings use: `spec.replicas` for a key that is a plain
 * name, `data["key-0"]` or `metadata.annotations["sidecar.istio.io/inject"]` for any other.
 */
export function fieldJoin(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/**
 * A record's own entry: a key of a manifest (`constructor`, `__proto__`, `toString`) is a plain key,
 * never one of Object.prototype's, in the schemas as in the object.
 */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Every way `value` departs from `shape`. `status` is skipped at the top: it is the cluster's to write. */
export function checkShape(value: unknown, shape: Shape, set: SchemaSet, path = ''): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const walk = (v: unknown, s: Shape, p: string): void => {
    if (s.t === 'ref') {
      const target = own(set.types, s.ref);
      if (target) walk(v, target, p);
      return;
    }
    if (v === null || v === undefined) return; // null means "unset" in Kubernetes manifests
    const actual = typeName(v);
    const bounded = (size: number, unit: readonly [string, string]) => {
      const message = outOfBounds(size, s as Bounds, unit);
      if (message) problems.push({ field: p, message });
    };
    switch (s.t) {
      case 'any':
        return;
      case 'string':
        if (actual !== 'string') problems.push({ field: p, message: `must be a string, not ${actual} ${JSON.stringify(v)}` });
        else if (s.enum && !s.enum.includes(v as string)) {
          problems.push({
            field: p,
            message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, not ${JSON.stringify(v)}`,
          });
        } else if (s.pattern && !patternRegExp(s.pattern).test(v as string)) {
          problems.push({ field: p, message: `must match ${s.pattern}, not ${JSON.stringify(v)}` });
        } else bounded([...(v as string)].length, ['character', 'characters']);
        return;
      case 'integer':
      case 'number':
        if (s.t === 'integer' ? !Number.isInteger(v) : actual !== 'number') {
          problems.push({
            field: p,
            message: `must be ${s.t === 'integer' ? 'an integer' : 'a number'}, not ${actual} ${JSON.stringify(v)}`,
          });
        } else if (s.min !== undefined && (v as number) < s.min) {
          problems.push({ field: p, message: `must be at least ${s.min}, not ${String(v)}` });
        } else if (s.max !== undefined && (v as number) > s.max) {
          problems.push({ field: p, message: `must be at most ${s.max}, not ${String(v)}` });
        }
        return;
      case 'boolean':
        if (actual !== 'boolean') problems.push({ field: p, message: `must be true or false, not ${actual} ${JSON.stringify(v)}` });
        return;
      case 'int-or-string': {
        const quantity = s.pattern === QUANTITY_PATTERN;
        if (actual === 'string' && s.pattern && !patternRegExp(s.pattern).test(v as string)) {
          problems.push({
            field: p,
            message: quantity ? `${JSON.stringify(v)} ${NOT_A_QUANTITY}` : `must match ${s.pattern}, not ${JSON.stringify(v)}`,
          });
        } else if (actual !== 'string' && !Number.isInteger(v)) {
          // A CRD's quantity is anyOf an integer and a string: the API server refuses `0.5`, takes "0.5".
          const hint = quantity && actual === 'number' ? `: a custom resource takes this quantity as "${String(v)}" or an integer` : '';
          problems.push({
            field: p,
            message: `must be an integer or a string, not ${actual}${hint}`,
            ...(actual === 'number' ? { fractional: true } : {}),
          });
        }
        return;
      }
      case 'array':
        if (actual !== 'array') problems.push({ field: p, message: `must be a list, not ${actual}` });
        else {
          bounded((v as unknown[]).length, ['item', 'items']);
          (v as unknown[]).forEach((item, i) => walk(item, s.items, `${p}[${i}]`));
        }
        return;
      case 'map':
        if (actual !== 'object') problems.push({ field: p, message: `must be a map, not ${actual}` });
        else {
          bounded(Object.keys(v as object).length, ['entry', 'entries']);
          for (const [k, item] of Object.entries(v as object)) {
            if (item === null) problems.push({ field: fieldJoin(p, k), message: 'is null', null: 'map-value' });
            else walk(item, s.values, fieldJoin(p, k));
          }
        }
        return;
      case 'object': {
        if (actual !== 'object') {
          problems.push({ field: p, message: `must be an object, not ${actual} ${JSON.stringify(v)}` });
          return;
        }
        const object = v as Record<string, unknown>;
        bounded(Object.keys(object).length, ['entry', 'entries']);
        const required = new Set(s.required ?? []);
        for (const name of required) {
          const value = own(object, name);
          if (value === undefined) problems.push({ field: fieldJoin(p, name), message: 'is required' });
          else if (value === null)
            problems.push({ field: fieldJoin(p, name), message: 'is required (null leaves it unset)', null: 'required' });
        }
        for (const [k, item] of Object.entries(object)) {
          if (p === '' && k === 'status') continue;
          const propShape = own(s.props, k);
          if (propShape && item === null) {
            if (!required.has(k)) problems.push({ field: fieldJoin(p, k), message: 'is null', null: 'unset' });
          } else if (propShape) walk(item, propShape, fieldJoin(p, k));
          else if (!s.open) {
            const known = Object.keys(s.props);
            const near = known.find((name) => name.toLowerCase() === k.toLowerCase());
            problems.push({ field: fieldJoin(p, k), message: near ? `unknown field (did you mean "${near}"?)` : 'unknown field' });
          }
        }
        return;
      }
    }
  };
  walk(value, shape, path);
  return problems;
}

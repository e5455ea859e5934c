// Structural schemas: what fields an object may have, of which type. Generated into imports/schemas/
// by `npm run import` (from kubernetes-models' type declarations and from the pinned CRDs) and walked
// here, so that an unknown field (a typo such as `replica` or `readOnlyRootFileSystem`) is an error,
// as are wrong types, values outside an enum and missing required fields.

export type Shape =
  | { readonly t: 'string'; readonly enum?: readonly string[]; readonly pattern?: string }
  | { readonly t: 'integer' | 'number' | 'boolean' | 'int-or-string' | 'any' }
  | { readonly t: 'array'; readonly items: Shape }
  | { readonly t: 'map'; readonly values: Shape }
  | {
      readonly t: 'object';
      readonly props: Readonly<Record<string, Shape>>;
      readonly required?: readonly string[];
      /** Fields beyond `props` are kept as they are (x-kubernetes-preserve-unknown-fields). */
      readonly open?: boolean;
    }
  | { readonly t: 'ref'; readonly ref: string };

export interface SchemaSet {
  /** `apiVersion/kind` (e.g. `apps/v1/Deployment`, `v1/Service`) → the shape of the whole object. */
  readonly kinds: Readonly<Record<string, Shape>>;
  /** Named shapes that `ref` shapes point at. */
  readonly types: Readonly<Record<string, Shape>>;
}

const compiled = new Map<string, RegExp>();

/**
 * A CRD's `pattern` (RE2 syntax, as the API server reads it) as a JavaScript RegExp. The one RE2
 * construct the pinned CRDs use that JavaScript lacks, a leading `(?i)`, becomes the `i` flag;
 * test/schema.test.ts compiles every pattern in imports/schemas.json, so none is silently skipped.
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

export interface ShapeProblem {
  readonly field: string;
  readonly message: string;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Every way `value` departs from `shape`. `status` is skipped at the top: it is the cluster's to write. */
export function checkShape(value: unknown, shape: Shape, set: SchemaSet, path = ''): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const walk = (v: unknown, s: Shape, p: string): void => {
    if (s.t === 'ref') {
      const target = set.types[s.ref];
      if (target) walk(v, target, p);
      return;
    }
    if (v === null || v === undefined) return; // null means "unset" in Kubernetes manifests
    const actual = typeName(v);
    switch (s.t) {
      case 'any':
        return;
      case 'string':
        if (actual !== 'string') problems.push({ field: p, message: `must be a string, not ${actual} ${JSON.stringify(v)}` });
        else if (s.enum && !s.enum.includes(v as string)) {
          problems.push({ field: p, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, not ${JSON.stringify(v)}` });
        } else if (s.pattern && !patternRegExp(s.pattern).test(v as string)) {
          problems.push({ field: p, message: `must match ${s.pattern}, not ${JSON.stringify(v)}` });
        }
        return;
      case 'integer':
        if (!Number.isInteger(v)) problems.push({ field: p, message: `must be an integer, not ${actual} ${JSON.stringify(v)}` });
        return;
      case 'number':
        if (actual !== 'number') problems.push({ field: p, message: `must be a number, not ${actual} ${JSON.stringify(v)}` });
        return;
      case 'boolean':
        if (actual !== 'boolean') problems.push({ field: p, message: `must be true or false, not ${actual} ${JSON.stringify(v)}` });
        return;
      case 'int-or-string':
        if (actual !== 'string' && !Number.isInteger(v)) problems.push({ field: p, message: `must be an integer or a string, not ${actual}` });
        return;
      case 'array':
        if (actual !== 'array') problems.push({ field: p, message: `must be a list, not ${actual}` });
        else (v as unknown[]).forEach((item, i) => walk(item, s.items, `${p}[${i}]`));
        return;
      case 'map':
        if (actual !== 'object') problems.push({ field: p, message: `must be a map, not ${actual}` });
        else for (const [k, item] of Object.entries(v as object)) walk(item, s.values, join(p, k));
        return;
      case 'object': {
        if (actual !== 'object') {
          problems.push({ field: p, message: `must be an object, not ${actual} ${JSON.stringify(v)}` });
          return;
        }
        const object = v as Record<string, unknown>;
        for (const name of s.required ?? []) {
          if (object[name] === undefined) problems.push({ field: join(p, name), message: 'is required' });
        }
        for (const [k, item] of Object.entries(object)) {
          if (p === '' && k === 'status') continue;
          const propShape = s.props[k];
          if (propShape) walk(item, propShape, join(p, k));
          else if (!s.open) {
            const known = Object.keys(s.props);
            const near = known.find((name) => name.toLowerCase() === k.toLowerCase());
            problems.push({ field: join(p, k), message: near ? `unknown field (did you mean "${near}"?)` : 'unknown field' });
          }
        }
        return;
      }
    }
  };
  walk(value, shape, path);
  return problems;
}

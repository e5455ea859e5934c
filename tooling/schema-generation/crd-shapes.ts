// Structural shapes from CustomResourceDefinitions' openAPIV3Schema: the fields, types, enums,
// patterns, bounds (lengths, values, item and entry counts) and required fields Kubernetes itself
// checks (and the unknown fields it would silently drop), an int-or-string's pattern too. Not carried: oneOf/anyOf, formats and
// x-kubernetes-validations (CEL rules), which only the API server evaluates.
import type { CrdVersions } from '../../validation/schema';
import type { Bounds, Shape } from '../../validation/shape';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export interface CrdVersion {
  name: string;
  /** A version the API server does not serve answers 404: as unknown as a version the CRD never had. */
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  /** The text the API server sends as a warning with every request to a deprecated version. */
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JsonSchema };
}

export interface Crd {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

/** Only the bounds a schema sets, so that unbounded shapes stay small in schemas.json. */
function bounds(min: number | undefined, max: number | undefined): Bounds {
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

export function shapeOfSchema(schema: JsonSchema | undefined): Shape {
  if (!schema) return { t: 'any' };
  // The pattern (a quantity's, mostly) applies to the string form only, as in the API server.
  if (schema['x-kubernetes-int-or-string']) return { t: 'int-or-string', ...(schema.pattern ? { pattern: schema.pattern } : {}) };
  switch (schema.type) {
    case 'string':
      return {
        t: 'string',
        ...(schema.enum ? { enum: schema.enum.filter((e): e is string => typeof e === 'string') } : {}),
        ...(schema.pattern ? { pattern: schema.pattern } : {}),
        ...bounds(schema.minLength, schema.maxLength),
      };
    case 'integer':
    case 'number':
      return { t: schema.type, ...bounds(schema.minimum, schema.maximum) };
    case 'boolean':
      return { t: schema.type };
    case 'array':
      return { t: 'array', items: shapeOfSchema(schema.items), ...bounds(schema.minItems, schema.maxItems) };
    case 'object':
    case undefined: {
      if (schema.properties) {
        const props = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, shapeOfSchema(v)]));
        return {
          t: 'object',
          props,
          ...(schema.required?.length ? { required: schema.required } : {}),
          ...(schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties ? { open: true } : {}),
          ...bounds(schema.minProperties, schema.maxProperties),
        };
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return { t: 'map', values: shapeOfSchema(schema.additionalProperties), ...bounds(schema.minProperties, schema.maxProperties) };
      }
      return { t: 'any' };
    }
    default:
      return { t: 'any' };
  }
}

/** `v1` → [1, 2, 0], `v1beta2` → [1, 1, 2], `v2alpha1` → [2, 0, 1]: major, stability (alpha 0, beta 1, GA 2), minor. */
function kubeVersion(name: string): [number, number, number] | undefined {
  const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(name);
  if (!match) return undefined;
  return [Number(match[1]), match[2] === 'alpha' ? 0 : match[2] === 'beta' ? 1 : 2, match[3] ? Number(match[3]) : 0];
}

/**
 * Positive when version `a` is newer than `b`, in the API server's order (apimachinery's
 * CompareKubeAwareVersionStrings): GA before beta before alpha, then the major, then the minor
 * number (v2, v1, v1beta2, v1beta1, v1alpha1); names of another form after those, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const [va, vb] = [kubeVersion(a), kubeVersion(b)];
  if (!va || !vb) return !va && !vb ? (b < a ? -1 : b > a ? 1 : 0) : va ? 1 : -1;
  if (va[1] !== vb[1]) return va[1] - vb[1];
  if (va[0] !== vb[0]) return va[0] - vb[0];
  return va[2] - vb[2];
}

/**
 * The warning the API server sends with every request to a deprecated CRD version: the CRD's own
 * `deprecationWarning`, else `<group>/<version> <Kind> is deprecated`, followed by `; use
 * <group>/<newest> <Kind>` when a newer version is served and not deprecated.
 */
export function deprecationWarning(crd: Crd, version: CrdVersion): string {
  if (version.deprecationWarning !== undefined) return version.deprecationWarning;
  const { group, names } = crd.spec;
  const newer = crd.spec.versions
    .filter((v) => v.served && !v.deprecated && compareKubeVersions(version.name, v.name) < 0)
    .sort((a, b) => compareKubeVersions(b.name, a.name));
  const warning = `${group}/${version.name} ${names.kind} is deprecated`;
  return newer.length > 0 ? `${warning}; use ${group}/${newer[0].name} ${names.kind}` : warning;
}

/** JSON with sorted keys: two versions' shapes are the same shape whatever order their YAML listed fields in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What schemas.json holds for the CRDs: their shapes, and per kind the versions served and deprecated. */
export interface CrdSchemas {
  /** `group/version/Kind` → a `ref` into `types`, for every served version. */
  readonly kinds: Record<string, Shape>;
  /** One shape per distinct version schema, named after the newest version that has it. */
  readonly types: Record<string, Shape>;
  readonly crds: Record<string, CrdVersions>;
}

/**
 * Every served version of every CRD, each with its own schema, as the API server validates a request
 * against the schema of the version it names. Versions whose schemas are the same (Istio serves
 * v1, v1beta1 and v1alpha3 of each kind with one schema) share one shape in `types`, so an older
 * version costs a few bytes of schemas.json. A version with `served: false` is left out: the API
 * server answers it as it answers a version the CRD never had.
 */
export function crdShapes(crds: readonly Crd[]): CrdSchemas {
  const result: CrdSchemas = { kinds: {}, types: {}, crds: {} };
  for (const crd of crds) {
    const { group, names } = crd.spec;
    const served = crd.spec.versions.filter((v) => v.served).sort((a, b) => compareKubeVersions(b.name, a.name));
    const typeOfSchema = new Map<string, string>();
    const versions: string[] = [];
    const deprecated: Record<string, string> = {};
    for (const version of served) {
      const root = shapeOfSchema(version.schema?.openAPIV3Schema);
      if (root.t !== 'object') continue;
      // apiVersion, kind and metadata are the API server's, not the CRD's to describe.
      const shape: Shape = {
        ...root,
        props: { ...root.props, apiVersion: { t: 'string' }, kind: { t: 'string' }, metadata: { t: 'ref', ref: 'ObjectMeta' } },
      };
      const key = canonical(shape);
      let type = typeOfSchema.get(key);
      if (!type) {
        type = `${group}/${version.name}/${names.kind}`;
        typeOfSchema.set(key, type);
        result.types[type] = shape;
      }
      result.kinds[`${group}/${version.name}/${names.kind}`] = { t: 'ref', ref: type };
      versions.push(version.name);
      if (version.deprecated) deprecated[version.name] = deprecationWarning(crd, version);
    }
    if (versions.length > 0) {
      result.crds[`${group}/${names.kind}`] = { served: versions, ...(Object.keys(deprecated).length > 0 ? { deprecated } : {}) };
    }
  }
  return result;
}

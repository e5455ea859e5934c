// Structural shapes from CustomResourceDefinitions' openAPIV3Schema: the fields, types, enums,
// patterns, bounds (lengths, values, item and entry counts) and required fields Kubernetes itself
// checks (and the unknown fields it would silently drop). Not carried: oneOf/anyOf, formats and
// x-kubernetes-validations (CEL rules), which only the API server evaluates.
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
  if (schema['x-kubernetes-int-or-string']) return { t: 'int-or-string' };
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

/** `group/version/Kind` → shape, for every served version given. */
export function crdShapes(crds: readonly Crd[]): Record<string, Shape> {
  const kinds: Record<string, Shape> = {};
  for (const crd of crds) {
    for (const version of crd.spec.versions) {
      const root = shapeOfSchema(version.schema?.openAPIV3Schema);
      if (root.t !== 'object') continue;
      // apiVersion, kind and metadata are the API server's, not the CRD's to describe.
      kinds[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = {
        ...root,
        props: { ...root.props, apiVersion: { t: 'string' }, kind: { t: 'string' }, metadata: { t: 'ref', ref: 'ObjectMeta' } },
      };
    }
  }
  return kinds;
}

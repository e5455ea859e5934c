// Structural shapes from CustomResourceDefinitions' openAPIV3Schema: the fields, types, enums,
// patterns and required fields Kubernetes itself checks (and the unknown fields it would silently drop).
import type { Shape } from '../validation/shape';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  pattern?: string;
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

export function shapeOfSchema(schema: JsonSchema | undefined): Shape {
  if (!schema) return { t: 'any' };
  if (schema['x-kubernetes-int-or-string']) return { t: 'int-or-string' };
  switch (schema.type) {
    case 'string':
      return {
        t: 'string',
        ...(schema.enum ? { enum: schema.enum.filter((e): e is string => typeof e === 'string') } : {}),
        ...(schema.pattern ? { pattern: schema.pattern } : {}),
      };
    case 'integer':
    case 'number':
    case 'boolean':
      return { t: schema.type };
    case 'array':
      return { t: 'array', items: shapeOfSchema(schema.items) };
    case 'object':
    case undefined: {
      if (schema.properties) {
        const props = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, shapeOfSchema(v)]));
        return {
          t: 'object',
          props,
          ...(schema.required?.length ? { required: schema.required } : {}),
          ...(schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties ? { open: true } : {}),
        };
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return { t: 'map', values: shapeOfSchema(schema.additionalProperties) };
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

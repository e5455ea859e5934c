// Structural shapes of the Kubernetes API from kubernetes-models' type declarations (its `.d.ts`
// files describe every field, its type and, as string-literal unions, its enums). Read with the
// TypeScript compiler at `npm run import` time only; the result is committed as JSON.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type * as TS from 'typescript';
import type { SchemaSet, Shape } from '../../validation/shape';

interface KindFile {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
}

/** Model files: an interface with literal `apiVersion` and `kind`. */
function kindFiles(root: string): KindFile[] {
  const found: KindFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.d.ts') && entry !== 'index.d.ts') {
        const text = readFileSync(path, 'utf8');
        const apiVersion = /^\s+"apiVersion": "([^"]+)";$/m.exec(text)?.[1];
        const kind = /^\s+"kind": "([^"]+)";$/m.exec(text)?.[1];
        if (apiVersion && kind && !kind.endsWith('List')) found.push({ file: path, apiVersion, kind });
      }
    }
  };
  walk(root);
  return found;
}

export function kubernetesShapes(ts: typeof TS, modelsRoot: string): SchemaSet {
  const files = kindFiles(modelsRoot);
  // ES5's lib holds all the declarations read here need (Array, the primitives); the default lib adds
  // the DOM, which the compiler would parse and bind for nothing (a third of this step).
  const program = ts.createProgram(
    files.map((f) => f.file),
    { noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es5.d.ts'], moduleResolution: ts.ModuleResolutionKind.Node10 },
  );
  const checker = program.getTypeChecker();
  const types: Record<string, Shape> = {};

  const nameOf = (type: TS.Type): string | undefined => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const declaration = symbol?.declarations?.[0];
    // Inline object types (`Array<{ ... }>`) have no name of their own: they are shaped in place.
    if (!symbol || !declaration || !(symbol.getFlags() & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) return undefined;
    // e.g. `ObjectMeta` for @kubernetes-models/apimachinery's apis/meta/v1/ObjectMeta.d.ts.
    const file = declaration.getSourceFile().fileName;
    if (/apimachinery\/apis\/meta\/v1\/ObjectMeta\.d\.ts$/.test(file)) return 'ObjectMeta';
    return relative(modelsRoot, file)
      .replace(/^\.\.\/@kubernetes-models\//, '')
      .replace(/\.d\.ts$/, '');
  };

  const shapeOf = (type: TS.Type): Shape => {
    const flags = type.getFlags();
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { t: 'any' };
    if (flags & ts.TypeFlags.String) return { t: 'string' };
    if (flags & ts.TypeFlags.Number) return { t: 'number' };
    if (flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { t: 'boolean' };
    if (flags & ts.TypeFlags.StringLiteral) return { t: 'string', enum: [(type as TS.StringLiteralType).value] };
    if (type.isUnion()) {
      const parts = type.types.filter((p) => !(p.getFlags() & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      if (parts.every((p) => p.getFlags() & ts.TypeFlags.StringLiteral)) {
        return { t: 'string', enum: parts.map((p) => (p as TS.StringLiteralType).value).sort() };
      }
      if (parts.every((p) => p.getFlags() & (ts.TypeFlags.BooleanLiteral | ts.TypeFlags.Boolean))) return { t: 'boolean' };
      const kinds = new Set(
        parts.map((p) =>
          p.getFlags() & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral) ? 's' : p.getFlags() & ts.TypeFlags.Number ? 'n' : 'o',
        ),
      );
      if (kinds.size === 2 && kinds.has('s') && kinds.has('n')) return { t: 'int-or-string' };
      if (parts.length === 1) return shapeOf(parts[0]);
      return { t: 'any' };
    }
    if (checker.isArrayType(type)) return { t: 'array', items: shapeOf(checker.getTypeArguments(type as TS.TypeReference)[0]) };
    const properties = checker.getPropertiesOfType(type);
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    if (properties.length === 0 && index) return { t: 'map', values: shapeOf(index) };
    if (properties.length === 0) return { t: 'any' };
    const name = nameOf(type);
    if (name && types[name]) return { t: 'ref', ref: name };
    const object: { t: 'object'; props: Record<string, Shape>; required?: string[] } = { t: 'object', props: {} };
    if (name) types[name] = object; // before recursing: JSONSchemaProps refers to itself
    const required: string[] = [];
    for (const property of properties) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      object.props[property.getName()] = shapeOf(checker.getTypeOfSymbolAtLocation(property, declaration));
      if (!(property.getFlags() & ts.SymbolFlags.Optional)) required.push(property.getName());
    }
    if (required.length) object.required = required.sort();
    return name ? { t: 'ref', ref: name } : object;
  };

  const kinds: Record<string, Shape> = {};
  for (const { file, apiVersion, kind } of files) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.getName() === `I${kind}`);
    if (!exported) continue;
    kinds[`${apiVersion}/${kind}`] = shapeOf(checker.getDeclaredTypeOfSymbol(exported));
  }
  return { kinds, types };
}

// A fast path for the common case of reading manifests: one plain document per file, as synth
// writes them and most public trees hold them. js-yaml reads such a file about 12× faster than the
// yaml library's document model (20,047 files: 0.6 s against 7.4 s), which is what
// `npm run validate` spent most of its time on. The yaml library stays the one judge of everything
// else: whatever this path is not sure of (anchors, aliases, merge keys, tags, directives, complex
// keys, several documents, duplicate keys, anything js-yaml refuses, anything that is not one
// object) it declines, and read-manifests.ts reads the text the slow way, with lines and findings.
// test/validation/fast-yaml.test.ts holds the two to the same values.
import { FAILSAFE_SCHEMA, loadAll, Type } from 'js-yaml';

/**
 * YAML 1.2's core schema exactly as the yaml library resolves plain scalars (its `core` tags, one
 * js-yaml type per tag: js-yaml keeps only the last type of a tag): js-yaml's own CORE_SCHEMA also
 * reads `1_000` and `0b101`, which the yaml library leaves as strings.
 */
const plain = (tag: string, test: RegExp, construct: (text: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (text: string | null) => test.test(text ?? ''), construct });

const OCTAL = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const INF_OR_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    plain('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    plain('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T'),
    plain('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (text) =>
      OCTAL.test(text) ? parseInt(text.substring(2), 8) : HEX.test(text) ? parseInt(text.substring(2), 16) : parseInt(text, 10),
    ),
    plain(
      'float',
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (text) =>
        INF_OR_NAN.test(text)
          ? text.slice(-3).toLowerCase() === 'nan'
            ? NaN
            : text[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY
          : parseFloat(text),
    ),
  ],
});

/**
 * What this path leaves to the yaml library, tested cheaply first (a character search) and
 * precisely only where that finds something: an anchor (`&`), an alias (`*`), a tag (`!`), a merge
 * key (`<<`), a directive (`%` at a line's start), a complex key (`? `) and a key that is a flow
 * collection (js-yaml names it `[object Object]` or `a,b`). They may also match inside ordinary
 * strings (PromQL's `*`, `!=`): such a file merely takes the slow path, which reads anything. A
 * null or empty key (the yaml library names it `""`, js-yaml `"null"`) is found on the result.
 */
const ANCHOR_ALIAS_TAG_OR_MERGE = /[&*!]|<</;
const DIRECTIVE = /^%/m;
const COMPLEX_KEY = /^[ \t-]*\?(?:[ \t]|$)/m;
const FLOW_COLLECTION_KEY = /^[ \t-]*[[{].*[\]}][ \t]*:(?:[ \t]|$)|[{[][ \t]*[{[]|,[ \t]*[{[][^\]}]*[\]}][ \t]*:/m;

function leftToTheYamlLibrary(text: string): boolean {
  return (
    ANCHOR_ALIAS_TAG_OR_MERGE.test(text) ||
    (text.includes('%') && DIRECTIVE.test(text)) ||
    (text.includes('?') && COMPLEX_KEY.test(text)) ||
    ((text.includes('[') || text.includes('{')) && FLOW_COLLECTION_KEY.test(text))
  );
}

/** Whether a key js-yaml read could be one the yaml library names otherwise (a null key, a collection). */
function hasAmbiguousKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasAmbiguousKey);
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) {
    if (key === 'null' || key === '[object Object]') return true;
    if (hasAmbiguousKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** The comment lines before the first content line: where synth names the construct an object came from. */
function leadingComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n', 64)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) lines.push(trimmed.slice(1));
    else if (trimmed !== '' && trimmed !== '---') break;
  }
  return lines.join('\n');
}

/**
 * The single document of `text` as a plain value, with its leading comment, or undefined when this
 * path declines (the caller then reads the text with the yaml library).
 */
export function readSimpleDocument(text: string): { value: Record<string, unknown>; comment: string } | undefined {
  if (leftToTheYamlLibrary(text)) return undefined;
  const documents: unknown[] = [];
  try {
    // js-yaml throws on a key twice in a map, as on any other problem: the slow path says where.
    loadAll(text, (document) => documents.push(document), { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (documents.length !== 1) return undefined;
  const [value] = documents;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || hasAmbiguousKey(value)) return undefined;
  return { value: value as Record<string, unknown>, comment: leadingComment(text) };
}

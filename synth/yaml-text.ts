// YAML text of plain data (what cdk8s' toJson returns), byte for byte what
// `stringify(value, YAML_OPTIONS)` of the yaml package writes, about five times faster: synth writes a
// hundred objects and the generic stringifier builds a full document model for each. The layout
// (maps, sequences, indentation) is written here; any scalar that is not obviously plain (quoting,
// block scalars, YAML 1.1 look-alikes such as `on` or `1:20`) is handed to the yaml package, so the
// quoting rules live in one place. test/synth/yaml-text.test.ts holds the two to the same output.
import { stringify, type ToStringOptions, type DocumentOptions, type CreateNodeOptions } from 'yaml';

/**
 * YAML 1.1 rules for quoting: kubectl and Argo CD read 1.1, where an unquoted `on`, `yes` or `1:20`
 * would turn into a boolean or a number. No line folding and no anchors: the output reads like
 * hand-written YAML and diffs line by line.
 */
export const YAML_OPTIONS: DocumentOptions & ToStringOptions & CreateNodeOptions = {
  version: '1.1',
  lineWidth: 0,
  aliasDuplicateObjects: false,
};

// Letters, digits and a few punctuation marks, starting with a letter or `/` and ending with neither
// `:` nor a space, with no `: ` or ` #` inside: plain in every context. The YAML 1.1 words below are
// not. Neither are numbers, but a number with a unit (`500m`, `2Gi`, `15s`) is.
const PLAIN = /^[A-Za-z/][\w./@=+:-]*(?: [\w./@=+:-]+)*$/;
const QUANTITY_OR_DURATION = /^[1-9][0-9]*(?:Ki|Mi|Gi|Ti|m|s|h|d)$/;
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
// YAML 1.1 floats may omit the digits before the exponent: `e1` and `E-5` are numbers there.
const YAML11_BARE_EXPONENT = /^[eE][-+]?[0-9]/;
// Longer keys cannot be implicit (`key: value`); the yaml package writes them as `? key`.
const MAX_IMPLICIT_KEY = 1024;

function plainString(value: string): boolean {
  if (QUANTITY_OR_DURATION.test(value)) return true;
  return (
    PLAIN.test(value) && !value.endsWith(':') && !value.includes(': ') && !YAML11_WORDS.test(value) && !YAML11_BARE_EXPONENT.test(value)
  );
}

/**
 * A scalar as the yaml package writes it as a value, for a node at column 0: `'on'`, `|-\n  line`.
 * Written as a sequence item, not alone: a document-level block scalar is not indented.
 */
function delegatedScalar(value: unknown): string {
  let text = delegated.get(value);
  if (text === undefined) {
    text = stringify([value], YAML_OPTIONS).slice('- '.length).replace(/\n$/, '');
    delegated.set(value, text);
  }
  return text;
}
// Manifests repeat the same few quoted values (`"8080"`, `"true"`): ask the yaml package once each.
const delegated = new Map<unknown, string>();

/**
 * A string map key: `key`, `"on"` or `"a: b"`. Asked in the key's own position: at the start of a
 * document line `...` and `---` are markers, so the yaml package quotes them there and nowhere else.
 */
function keyText(key: string, atLineStart: boolean): string {
  if (plainString(key) && key.length <= MAX_IMPLICIT_KEY) return key;
  const entry = atLineStart
    ? stringify({ [key]: null }, YAML_OPTIONS)
    : stringify({ k: { [key]: null } }, YAML_OPTIONS).slice('k:\n  '.length);
  // An explicit `? key` spans lines whose layout depends on the depth: left to the yaml package whole.
  if (entry.startsWith('?')) throw new ExplicitKey();
  return entry.slice(0, entry.lastIndexOf(': null'));
}

class ExplicitKey extends Error {}

/**
 * A scalar at the end of a line whose node sits at column `indent`; block scalars continue on the
 * following lines, indented relative to that column.
 */
function scalarText(value: unknown, indent: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      break;
    case 'string':
      if (plainString(value)) return value;
      break;
    default:
      throw new TypeError(`not plain data: ${typeof value}`);
  }
  const text = delegatedScalar(value);
  return indent === '' ? text : text.replace(/\n(?=.)/g, `\n${indent}`);
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function emptyText(value: object): string {
  return Array.isArray(value) ? '[]' : '{}';
}

function writeMap(map: Record<string, unknown>, indent: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const head = `${lead}${keyText(key, lead === '')}:`;
    if (isCollection(value) && !isEmpty(value)) {
      out.push(head);
      writeNode(value, `${indent}  `, out);
    } else {
      out.push(`${head} ${isCollection(value) ? emptyText(value) : scalarText(value, indent)}`);
    }
  }
}

function writeSequence(items: readonly unknown[], indent: string, out: string[], firstPrefix?: string): void {
  items.forEach((item, index) => {
    const dash = `${index === 0 && firstPrefix !== undefined ? firstPrefix : indent}- `;
    if (isCollection(item) && !isEmpty(item)) {
      // The item's first entry shares the dash's line; the rest align under it.
      if (Array.isArray(item)) writeSequence(item, `${indent}  `, out, dash);
      else writeMap(item as Record<string, unknown>, `${indent}  `, out, dash);
    } else {
      out.push(`${dash}${isCollection(item) ? emptyText(item) : scalarText(item === undefined ? null : item, indent)}`);
    }
  });
}

function writeNode(value: object, indent: string, out: string[]): void {
  if (Array.isArray(value)) writeSequence(value, indent, out);
  else writeMap(value as Record<string, unknown>, indent, out);
}

/** The YAML document text of `value` (plain JSON-like data), ending in a newline. */
export function yamlText(value: unknown): string {
  if (!isCollection(value)) return stringify(value, YAML_OPTIONS); // not a manifest; rare
  if (isEmpty(value)) return `${emptyText(value)}\n`;
  const out: string[] = [];
  try {
    writeNode(value, '', out);
  } catch (error) {
    if (error instanceof ExplicitKey) return stringify(value, YAML_OPTIONS);
    throw error;
  }
  return `${out.join('\n')}\n`;
}

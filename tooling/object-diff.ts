// Object-level difference between two sets of rendered objects: which objects were added, removed
// or changed, and for changed ones which fields, with their old and new values.
import { appOf, type KubeObject, type TreeManifest } from '../validation/manifest';

export interface FieldChange {
  /** e.g. `spec.template.spec.containers[api-gateway].image` (list items with a `name` are keyed by it). */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ObjectChange {
  /** `<app>/<apiVersion group>/<Kind>/<namespace>/<name>`: the object's identity within an environment. */
  readonly key: string;
  readonly app: string;
  readonly kind: string;
  readonly ref: string;
  readonly type: 'added' | 'removed' | 'changed';
  readonly fields: readonly FieldChange[];
}

export function objectKey(o: TreeManifest): string {
  // The group, not the version: an API version bump is a change to the object, not a new object.
  const group = o.object.apiVersion.includes('/') ? o.object.apiVersion.split('/')[0] : '';
  return `${appOf(o)}/${group}/${o.object.kind}/${o.object.metadata?.namespace ?? ''}/${o.object.metadata?.name ?? ''}`;
}

function refOf(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return ns ? `${ns}/${object.metadata?.name}` : `${object.metadata?.name}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lists whose items all carry a unique `name` compare by name, so an insertion is one change. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0 || !list.every((item) => isPlainObject(item) && typeof item.name === 'string')) return undefined;
  const byName = new Map(list.map((item) => [(item as { name: string }).name, item]));
  return byName.size === list.length ? byName : undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], join(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = namedItems(before);
    const a = namedItems(after);
    if (a && b) {
      const names = [...new Set([...b.keys(), ...a.keys()])];
      return names.flatMap((name) => fieldChanges(b.get(name), a.get(name), `${path}[${name}]`));
    }
    if (before.length === after.length) {
      return before.flatMap((item, i) => fieldChanges(item, after[i], `${path}[${i}]`));
    }
  }
  return [{ path, before, after }];
}

export function diffObjects(base: readonly TreeManifest[], head: readonly TreeManifest[]): ObjectChange[] {
  const before = new Map(base.map((o) => [objectKey(o), o]));
  const after = new Map(head.map((o) => [objectKey(o), o]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: ObjectChange[] = [];
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    const any = (a ?? b)!;
    const common = { key, app: appOf(any), kind: any.object.kind, ref: refOf(any.object) };
    if (!b) changes.push({ ...common, type: 'added', fields: [] });
    else if (!a) changes.push({ ...common, type: 'removed', fields: [] });
    else {
      const fields = fieldChanges(b.object, a.object);
      if (fields.length > 0) changes.push({ ...common, type: 'changed', fields });
    }
  }
  return changes;
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

function counts(changes: readonly ObjectChange[]): string {
  const n = (type: ObjectChange['type']) => changes.filter((c) => c.type === type).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed`;
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

export function formatText(title: string, changes: readonly ObjectChange[]): string {
  const lines = [`${title}: ${changes.length === 0 ? 'no changes' : counts(changes)}`];
  for (const c of changes) {
    lines.push(`${SIGN[c.type]} ${c.app}  ${c.kind} ${c.ref}`);
    for (const f of c.fields) lines.push(`    ${f.path}: ${show(f.before)} → ${show(f.after)}`);
  }
  return `${lines.join('\n')}\n`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

export function formatMarkdown(title: string, changes: readonly ObjectChange[]): string {
  if (changes.length === 0) return `### ${title}: no changes\n`;
  const lines = [`### ${title}: ${counts(changes)}`, '', '| | application | object | changed fields |', '|---|---|---|---|'];
  for (const c of changes) {
    const fields = c.fields.map((f) => `${code(f.path)}: ${code(show(f.before))} → ${code(show(f.after))}`).join('<br>');
    lines.push(`| ${SIGN[c.type]} | ${c.app} | ${c.kind} ${code(c.ref)} | ${fields} |`);
  }
  return `${lines.join('\n')}\n`;
}

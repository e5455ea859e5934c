// Reads Kubernetes YAML into manifests, with the construct path of objects this project rendered
// (from the comment synth writes above them): files and folders (multi-document files included), or
// one text, such as a file at a git ref (tooling/rendered-tree.ts). The one parser of YAML manifests.
// It reads YAML as kubectl does (merge keys, a List's items as objects of their own) and never
// throws on what it reads: what is not a manifest is a `yaml` error with its line, or a note.
import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import type { KubeObject, Manifest } from './manifest';
import type { Finding } from './finding';
import { readSimpleDocument } from './fast-yaml';

export interface ReadResult {
  readonly manifests: Manifest[];
  /**
   * YAML that does not parse and documents that are not Kubernetes objects (errors), and what was
   * not judged, with why (notes: a source tree to render first, a file that holds no object).
   */
  readonly problems: Finding[];
  readonly files: string[];
}

/** Folders of merge patches (argocd/<env>/patches/), which are YAML but not objects. */
const PATCH_FOLDER = 'patches';

/** The names kustomize reads a folder's kustomization from. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const HELM_CHART_FILE = 'Chart.yaml';

/**
 * How many copies aliases may make of the nodes they name: enough for a large real file, few enough
 * that a "billion laughs" document cannot make the rules walk billions of nodes.
 */
const MAX_ALIAS_COUNT = 1000;

/** Documents of one file that do not parse, each an error of its own, before the rest are counted in one. */
const PARSE_ERRORS_PER_FILE = 5;

interface SourceTree {
  readonly dir: string;
  readonly tool: 'kustomize' | 'helm';
  /** The file that makes it one: `kustomization.yaml`, `Chart.yaml`. */
  readonly marker: string;
}

function sourceTreeAt(dir: string): SourceTree | undefined {
  const kustomization = KUSTOMIZATION_FILES.find((name) => existsSync(join(dir, name)));
  if (kustomization) return { dir, tool: 'kustomize', marker: kustomization };
  if (existsSync(join(dir, HELM_CHART_FILE))) return { dir, tool: 'helm', marker: HELM_CHART_FILE };
  return undefined;
}

interface Walk {
  readonly files: string[];
  readonly sourceTrees: SourceTree[];
  readonly unreadable: { readonly path: string; readonly message: string }[];
}

function errorText(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOENT: 'does not exist (a broken link?)',
    ELOOP: 'a loop of links',
    EISDIR: 'is a folder',
  };
  return (code && known[code]) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The YAML files under a folder, walked in sorted order without hidden entries and patch folders.
 * A Kustomize or Helm source tree is not walked: its files are a tool's input, not manifests.
 */
function walk(path: string, found: Walk, seen: Set<string>): void {
  let entries: Dirent[];
  try {
    const real = realpathSync(path);
    if (seen.has(real)) return; // a link back to a folder already walked
    seen.add(real);
    const tree = sourceTreeAt(path);
    if (tree) {
      found.sourceTrees.push(tree);
      return;
    }
    // Sorted as readdirSync's names would be by sort(); the entry's type spares a stat per file.
    entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    found.unreadable.push({ path, message: errorText(error) });
    return;
  }
  for (const dirent of entries) {
    const entry = dirent.name;
    if (entry.startsWith('.') || entry === PATCH_FOLDER) continue;
    const child = join(path, entry);
    try {
      // A link (or an unknown type) is followed as statSync would, to a folder or a file.
      const folder = dirent.isDirectory() || (!dirent.isFile() && statSync(child).isDirectory());
      if (folder) walk(child, found, seen);
      else if (/\.ya?ml$/.test(entry)) found.files.push(child);
    } catch (error) {
      if (/\.ya?ml$/.test(entry)) found.unreadable.push({ path: child, message: errorText(error) });
    }
  }
}

/** The YAML files at `path` (a file, or a folder walked in sorted order), without patch folders and source trees. */
export function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const found: Walk = { files: [], sourceTrees: [], unreadable: [] };
  walk(path, found, new Set());
  return found.files;
}

/** The Helm chart a path lies inside (a folder above it holds Chart.yaml), if any. */
function enclosingChart(path: string): SourceTree | undefined {
  for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, HELM_CHART_FILE))) {
      return { dir: isAbsolute(path) ? dir : relative(process.cwd(), dir) || '.', tool: 'helm', marker: HELM_CHART_FILE };
    }
  }
  return undefined;
}

function sourceTreeNote(tree: SourceTree): Finding {
  const message =
    tree.tool === 'kustomize'
      ? `a Kustomize source tree (${tree.marker}): not judged, its files are kustomize's input, not the objects it makes; render it first: kubectl kustomize ${tree.dir}`
      : `a Helm chart (${tree.marker}): not judged, its templates and values are not Kubernetes objects until rendered; render it first: helm template ${tree.dir}`;
  return { severity: 'note', rule: 'source-tree', file: tree.dir, message };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : typeof value;
}

/** Whether a document means to be a Kubernetes object: it has any of apiVersion, kind and metadata. */
function meansObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ['apiVersion', 'kind', 'metadata'].some((k) => k in value);
}

/** What keeps a value from being a Kubernetes object (kubectl refuses it for the same reason), if anything. */
function notAnObject(value: unknown, hint = ''): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `a ${typeName(value)}, not a Kubernetes object (a map with apiVersion and kind)`;
  }
  const record = value as Record<string, unknown>;
  const missing = ['apiVersion', 'kind'].filter((k) => record[k] === undefined || record[k] === null || record[k] === '');
  if (missing.length) return `not a Kubernetes object (no ${missing.join(' and ')}${hint})`;
  for (const k of ['apiVersion', 'kind']) {
    if (typeof record[k] !== 'string') {
      return `not a Kubernetes object (${k} must be a string, not ${typeName(record[k])} ${JSON.stringify(record[k])})`;
    }
  }
  return undefined;
}

/**
 * A List kubectl would apply item by item: `v1 List`, or any `*List` kind with `items` (the API
 * server's ConfigMapList, a CRD's MonitorList).
 */
function isList(object: KubeObject): boolean {
  return (object.kind === 'List' || object.kind.endsWith('List')) && Array.isArray(object.items);
}

/**
 * Control characters YAML does not allow anywhere in a stream (kubectl stops on them), except the
 * tab, line breaks and a leading byte order mark.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/**
 * `{{ … }}` where YAML would read a flow mapping (a line's start, a value, a list item): template
 * actions that make a file a template, not YAML. Inside text (an alert's `{{ $labels.pod }}`) they
 * are no sign of one.
 */
const TEMPLATE_ACTION = /(^|:[ \t]+|-[ \t]+)\{\{/m;

interface DocumentProblem {
  readonly offset: number;
  readonly message: string;
}

/**
 * What makes a parsed document unreadable, found on its nodes with a place (kubectl refuses each):
 * - an alias naming no anchor before it (an anchor does not reach into another document), or one
 *   inside the node it names (an endless structure), on which the yaml library's toJS would throw;
 * - a key twice in one map. The yaml library's own check compares every key with every other (20,000
 *   keys took seconds), so it is off and this one keeps a set per map.
 */
function structureProblem(doc: Document.Parsed, lineOf: (offset: number) => number): DocumentProblem | undefined {
  const anchors = new Map<string, Node>();
  let problem: DocumentProblem | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.source === '<<') continue;
        const value: unknown = pair.key.value;
        const id = `${typeof value}:${String(value)}`;
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(id);
        if (first !== undefined) {
          problem = { offset, message: `key ${JSON.stringify(String(value))} appears twice in one map (first at line ${lineOf(first)})` };
          return visit.BREAK;
        }
        seen.set(id, offset);
      }
      if (map.anchor) anchors.set(map.anchor, map);
      return undefined;
    },
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        const offset = node.range?.[0] ?? 0;
        if (!target) {
          problem = {
            offset,
            message: `alias *${node.source} names no anchor &${node.source} before it in this document (an anchor does not reach into another document)`,
          };
        } else if (target.range && target.range[0] <= offset && offset < target.range[2]) {
          problem = { offset, message: `alias *${node.source} is inside the node &${node.source} it names: the structure never ends` };
        }
        if (problem) return visit.BREAK;
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
      return undefined;
    },
  });
  return problem;
}

/** The place and cause of an exception from toJS: a `<<` merging something other than maps, too many aliases. */
function conversionProblem(doc: Document.Parsed, error: unknown): DocumentProblem {
  const start = doc.range[0];
  const text = error instanceof Error ? error.message : String(error);
  if (/excessive alias count/i.test(text)) {
    return {
      offset: start,
      message: `aliases would copy their nodes more than ${MAX_ALIAS_COUNT} times: not read (a "billion laughs" document?)`,
    };
  }
  if (/merge/i.test(text)) {
    const mergeable = (value: unknown): boolean =>
      isMap(value) || (isAlias(value) && isMap(value.resolve(doc))) || (isSeq(value) && value.items.every(mergeable));
    let offset = start;
    visit(doc, {
      Pair(_key, pair) {
        if (!isScalar(pair.key) || pair.key.source !== '<<' || mergeable(pair.value)) return undefined;
        offset = pair.key.range?.[0] ?? start;
        return visit.BREAK;
      },
    });
    return { offset, message: '<< merges only maps, aliases of maps or lists of them' };
  }
  return { offset: start, message: `cannot be read: ${text.split('\n')[0]}` };
}

/** The manifests of one YAML text (any number of documents), as read from `file`. */
export function parseManifests(
  text: string,
  file: string,
  { fastPath = true }: { /** @default true: one plain document is read by fast-yaml.ts */ readonly fastPath?: boolean } = {},
): { manifests: Manifest[]; problems: Finding[] } {
  const manifests: Manifest[] = [];
  const problems: Finding[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const error = (offset: number, message: string): Finding => ({
    severity: 'error',
    rule: 'yaml',
    file,
    field: `line ${lineOf(offset)}`,
    message,
  });

  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden) {
    const line = text.slice(0, forbidden.index).split('\n').length;
    const code = `U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const message = `holds the control character ${code}, which YAML does not allow: not read (is it a text file?)`;
    return { manifests, problems: [{ severity: 'error', rule: 'yaml', file, field: `line ${line}`, message }] };
  }
  const simple = fastPath ? readSimpleDocument(text) : undefined;
  if (simple && notAnObject(simple.value) === undefined && !String(simple.value.kind).endsWith('List')) {
    const construct = /Rendered from construct (\S+?):/.exec(simple.comment)?.[1];
    return { manifests: [{ object: simple.value as KubeObject, file, ...(construct ? { constructPath: construct } : {}) }], problems };
  }
  let docs: Document.Parsed[];
  try {
    // Merge keys (`<<: *defaults`) as kubectl's YAML reader takes them; duplicate keys: structureProblem.
    // logLevel: the library's warnings (a map used as a key) would go to stderr; the findings say what matters.
    docs = parseAllDocuments(text, { lineCounter: lines, merge: true, uniqueKeys: false, logLevel: 'error' }) as Document.Parsed[];
  } catch (thrown) {
    return {
      manifests,
      problems: [error(0, `does not parse: ${thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown)}`)],
    };
  }
  const template = TEMPLATE_ACTION.test(text)
    ? '; the file holds template actions ({{ … }}): render the template first (helm template)'
    : '';
  let unparsed = 0;
  let firstUncounted: number | undefined;
  /** Documents that are no Kubernetes object, judged once the whole file is read. */
  const strangers: { offset: number; message: string }[] = [];
  let meant = false;

  for (const doc of docs) {
    if (doc.errors.length) {
      unparsed++;
      if (unparsed === PARSE_ERRORS_PER_FILE + 1) firstUncounted = doc.errors[0].pos[0];
      if (unparsed <= PARSE_ERRORS_PER_FILE) {
        const [first] = doc.errors;
        const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problem(s) in this document)` : '';
        problems.push(error(first.pos[0], `${first.message.split('\n')[0]}${more}${template}`));
      }
      continue;
    }
    const broken = structureProblem(doc, lineOf);
    if (broken) {
      problems.push(error(broken.offset, broken.message));
      meant = true;
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (thrown) {
      const problem = conversionProblem(doc, thrown);
      problems.push(error(problem.offset, problem.message));
      meant = true;
      continue;
    }
    if (value === null || value === undefined) continue;
    // The line of the content, not of the `---` or the comments before it.
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const problem = notAnObject(value);
    if (problem) {
      if (meansObject(value)) {
        meant = true;
        problems.push(error(start, problem));
      } else strangers.push({ offset: start, message: problem });
      continue;
    }
    meant = true;
    const object = value as KubeObject;
    if (isList(object)) {
      expandList(object, doc, [], file, manifests, (offset, message) => problems.push(error(offset ?? start, message)));
      continue;
    }
    if (object.kind === 'List' && object.items !== undefined && object.items !== null) {
      problems.push(error(start, `List: items must be a list, not ${typeName(object.items)}`));
      continue;
    }
    // The yaml library hangs a leading comment on the document, its top map or its first key.
    const contents = doc.contents as { commentBefore?: string | null; items?: { key?: { commentBefore?: string | null } }[] } | null;
    const comment = doc.commentBefore ?? contents?.commentBefore ?? contents?.items?.[0]?.key?.commentBefore ?? '';
    const construct = /Rendered from construct (\S+?):/.exec(comment)?.[1];
    manifests.push({ object, file, ...(construct ? { constructPath: construct } : {}) });
  }
  if (unparsed > PARSE_ERRORS_PER_FILE) {
    problems.push(
      error(firstUncounted ?? 0, `${unparsed - PARSE_ERRORS_PER_FILE} more document(s) do not parse, the first here${template}`),
    );
  }
  if (meant || unparsed) {
    // A stray document among manifests is a mistake kubectl stops on.
    for (const stranger of strangers) problems.push(error(stranger.offset, stranger.message));
  } else if (strangers.length) {
    const values = /values[^/]*\.ya?ml$|\.values\.ya?ml$/i.test(basename(file));
    problems.push({
      severity: 'note',
      rule: 'yaml',
      file,
      message: values
        ? 'Helm values, not a Kubernetes object: not judged (they take effect through helm template <chart> -f <this file>)'
        : 'holds no Kubernetes object (no document has apiVersion, kind or metadata): not judged',
    });
  }
  return { manifests, problems };
}

/**
 * Each item of a List as a manifest of its own, as kubectl applies them; a List inside a List too.
 * An item with neither apiVersion nor kind gets the List's version and item kind, as the API
 * machinery does for a typed list (ConfigMapList → v1 ConfigMap); a `v1 List` names no item kind.
 */
function expandList(
  list: KubeObject,
  doc: Document,
  path: readonly (string | number)[],
  file: string,
  manifests: Manifest[],
  report: (offset: number | undefined, message: string) => void,
): void {
  const prefix = path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .slice(1);
  const itemKind = list.kind === 'List' ? undefined : list.kind.slice(0, -'List'.length);
  (list.items as unknown[]).forEach((item, i) => {
    const itemPath = [...path, 'items', i];
    const where = `${prefix ? `${prefix}.` : ''}items[${i}]`;
    const node = doc.getIn(itemPath, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    if (item === null || item === undefined) {
      report(offset, `${where}: an empty item, not a Kubernetes object`);
      return;
    }
    const record = item as Record<string, unknown>;
    const bare = typeof item === 'object' && !Array.isArray(item) && record.apiVersion === undefined && record.kind === undefined;
    const object = (bare && itemKind ? { apiVersion: list.apiVersion, kind: itemKind, ...record } : item) as KubeObject;
    const problem = notAnObject(object, bare && !itemKind ? '; a v1 List gives its items none, each names its own' : '');
    if (problem) {
      report(offset, `${where}: ${problem}`);
      return;
    }
    if (isList(object)) expandList(object, doc, itemPath, file, manifests, report);
    else manifests.push({ object, file, listItem: where });
  });
}

/** The text of a file, or why it cannot be read as text. */
function readText(file: string): { text: string } | { problem: string; line?: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { problem: `cannot be read: ${errorText(error)}` };
  }
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    // As a TextDecoder would: a leading byte order mark is no part of the text.
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  const lossy = bytes.toString('utf8');
  const at = lossy.indexOf('\uFFFD');
  return { problem: 'is not UTF-8 text, which is all kubectl reads: not read', line: lossy.slice(0, Math.max(at, 0)).split('\n').length };
}

/**
 * The manifests of files and folders (walked as `yamlFiles` does); a path that does not exist is a
 * problem. A Kustomize or Helm source tree, and a path inside a chart, is one note and not read.
 */
export function readManifests(paths: readonly string[]): ReadResult {
  const manifests: Manifest[] = [];
  const problems: Finding[] = [];
  const files: string[] = [];
  const read = new Set<string>();
  const noted = new Set<string>();
  const note = (tree: SourceTree) => {
    if (noted.has(resolve(tree.dir))) return;
    noted.add(resolve(tree.dir));
    problems.push(sourceTreeNote(tree));
  };
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push({ severity: 'error', rule: 'yaml', file: path, message: 'no such file or folder' });
      continue;
    }
    const chart = enclosingChart(path);
    if (chart) {
      note(chart);
      continue;
    }
    const found: Walk = { files: [], sourceTrees: [], unreadable: [] };
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch (error) {
      found.unreadable.push({ path, message: errorText(error) });
    }
    if (folder) walk(path, found, new Set());
    else if (KUSTOMIZATION_FILES.includes(basename(path)))
      found.sourceTrees.push({ dir: dirname(path), tool: 'kustomize', marker: basename(path) });
    else if (found.unreadable.length === 0) found.files.push(path);
    found.sourceTrees.forEach(note);
    for (const { path: unreadable, message } of found.unreadable) {
      problems.push({ severity: 'error', rule: 'yaml', file: unreadable, message });
    }
    for (const file of found.files) {
      // The same file named twice (a folder and a file in it) is one file.
      if (read.has(resolve(file))) continue;
      read.add(resolve(file));
      files.push(file);
      const content = readText(file);
      if ('problem' in content) {
        problems.push({
          severity: 'error',
          rule: 'yaml',
          file,
          ...(content.line ? { field: `line ${content.line}` } : {}),
          message: content.problem,
        });
        continue;
      }
      const parsed = parseManifests(content.text, file);
      manifests.push(...parsed.manifests);
      problems.push(...parsed.problems);
    }
  }
  return { manifests, problems, files };
}

// Reads and rewrites the tags in config/images.ts, the one file that holds them. The file's entries
// have one fixed shape (`name: { repository: '…', tag: '…' },` on one line), which this checks: an
// entry it cannot read is an error, never a silent skip.

export interface ImageTagChange {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

export interface ImageTagUpdate {
  /** The new file text, or undefined when any request was invalid. */
  readonly text?: string;
  readonly changes: readonly ImageTagChange[];
  readonly problems: readonly string[];
}

const ENTRY = /^(\s*)('?)([a-z0-9][a-z0-9-]*)\2: \{ repository: '([^']+)', tag: '([^']+)' \},$/;
/** Docker's tag grammar; `latest` is refused on top, because it is not a pin. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The tags the file holds, by workload name. */
export function readImageTags(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = ENTRY.exec(line);
    if (match) tags.set(match[3], match[5]);
  }
  return tags;
}

/** Applies `name=tag` requests to the file text; all problems are reported together. */
export function updateImageTags(text: string, requests: readonly string[], source: string): ImageTagUpdate {
  const known = readImageTags(text);
  const wanted = new Map<string, string>();
  const problems: string[] = [];
  if (requests.length === 0) problems.push('nothing to do: give one or more <workload>=<tag>');
  for (const request of requests) {
    const separator = request.indexOf('=');
    const name = separator > 0 ? request.slice(0, separator) : '';
    const tag = separator > 0 ? request.slice(separator + 1) : '';
    if (!name || !tag) {
      problems.push(`"${request}": expected <workload>=<tag>`);
    } else if (!known.has(name)) {
      problems.push(`"${request}": unknown workload "${name}" (${source} has: ${[...known.keys()].join(', ')})`);
    } else if (!TAG.test(tag)) {
      problems.push(`"${request}": "${tag}" is not a valid image tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
    } else if (tag === 'latest') {
      problems.push(`"${request}": "latest" is not a pinned tag`);
    } else if (wanted.has(name) && wanted.get(name) !== tag) {
      problems.push(`"${request}": ${name} is given two tags (${wanted.get(name)} and ${tag})`);
    } else {
      wanted.set(name, tag);
    }
  }
  if (problems.length > 0) return { changes: [], problems };

  const changes: ImageTagChange[] = [];
  const lines = text.split('\n').map((line) => {
    const match = ENTRY.exec(line);
    const tag = match ? wanted.get(match[3]) : undefined;
    if (!match || tag === undefined || tag === match[5]) return line;
    changes.push({ name: match[3], from: match[5], to: tag });
    return `${match[1]}${match[2]}${match[3]}${match[2]}: { repository: '${match[4]}', tag: '${tag}' },`;
  });
  return { text: lines.join('\n'), changes, problems: [] };
}

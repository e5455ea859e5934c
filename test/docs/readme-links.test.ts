// No dangling references: every link in README.md and in the pages under docs/ resolves (a heading
// of the same page, a file of the repository, or a heading of another page), and every place in the
// code that sends a reader to a section of the docs names a page and a section that exist.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT } from '../support/cli';
import { anchors, docPages, headings, prose, readDoc } from '../support/docs';

const SELF = 'test/docs/readme-links.test.ts';
const pages = docPages();
const anchorsOf = new Map(pages.map((page) => [page, anchors(readDoc(page))]));
const titlesOf = new Map(pages.map((page) => [page, new Set(headings(readDoc(page)).map((h) => h.toLowerCase()))]));

function trackedTextFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return (
    listed.stdout
      .split('\0')
      // This file is left out: its examples of wrong references are wrong on purpose.
      .filter((f) => /\.(ts|cjs|js|ya?ml|md|json)$|^\.ci\//.test(f) && !f.startsWith('imports/') && f !== 'package-lock.json' && f !== SELF)
      .filter((f) => existsSync(join(ROOT, f)))
  );
}

/** Why a link of `page` does not resolve, or undefined when it does. */
function brokenLink(page: string, target: string): string | undefined {
  const [path, anchor] = target.split('#');
  const file = path === '' ? page : normalize(join(dirname(page), path));
  if (file.startsWith('..')) return 'outside the repository';
  if (!existsSync(join(ROOT, file))) return `no file ${file}`;
  if (anchor === undefined) return undefined;
  const known = anchorsOf.get(file);
  if (!known) return `${file} is not a page of the docs, so it has no anchors to link`;
  return known.has(anchor) ? undefined : `${file} has no heading with the anchor #${anchor}`;
}

test.each(pages)('every link of %s resolves', (page) => {
  const broken: string[] = [];
  for (const [, target] of prose(readDoc(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
    const why = brokenLink(page, target);
    if (why) broken.push(`${target}: ${why}`);
  }
  expect(broken).toEqual([]);
});

test('the docs link each other: every page under docs/ is reachable from the README', () => {
  const reached = new Set<string>(['README.md']);
  const queue = ['README.md'];
  while (queue.length > 0) {
    const page = queue.shift()!;
    for (const [, target] of prose(readDoc(page)).matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const file = normalize(join(dirname(page), target));
      if (anchorsOf.has(file) && !reached.has(file)) {
        reached.add(file);
        queue.push(file);
      }
    }
  }
  expect(pages.filter((page) => !reached.has(page))).toEqual([]);
});

/**
 * The references the code and config make to the docs, each checked against the page it names:
 * - `README: "<Section>"` or `README, "<Section>"`, and `README.md#<anchor>` (README.md);
 * - `docs/<page>.md: "<Section>"` or `docs/<page>.md, "<Section>"`, and `docs/<page>.md#<anchor>`;
 * - a bare `docs/<page>.md`, which must exist.
 */
function danglingReferences(file: string, text: string): string[] {
  const dangling: string[] = [];
  const section = (page: string, title: string, written: string) => {
    const titles = titlesOf.get(page);
    if (!titles) dangling.push(`${file}: ${written}: no page ${page}`);
    else if (!titles.has(title.toLowerCase())) dangling.push(`${file}: ${written}: ${page} has no section "${title}"`);
  };
  const anchor = (page: string, name: string, written: string) => {
    const known = anchorsOf.get(page);
    if (!known) dangling.push(`${file}: ${written}: no page ${page}`);
    else if (!known.has(name)) dangling.push(`${file}: ${written}: ${page} has no anchor #${name}`);
  };
  for (const match of text.matchAll(/\bREADME[:,] "([^"]+)"/g)) section('README.md', match[1], match[0]);
  for (const match of text.matchAll(/\bREADME\.md#([\w-]+)/g)) anchor('README.md', match[1], match[0]);
  for (const match of text.matchAll(/\b(docs\/[\w/.-]+?\.md)[:,] "([^"]+)"/g)) section(match[1], match[2], match[0]);
  for (const match of text.matchAll(/\b(docs\/[\w/.-]+?\.md)#([\w-]+)/g)) anchor(match[1], match[2], match[0]);
  for (const match of text.matchAll(/(?<![\w/.-])(docs\/[\w/.-]+?\.md)\b/g)) {
    if (!anchorsOf.has(match[1])) dangling.push(`${file}: ${match[1]}: no such page`);
  }
  return dangling;
}

test('every docs section the code and config point to exists', () => {
  const dangling = trackedTextFiles().flatMap((file) => danglingReferences(file, readFileSync(join(ROOT, file), 'utf8')));
  expect(dangling).toEqual([]);
});

test('references are read in every form the code uses, and a wrong one is reported', () => {
  expect(danglingReferences('x.ts', '// README: "Prerequisites"; docs/mesh.md: "mTLS and zero trust"')).toEqual([]);
  expect(danglingReferences('x.ts', '// docs/runbooks.md#titaniumlokidown, docs/how-to/adding-a-service.md')).toEqual([]);
  expect(danglingReferences('x.ts', '// (docs/bootstrap.md, "Secrets") and README.md#prerequisites')).toEqual([]);
  expect(danglingReferences('x.ts', '// docs/mesh.md: "Nowhere", docs/mesh.md#nowhere, docs/nowhere.md')).toEqual([
    'x.ts: docs/mesh.md: "Nowhere": docs/mesh.md has no section "Nowhere"',
    'x.ts: docs/mesh.md#nowhere: docs/mesh.md has no anchor #nowhere',
    'x.ts: docs/nowhere.md: no such page',
  ]);
});

test('a link to a missing page or heading is reported', () => {
  expect(brokenLink('docs/how-to/adding-an-edge.md', '../mesh.md#routing')).toBeUndefined();
  expect(brokenLink('docs/mesh.md', '#routing')).toBeUndefined();
  expect(brokenLink('docs/mesh.md', '../README.md#prerequisites')).toBeUndefined();
  expect(brokenLink('docs/mesh.md', 'mesh.md#nowhere')).toBe('docs/mesh.md has no heading with the anchor #nowhere');
  expect(brokenLink('docs/mesh.md', 'nowhere.md')).toBe('no file docs/nowhere.md');
  expect(brokenLink('README.md', '../elsewhere.md')).toBe('outside the repository');
});

test('anchors follow GitHub: punctuation dropped, repeats numbered', () => {
  expect([...anchors('# Speed (`npm run bench`)\n## A/B test\n## A/B test\n```\n# not a heading\n```\n')]).toEqual([
    'speed-npm-run-bench',
    'ab-test',
    'ab-test-1',
  ]);
});

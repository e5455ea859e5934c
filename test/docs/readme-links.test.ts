// No dangling references: every link in the README resolves (a heading of the README, or a file of
// the repository), and every place in the code that sends a reader to a README section names one that
// exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Headings outside code blocks. */
function headings(markdown: string): string[] {
  return markdown
    .replace(/^( *)```[\s\S]*?^\1```$/gm, '')
    .split('\n')
    .flatMap((line) => /^#{1,6} (.+)$/.exec(line)?.[1] ?? []);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const heading of headings(markdown)) {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

const readmeAnchors = anchors(readme);
const titles = new Set(headings(readme).map((h) => h.toLowerCase()));

function trackedTextFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return listed.stdout
    .split('\0')
    .filter((f) => /\.(ts|cjs|js|ya?ml|md|json)$|^\.ci\//.test(f) && !f.startsWith('imports/') && !f.startsWith('test/__snapshots__/') && f !== 'package-lock.json')
    .filter((f) => existsSync(join(ROOT, f)));
}

test('every link of the README resolves', () => {
  const prose = readme.replace(/^( *)```[\s\S]*?^\1```$/gm, '');
  const broken: string[] = [];
  for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
    const [path, anchor] = target.split('#');
    if (path === '' ? !readmeAnchors.has(anchor) : !existsSync(join(ROOT, path)) || (path === 'README.md' && anchor && !readmeAnchors.has(anchor))) {
      broken.push(target);
    }
  }
  expect(broken).toEqual([]);
});

test('every README section the code and config point to exists', () => {
  const dangling: string[] = [];
  for (const file of trackedTextFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    // "README", a colon or comma, then the section's title in double quotes; and README.md#<anchor>.
    for (const match of text.matchAll(/README[:,] "([^"]+)"/g)) {
      if (!titles.has(match[1].toLowerCase())) {
        dangling.push(`${file}: README "${match[1]}"`);
      }
    }
    for (const match of text.matchAll(/README\.md#([\w-]+)/g)) {
      if (!readmeAnchors.has(match[1])) dangling.push(`${file}: README.md#${match[1]}`);
    }
  }
  expect(dangling).toEqual([]);
});

test('anchors follow GitHub: punctuation dropped, repeats numbered', () => {
  expect([...anchors('# Speed (`npm run bench`)\n## A/B test\n## A/B test\n```\n# not a heading\n```\n')]).toEqual(['speed-npm-run-bench', 'ab-test', 'ab-test-1']);
});

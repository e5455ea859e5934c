// The project's Markdown as tests read it: README.md and every page under docs/, their fenced code
// blocks, headings and GitHub anchors. Tests that check what the docs say read them from here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli';

export interface CodeBlock {
  readonly language: string;
  readonly text: string;
}

/** README.md and every `docs/**\/*.md`, relative to the root, in a stable order. */
export function docPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : []));
  return ['README.md', ...walk('docs')];
}

/** One page's text, by its path from the root (`docs/runbooks.md`). */
export const readDoc = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Fenced code blocks, with the indentation of their fence removed (they may sit in a list item). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)) {
    const indent = match[1].length;
    const text = match[3]
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    blocks.push({ language: match[2], text });
  }
  return blocks;
}

/** The text outside fenced code blocks. */
export const prose = (markdown: string): string => markdown.replace(/^( *)```[\s\S]*?^\1```$/gm, '');

/** Headings outside code blocks. */
export function headings(markdown: string): string[] {
  return prose(markdown)
    .split('\n')
    .flatMap((line) => /^#{1,6} (.+)$/.exec(line)?.[1] ?? []);
}

/** GitHub's anchor for each heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
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

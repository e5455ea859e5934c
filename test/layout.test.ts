// The folders are the flow: config → charts → constructs, then synth (render, validate, write) and
// the delivery tooling above them. Imports only run down: a construct never reaches up into a chart,
// the pipeline or the tooling, a chart never into the pipeline, validation never into what it
// judges the output of, and nothing outside test/ imports test code. Read from the sources, so a new
// import that breaks the flow fails here with its file and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from './support/cli';

/** The rooms, and which rooms each may import from (its own always). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  config: [],
  constructs: ['config', 'imports'],
  charts: ['config', 'constructs', 'imports'],
  validation: ['config', 'constructs', 'imports'],
  synth: ['config', 'charts', 'constructs', 'imports', 'validation'],
  tooling: ['config', 'constructs', 'imports', 'synth', 'validation'],
  scripts: ['config', 'charts', 'constructs', 'imports', 'synth', 'tooling', 'validation'],
  'main.ts': ['config', 'charts', 'constructs', 'imports', 'synth', 'tooling', 'validation'],
};

interface Import {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** Room of the imported file (`main.ts` for the synth command), or another top-level file such as `package.json`. */
  readonly target: string;
}

const SOURCE = /\.(ts|cjs|js)$/;

function sourceFiles(folder: string): string[] {
  const path = join(ROOT, folder);
  if (!statSync(path).isDirectory()) return [folder];
  return readdirSync(path).flatMap((entry) => {
    const full = join(path, entry);
    if (statSync(full).isDirectory()) return sourceFiles(join(folder, entry));
    return SOURCE.test(entry) ? [join(folder, entry)] : [];
  });
}

/** Relative imports of a file: `import … from`, `export … from`, `import '…'`, `import('…')`, `require('…')`. */
function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const pattern =
    /\b(import\s+type\b[^'"]*?from\s*|import\b[^'"]*?from\s*|export\b[^'"]*?from\s*|import\(\s*|import\s*|require\(\s*)(['"])(\.{1,2}\/[^'"]*|\.\.?)\2/g;
  for (const match of text.matchAll(pattern)) {
    const top = relative(ROOT, join(ROOT, dirname(file), match[3])).split(sep)[0];
    const line = text.slice(0, match.index).split('\n').length;
    found.push({ file, line, specifier: match[3], target: top === 'main' ? 'main.ts' : top });
  }
  return found;
}

const roomOf = (file: string) => file.split(sep)[0];
const at = (room: string) => (room.endsWith('.ts') ? room : `${room}/`);
const everyImport = [...Object.keys(MAY_IMPORT), 'test'].flatMap((room) =>
  sourceFiles(room).flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8'))),
);

/** Folders an import can land in; anything else is a file at the top (package.json). */
const FOLDERS = new Set([...Object.keys(MAY_IMPORT), 'imports', 'test']);

test('imports only run down the flow, and only tests import test code', () => {
  const upward = everyImport
    .filter((i) => roomOf(i.file) !== 'test' && FOLDERS.has(i.target) && i.target !== roomOf(i.file))
    .filter((i) => !MAY_IMPORT[roomOf(i.file)].includes(i.target))
    .map((i) => `${i.file}:${i.line} imports ${i.specifier}: ${at(roomOf(i.file))} may not import ${at(i.target)}`);
  expect(upward).toEqual([]);
});

test('the scan sees imports of every form, and resolves their room', () => {
  const text = [
    "import { a } from '../synth/synth';",
    "import type { B } from '../../config/types';",
    "export { c } from './c';",
    "import '../tooling/side-effect';",
    "const d = require('../validation') as D;",
    "const e = import('../main');",
  ].join('\n');
  expect(importsOf(join('constructs', 'mesh', 'x.ts'), text).map((i) => [i.line, i.target])).toEqual([
    [1, 'constructs'],
    [2, 'config'],
    [3, 'constructs'],
    [4, 'constructs'],
    [5, 'constructs'],
    [6, 'constructs'],
  ]);
  expect(importsOf(join('constructs', 'x.ts'), text).map((i) => i.target)).toEqual([
    'synth',
    '..',
    'constructs',
    'tooling',
    'validation',
    'main.ts',
  ]);
});

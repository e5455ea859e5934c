// The folders are the flow: config → charts → constructs, then synth (render, validate, write) and
// the delivery tooling above them. Imports only run down: a construct never reaches up into a chart,
// the pipeline or the tooling, a chart never into the pipeline, validation never into what it
// judges the output of, and nothing outside test/ imports test code. Read from the sources, so a new
// import that breaks the flow fails here with its file and line, and so does an import cycle.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The source file an import names, as Node and TypeScript resolve a relative specifier here. */
function resolvedFile(from: string, specifier: string): string | undefined {
  const base = join(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.cjs`, `${base}.js`, join(base, 'index.ts'), join(base, 'index.cjs')];
  return candidates.find(
    (candidate) => SOURCE.test(candidate) && existsSync(join(ROOT, candidate)) && statSync(join(ROOT, candidate)).isFile(),
  );
}

/**
 * The import cycles among the sources, each as the files around it: strongly connected components
 * of more than one file, or a file importing itself (Tarjan's algorithm, linear in the imports).
 * ESLint's import-x/no-cycle did this at about 3 s a lint; here it is one pass over the scan above.
 */
function importCycles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const target = resolvedFile(i.file, i.specifier);
    if (!target || target.startsWith(`imports${sep}`)) continue;
    if (!edges.has(i.file)) edges.set(i.file, new Set());
    edges.get(i.file)!.add(target);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || edges.get(file)?.has(file)) cycles.push(component.sort());
  };
  for (const file of [...edges.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}

test('no import cycles: every file can be read before the files that import it', () => {
  // Nearly every relative import resolves to a source file (the rest: JSON data, and specifiers
  // inside strings such as the k6 scripts'), or the check would see fewer edges than there are.
  const resolved = everyImport.filter((i) => resolvedFile(i.file, i.specifier) !== undefined);
  expect(resolved.length).toBeGreaterThan(everyImport.length * 0.95);
  expect(importCycles(everyImport)).toEqual([]);
});

test('the cycle check finds a cycle through several files, and a file importing itself', () => {
  const imports = (pairs: [string, string][]): Import[] =>
    pairs.map(([file, specifier]) => ({ file, line: 1, specifier, target: roomOf(file) }));
  // Real files, so the specifiers resolve: config/index.ts and config/types.ts exist.
  const cycle = importCycles(
    imports([
      [join('config', 'index.ts'), './types'],
      [join('config', 'types.ts'), './index'],
    ]),
  );
  expect(cycle).toEqual([[join('config', 'index.ts'), join('config', 'types.ts')]]);
  expect(importCycles(imports([[join('config', 'types.ts'), './types']]))).toEqual([[join('config', 'types.ts')]]);
  expect(importCycles(imports([[join('config', 'index.ts'), './types']]))).toEqual([]);
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

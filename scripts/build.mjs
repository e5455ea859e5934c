// Bundles the TypeScript entry points (main.ts, scripts/*.ts) with their dependencies into one
// JavaScript file each under build/, so the commands run compiled code (no ts-node) and start fast:
// one file to read instead of two thousand modules to resolve. Type checking is `npm run typecheck`.
//
// `node scripts/build.mjs` rebuilds every entry point. scripts/run.mjs calls ensureBuilt(entry),
// which rebuilds that one entry point only when one of its inputs changed since it was built
// (build/inputs.json: size and mtime of every project file in its bundle, and of the installed
// dependency tree), the way make would.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root; every path below is relative to it, whatever the working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS_FILE = join(ROOT, 'build/inputs.json');
// npm rewrites this file on every install: a changed dependency tree means a rebuild.
const DEPENDENCY_TREE = 'node_modules/.package-lock.json';
const ALWAYS_INPUTS = ['scripts/build.mjs', 'package.json', DEPENDENCY_TREE];

/** `main` → `main.ts`, `scripts/diff` → `scripts/diff.ts`. */
const sourceOf = (entry) => `${entry}.ts`;

function allEntries() {
  const scripts = readdirSync(join(ROOT, 'scripts'))
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => `scripts/${file.slice(0, -'.ts'.length)}`);
  return ['main', ...scripts];
}

function fingerprint(path) {
  try {
    const { size, mtimeMs } = statSync(join(ROOT, path));
    return `${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function readRecords() {
  try {
    return JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** True when build/<entry>.js was made from its files as they are now. */
export function upToDate(entry) {
  const files = readRecords()[entry];
  return files !== undefined && Object.entries(files).every(([path, print]) => fingerprint(path) === print);
}

/**
 * Every file the entry point imports, directly or not. Not the output's own input list: that omits
 * files that add no bytes (a constant inlined elsewhere), and editing one must still rebuild.
 */
function importedFrom(entryPoint, inputs) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path) || !inputs[path]) return;
    seen.add(path);
    for (const imported of inputs[path].imports) if (!imported.external) visit(imported.path);
  };
  visit(entryPoint);
  return seen;
}

/** Bundles the given entry points and records what each was made from. */
export async function build(entries = allEntries()) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entries.map(sourceOf),
    outdir: 'build',
    outbase: '.',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // re2-wasm reads its .wasm file next to its own module; typescript and esbuild are build tools
    // that scripts load only when asked to.
    external: ['re2-wasm', 'typescript', 'esbuild'],
    // Smaller files load faster; identifiers are kept, so stack traces name functions.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  });
  const records = readRecords();
  for (const [output, { entryPoint }] of Object.entries(result.metafile.outputs)) {
    if (!entryPoint || !output.endsWith('.js')) continue;
    const entry = entryPoint.slice(0, -'.ts'.length);
    const projectFiles = [...importedFrom(entryPoint, result.metafile.inputs)].filter((path) => !path.startsWith('node_modules/'));
    records[entry] = Object.fromEntries([...projectFiles, ...ALWAYS_INPUTS].sort().map((path) => [path, fingerprint(path)]));
  }
  writeFileSync(INPUTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
}

/** Rebuilds build/<entry>.js when one of its inputs changed; loads esbuild only then. */
export async function ensureBuilt(entry) {
  if (!upToDate(entry)) await build([entry]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();

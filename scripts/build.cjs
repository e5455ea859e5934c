// Bundles the TypeScript entry points (main.ts, scripts/*.ts) with their dependencies into one
// JavaScript file each under build/, so the commands run compiled code (no ts-node) and start fast:
// one file to read instead of two thousand modules to resolve. Type checking is `npm run typecheck`.
//
// `node scripts/build.cjs` rebuilds every entry point. scripts/run.cjs calls ensureBuilt(entry),
// which rebuilds that one entry point only when one of its inputs changed since it was built
// (build/inputs.json: size and mtime of every project file it imports, and of the installed
// dependency tree), the way make would. Each record also holds a hash of the bundle, which
// scripts/run.cjs ties its code cache to. CommonJS, not an ES module: Node starts it faster.
//
// Before ensureBuilt bundles, the TypeScript compiler checks the entry point and what it imports
// (scripts/type-check.cjs, incremental): a type error stops the command with the compiler's message
// and leaves the old bundle in place. A bundle `node scripts/build.cjs` made is marked unchecked
// (`npm test` runs `npm run typecheck` just before it, which checks more: the tests too, and then
// marks it, `--checked-by-tsc`), and its first run checks it.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

/** The project root; every path below is relative to it, whatever the working directory. */
const ROOT = join(__dirname, '..');
const INPUTS_FILE = join(ROOT, 'build/inputs.json');
// npm rewrites this file on every install: a changed dependency tree means a rebuild.
const DEPENDENCY_TREE = 'node_modules/.package-lock.json';
const ALWAYS_INPUTS = ['scripts/build.cjs', 'scripts/type-check.cjs', 'package.json', 'tsconfig.json', DEPENDENCY_TREE];
// Recorded for a file saved while esbuild was reading it: the next run rebuilds.
const CHANGED_DURING_BUILD = 'changed during the build';

/**
 * Code the commands never run, left out of the bundles the way webpack's IgnorePlugin leaves out
 * moment's locales: every byte is read, deserialized and often evaluated on every run. Each entry
 * names the request it replaces, the importer it applies to, what stands in and why;
 * test/scripts/bundle-trim.test.ts proves each one safe against the installed packages.
 */
const TRIMMED = [
  {
    // @kubernetes-models/validate only ever calls `.en`; the other 20 languages are 90 KB.
    request: /^ajv-i18n$/,
    importer: /@kubernetes-models[\\/]validate[\\/]/,
    contents: "module.exports = { en: require('ajv-i18n/localize/en') };",
  },
  {
    // iri, idn-email, idn-hostname, iri-reference, duration: no kubernetes-models schema names them,
    // and they pull in a URI library and an e-mail grammar.
    request: /^ajv-formats-draft2019\/formats\/index\.js$/,
    importer: /@kubernetes-models[\\/]validate[\\/]/,
    contents: 'module.exports = {};',
  },
  {
    // Grafana's dashboard schema v2 and every SDK module built on it (the v2 visualization and query
    // builders): the Golden Signals dashboard is schema v1 (dashboard.DashboardBuilder,
    // <panel>.PanelBuilder, <datasource>.DataqueryBuilder).
    request: /^\.\.?\//,
    importer: /@grafana[\\/]grafana-foundation-sdk[\\/]dist[\\/]/,
    when: (path) =>
      /[\\/]dashboardv2(beta1)?[\\/]index\.js$/.test(path) || /require\("\.\.\/dashboardv2(beta1)?"\)/.test(readFileSync(path, 'utf8')),
    contents: 'module.exports = {};',
  },
];

// 340 KB of schemas as a JSON string: JSON.parse reads it several times faster than V8 compiles and
// runs the same data as an object literal (esbuild's default for .json).
const SCHEMAS_JSON = /[\\/]imports[\\/]schemas\.json$/;

/** The esbuild plugin applying TRIMMED and the JSON.parse loader. */
function trimPlugin() {
  return {
    name: 'titanium-trim',
    setup(build) {
      TRIMMED.forEach(({ request, importer, when }, index) => {
        build.onResolve({ filter: request }, (args) => {
          if (!importer.test(args.importer)) return undefined;
          if (when) {
            const resolved = require.resolve(args.path, { paths: [dirname(args.importer)] });
            if (!when(resolved)) return undefined;
          }
          // One stand-in per folder asking: it resolves its own requests from there.
          return { path: `${index}:${dirname(args.importer)}`, namespace: 'titanium-trim' };
        });
      });
      build.onLoad({ filter: /.*/, namespace: 'titanium-trim' }, (args) => {
        const separator = args.path.indexOf(':');
        return {
          contents: TRIMMED[Number(args.path.slice(0, separator))].contents,
          resolveDir: args.path.slice(separator + 1),
          loader: 'js',
        };
      });
      build.onLoad({ filter: SCHEMAS_JSON }, (args) => ({
        contents: `module.exports = JSON.parse(${JSON.stringify(readFileSync(args.path, 'utf8'))});`,
        loader: 'js',
      }));
    },
  };
}

/** `main` → `main.ts`, `scripts/diff` → `scripts/diff.ts`. */
const sourceOf = (entry) => `${entry}.ts`;

function allEntries() {
  const scripts = readdirSync(join(ROOT, 'scripts'))
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => `scripts/${file.slice(0, -'.ts'.length)}`);
  return ['main', ...scripts];
}

function stat(path) {
  try {
    return statSync(join(ROOT, path));
  } catch {
    return undefined;
  }
}

function fingerprint(path) {
  const found = stat(path);
  return found ? `${found.size}:${found.mtimeMs}` : 'missing';
}

/** Every entry's record: `{ bundle: <hash of build/<entry>.js>, files: { <path>: <fingerprint> } }`. */
function readRecords() {
  try {
    return JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** The record of build/<entry>.js when it was made from its files as they are now. */
function currentRecord(entry) {
  const record = readRecords()[entry];
  if (!record) return undefined;
  return Object.entries(record.files).every(([path, print]) => fingerprint(path) === print) ? record : undefined;
}

/** Writes by rename, so a reader never sees half a file. */
function writeAtomically(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
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

/** `{ <path>: <fingerprint> }`, or CHANGED_DURING_BUILD for a file saved since `started`. */
function fingerprints(paths, started) {
  return Object.fromEntries(
    [...new Set(paths)].sort().map((path) => {
      const found = stat(path);
      return [path, found && found.mtimeMs >= started ? CHANGED_DURING_BUILD : fingerprint(path)];
    }),
  );
}

/**
 * Bundles the given entry points into `outdir` (relative to the root) and, for build/, records what
 * each was made from. `check`, a promise of `{ <entry>: <files its type check read> }`, runs
 * alongside the bundling: a rejection writes nothing; the files join the entry's inputs and mark
 * it checked. `started` is when that check began.
 */
async function build(entries = allEntries(), outdir = 'build', { check, started = Date.now() } = {}) {
  // Entries checked since their sources last changed stay checked: `npm test` rebuilds everything,
  // and the next synth of an unchanged tree must not pay for the compiler again.
  const stillChecked = new Map(outdir === 'build' ? entries.map((e) => [e, currentRecord(e)]).filter(([, r]) => r && r.typeChecked) : []);
  const esbuild = require('esbuild');
  const bundling = esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entries.map(sourceOf),
    outdir,
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
    write: false,
    plugins: [trimPlugin()],
    logLevel: 'warning',
  });
  // The check runs meanwhile (in its own thread); nothing is written unless it passes.
  const [result, checked] = await Promise.all([bundling, check ?? {}]);
  // scripts/run.cjs runs a bundle through vm.Script, where import() needs an experimental flag on
  // Node 20: refuse it here, with its place, rather than fail at run time.
  const dynamicImports = Object.entries(result.metafile.inputs).flatMap(([path, input]) =>
    input.imports.filter((i) => i.kind === 'dynamic-import').map((i) => `${path}: import('${i.path}')`),
  );
  if (dynamicImports.length > 0) {
    const { BuildError } = require('./type-check.cjs');
    throw new BuildError(
      `dynamic import() cannot run under scripts/run.cjs; use require() or a static import:\n  ${dynamicImports.join('\n  ')}`,
    );
  }
  const { createHash } = require('node:crypto'); // here, not on top: a run without a rebuild never hashes
  const hashes = new Map();
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    hashes.set(file.path, createHash('sha256').update(file.contents).digest('hex'));
  }
  if (outdir !== 'build') return;
  const records = readRecords();
  for (const [output, { entryPoint }] of Object.entries(result.metafile.outputs)) {
    if (!entryPoint || !output.endsWith('.js')) continue;
    // Installed packages are covered by the dependency tree's fingerprint; trimmed stand-ins are
    // this file's own text.
    const projectFiles = [...importedFrom(entryPoint, result.metafile.inputs)].filter(
      (path) => !path.startsWith('node_modules/') && !path.startsWith('titanium-trim:'),
    );
    const entry = entryPoint.slice(0, -'.ts'.length);
    const previous = stillChecked.get(entry);
    const read = checked[entry] ?? (previous ? Object.keys(previous.files) : []);
    const files = fingerprints([...projectFiles, ...read, ...ALWAYS_INPUTS], started);
    records[entry] = { bundle: hashes.get(join(ROOT, output)), files, typeChecked: entry in checked || previous !== undefined };
  }
  writeAtomically(INPUTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
}

/** `record` marked checked, its inputs joined by the files the check read (fingerprinted as of `since`). */
const checkedRecord = (record, read, since) => ({
  ...record,
  files: fingerprints([...Object.keys(record.files), ...read], since),
  typeChecked: true,
});

/**
 * Rebuilds build/<entry>.js when one of its inputs changed, after type-checking it (loads the
 * compiler and esbuild only then); its record. A type error throws a BuildError and leaves build/
 * as it was, but for the compiler's own build/<entry>.tsbuildinfo.
 */
async function ensureBuilt(entry) {
  const record = currentRecord(entry);
  if (record && record.typeChecked) return record;
  const started = Date.now();
  const checking = require('./type-check.cjs').typeCheckInWorker(ROOT, entry);
  if (!record) {
    await build([entry], 'build', { check: checking.then((read) => ({ [entry]: read })), started });
    return readRecords()[entry];
  }
  // Bundled by `node scripts/build.cjs` from these very files: checking it is all that is missing.
  const read = await checking;
  const records = readRecords();
  records[entry] = checkedRecord(record, read, started);
  writeAtomically(INPUTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
  return records[entry];
}

/**
 * After `npm run typecheck` passed (npm test runs it, then build(), then this): every bundle still
 * made from the files the check saw is checked, so the first command run from it need not check
 * again. Its record gains the files the entry reaches only for their types. A file saved after
 * `checkStarted` (when the type check began; else the build) is left out, so the next run checks it.
 */
function markChecked(checkStarted = Infinity) {
  const { projectFilesOf } = require('./type-check.cjs');
  const built = Math.min(checkStarted, statSync(INPUTS_FILE).mtimeMs);
  const records = readRecords();
  for (const entry of allEntries()) {
    const record = currentRecord(entry);
    if (!record || record.typeChecked) continue;
    records[entry] = checkedRecord(record, projectFilesOf(ROOT, entry), built);
  }
  writeAtomically(INPUTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
}

module.exports = { ROOT, TRIMMED, allEntries, build, currentRecord, ensureBuilt, markChecked, readRecords, trimPlugin };

if (require.main === module && process.argv[2] === '--checked-by-tsc') {
  // `--since <ms since the epoch>`: when the type check began.
  const since = process.argv[3] === '--since' ? Number(process.argv[4]) : Infinity;
  if (Number.isNaN(since)) {
    console.error(`error   --since takes the time the type check began, in ms since the epoch, not ${process.argv[4] ?? 'nothing'}`);
    process.exitCode = 2;
  } else markChecked(since);
} else if (require.main === module) {
  build().catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}

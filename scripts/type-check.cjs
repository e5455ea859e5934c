// The TypeScript check scripts/build.cjs runs before it bundles an entry point for scripts/run.cjs:
// esbuild only strips types, so without it a misspelled config field (`helthPath`) surfaces as a
// TypeError deep in the bundle instead of the compiler's "Did you mean …?". The program is the entry
// point and what it imports (not the tests: `npm run typecheck` covers those), with the options of
// tsconfig.json, and incremental: build/<entry>.tsbuildinfo keeps what the last check learnt, so a
// check after a small edit re-checks only what the edit can affect. Loaded only when a bundle is
// about to be rebuilt: a run of an unchanged tree never loads the compiler. CommonJS, like build.cjs.
'use strict';
const { join, relative } = require('node:path');

/** A refusal to build with a message for the user as it is: the launcher prints no stack trace. */
class BuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BuildError';
  }
}

/** `config/services.ts:19:5 - error TS2561: …`, the related information indented below it. */
function formatDiagnostic(ts, root, diagnostic, indent = '') {
  const category = ts.DiagnosticCategory[diagnostic.category].toLowerCase();
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, `\n${indent}  `);
  let where = '';
  if (diagnostic.file && diagnostic.start !== undefined) {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    where = `${relative(root, diagnostic.file.fileName).split('\\').join('/')}:${line + 1}:${character + 1} - `;
  }
  const head = indent ? `${indent}${where}${message}` : `${where}${category} TS${diagnostic.code}: ${message}`;
  const related = (diagnostic.relatedInformation ?? []).map((info) => formatDiagnostic(ts, root, info, `${indent}    `));
  return [head, ...related].join('\n');
}

/**
 * Type-checks `<root>/<entry>.ts` and everything it imports. Returns the project files the compiler
 * read (not installed packages), which are inputs of the bundle too: a type-only import leaves no
 * trace in esbuild's output but an edit to it must be checked. Throws a BuildError listing every
 * error.
 */
function typeCheck(root, entry) {
  const ts = require('typescript');
  const configFile = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new BuildError(formatDiagnostic(ts, root, read.error));
  // The `include` list is the whole project's, for `tsc -p`; this program has its own root.
  const parsed = ts.parseJsonConfigFileContent({ ...read.config, include: [], files: [] }, ts.sys, root, undefined, configFile);
  const options = {
    ...parsed.options,
    // The commands never see jest's globals: leaving its types out checks the same, reading less.
    ...(parsed.options.types ? { types: parsed.options.types.filter((type) => type !== 'jest') } : {}),
    noEmit: true,
    incremental: true,
    tsBuildInfoFile: join(root, 'build', `${entry}.tsbuildinfo`),
  };
  const program = ts.createIncrementalProgram({ rootNames: [join(root, `${entry}.ts`)], options });
  const diagnostics = [
    ...parsed.errors.filter((d) => d.code !== 18002 && d.code !== 18003), // empty `files`/`include`: on purpose
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  // With noEmit this writes only the build info, errors included: the next check starts from here.
  program.emit();
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const sorted = ts.sortAndDeduplicateDiagnostics(errors);
    throw new BuildError(
      `${sorted.map((d) => formatDiagnostic(ts, root, d)).join('\n\n')}\n\n` +
        `${sorted.length} type error(s) in ${entry}.ts and what it imports; build/${entry}.js not rebuilt, nothing run`,
    );
  }
  return program
    .getSourceFiles()
    .map((file) => relative(root, file.fileName).split('\\').join('/'))
    .filter((path) => !path.startsWith('..') && !path.startsWith('node_modules/'));
}

/**
 * typeCheck in a worker thread, so that it runs while esbuild bundles (esbuild calls back into this
 * thread for its plugins, which a synchronous check here would block): resolves to the files read,
 * rejects with the BuildError.
 */
function typeCheckInWorker(root, entry) {
  const { Worker } = require('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { root, entry } });
    worker.once('message', ({ files, error, unexpected }) => {
      if (files) resolve(files);
      else if (error) reject(new BuildError(error));
      else reject(new Error(unexpected));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the type check stopped (exit code ${code}) before it answered`)));
  });
}

/**
 * The project files `<root>/<entry>.ts` reaches through its imports, type-only ones included,
 * resolved as the compiler resolves them but without checking anything: what a check of the entry
 * reads from the project. For bundles `tsc -p tsconfig.json` has just checked as part of the whole.
 */
function projectFilesOf(root, entry) {
  const ts = require('typescript');
  const configFile = join(root, 'tsconfig.json');
  const { options } = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configFile, ts.sys.readFile).config,
    ts.sys,
    root,
    undefined,
    configFile,
  );
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true).importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && !resolved.resolvedFileName.endsWith('.d.ts')) visit(resolved.resolvedFileName);
    }
  };
  visit(join(root, `${entry}.ts`));
  return [...seen].map((path) => relative(root, path).split('\\').join('/')).filter((path) => !path.startsWith('..'));
}

module.exports = { BuildError, formatDiagnostic, projectFilesOf, typeCheck, typeCheckInWorker };

const { isMainThread, parentPort, workerData } = require('node:worker_threads');
if (!isMainThread && workerData && workerData.entry) {
  try {
    parentPort.postMessage({ files: typeCheck(workerData.root, workerData.entry) });
  } catch (error) {
    parentPort.postMessage(
      error instanceof BuildError ? { error: error.message } : { unexpected: error instanceof Error ? error.stack : String(error) },
    );
  }
}

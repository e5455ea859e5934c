// `node scripts/run.cjs <entry> [args]`: what the npm scripts run. Rebuilds build/<entry>.js when
// one of its sources changed (scripts/build.cjs), then runs it in this process with a V8 code cache
// (build/<entry>.js.cache): parsing and compiling the bundle again on every run is most of a short
// command's start-up. The cache is an optimisation only: a missing, stale or unwritable one costs
// time, never correctness. CommonJS, not an ES module: Node starts it faster.
'use strict';
const Module = require('node:module');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
const vm = require('node:vm');
const { ensureBuilt, ROOT } = require('./build.cjs');

async function run(entry, args) {
  // The record is read before the bundle: if a concurrent build replaces the bundle in between, the
  // cache is labelled with the older hash and simply never matches.
  const { bundle: bundleHash } = await ensureBuilt(entry);
  runBundle(entry, bundleHash, args);
}

/** Runs build/<entry>.js, built with the hash `bundleHash`, as the main module with its code cache. */
function runBundle(entry, bundleHash, args) {
  const file = resolve(ROOT, 'build', `${entry}.js`);
  const cacheFile = `${file}.cache`;
  // V8 checks a cache against the source's length, not its content, so the cache carries the hash of
  // the bundle it was made from: a rebuilt bundle of the same length never runs stale code.
  const label = Buffer.from(`titanium-code-cache ${bundleHash}\n`);
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.subarray(0, label.length).equals(label)) cachedData = cache.subarray(label.length);
  } catch {
    cachedData = undefined;
  }
  // esbuild writes ASCII only (non-ASCII characters are escaped), so latin1 reads it unchanged, faster.
  const script = new vm.Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });

  // The bundle runs as the main module, as under `node build/<entry>.js`: its own argv and require.main.
  process.argv = [process.argv[0], file, ...args];
  const main = new Module(file);
  main.filename = file;
  main.paths = Module._nodeModulePaths(dirname(file));
  main.loaded = true;
  process.mainModule = main;
  const requireFromBundle = Module.createRequire(file);
  requireFromBundle.main = main;

  process.on('exit', () => {
    if (cachedData && !script.cachedDataRejected) return;
    // After the run, so the cache holds the functions this command compiled, not only the top level.
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, Buffer.concat([label, script.createCachedData()]));
      renameSync(temporary, cacheFile);
    } catch {
      rmSync(temporary, { force: true }); // read-only build/, a full disk: run without a cache
    }
  });
  script.runInThisContext().call(main.exports, main.exports, requireFromBundle, main, file, dirname(file));
}

module.exports = { runBundle };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: node scripts/run.cjs <main|scripts/name> [args...]');
    process.exitCode = 2;
  } else {
    run(entry, args).catch((error) => {
      // A refused build (a type error, a dynamic import) says all there is to say: no stack trace.
      console.error(error instanceof Error ? (error.name === 'BuildError' ? error.message : error.stack) : error);
      process.exitCode = 1;
    });
  }
}

// `node scripts/run.mjs <entry> [args]`: what the npm scripts run. Rebuilds build/<entry>.js when
// one of its sources changed (scripts/build.mjs), then runs it in this process with a V8 code cache
// (build/<entry>.js.cache): parsing and compiling the bundle again on every run is most of a short
// command's start-up. The cache is an optimisation only: a missing or stale one is rewritten.
import Module, { createRequire } from 'node:module';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import vm from 'node:vm';
import { ensureBuilt, ROOT } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <main|scripts/name> [args...]');
  process.exit(2);
}
await ensureBuilt(entry);

const file = resolve(ROOT, 'build', `${entry}.js`);
const cacheFile = `${file}.cache`;
// V8 checks a cache against the source's length, not its content: a rebuilt bundle of the same
// length would run stale code. A cache older than the bundle is therefore never used.
let cachedData;
try {
  if (statSync(cacheFile).mtimeMs >= statSync(file).mtimeMs) cachedData = readFileSync(cacheFile);
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
const require = createRequire(file);
require.main = main;

process.on('exit', () => {
  if (cachedData && !script.cachedDataRejected) return;
  // After the run, so the cache holds the functions this command compiled, not only the top level.
  const temporary = `${cacheFile}.${process.pid}`;
  writeFileSync(temporary, script.createCachedData());
  renameSync(temporary, cacheFile);
});
script.runInThisContext().call(main.exports, main.exports, require, main, file, dirname(file));

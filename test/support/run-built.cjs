// `node test/support/run-built.cjs <entry> [args]`: runs build/<entry>.js the way scripts/run.cjs
// does for `npm run` (as the main module, with its V8 code cache), without run.cjs' freshness and
// type check: jest's global setup has built every bundle, and `npm test` type-checks them. Without
// the code cache each spawned command compiled its whole bundle again.
'use strict';
const { readRecords } = require('../../scripts/build.cjs');
const { runBundle } = require('../../scripts/run.cjs');

const [entry, ...args] = process.argv.slice(2);
runBundle(entry, readRecords()[entry].bundle, args);

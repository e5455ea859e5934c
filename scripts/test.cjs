// `npm test [-- <jest options>]`: the type check, the bundles and jest, one after the other, while
// the lint (`npm run lint`: ESLint and Prettier) runs beside them. Jest starts once the type check
// and the bundles are done (about four seconds), not after the lint too: on two cores the lint fills
// the time jest's workers spend waiting on git and the commands they spawn. Jest's output streams as
// it runs; the lint's is kept and printed after it. Every step that can run does, so one run reports
// type errors and lint problems together; the exit code is non-zero if anything failed. The options
// after `--` go to jest (`npm test -- -u` rewrites the snapshots). CommonJS, like the other scripts.
'use strict';
const { failure, report, runCommand, runKept } = require('./parallel.cjs');

/**
 * `steps` in order, their output printed as it comes (the first failure stops them), while each of
 * `beside` runs alongside with its output kept. Resolves to the exit code: 0 if every step and
 * every command beside them succeeded, else 1, each failure named on stderr after the kept output.
 */
async function runSideBySide(steps, beside) {
  const besideRuns = beside.map(runKept);
  let failedStep;
  for (const step of steps) {
    const result = await runCommand(step);
    if (result.code !== 0) {
      failedStep = result;
      break;
    }
  }
  const besideSucceeded = report(await Promise.all(besideRuns));
  if (failedStep) console.error(failure(failedStep));
  return besideSucceeded && !failedStep ? 0 : 1;
}

/** What `npm test` runs, planned at `now` (ms since the epoch), just before it starts: jest gets `jestArgs`. */
function testPlan(jestArgs, now = Date.now()) {
  return {
    steps: [
      'npm run --silent typecheck',
      'node scripts/build.cjs',
      // The bundles the type check has just passed are marked so, but for a file saved since it
      // began: the first command a test runs need not check again.
      `node scripts/build.cjs --checked-by-tsc --since ${now}`,
      [process.execPath, require.resolve('jest/bin/jest'), ...jestArgs],
    ],
    beside: ['npm run --silent lint'],
  };
}

module.exports = { runSideBySide, testPlan };

if (require.main === module) {
  process.chdir(require('node:path').join(__dirname, '..'));
  const { steps, beside } = testPlan(process.argv.slice(2));
  runSideBySide(steps, beside).then((code) => (process.exitCode = code));
}

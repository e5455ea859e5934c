// `npm test [-- <jest options>]`: the type check, the bundles and jest, one after the other, while
// the lint (`npm run lint`: ESLint and Prettier) runs beside them. Jest starts once the type check
// and the bundles are done (about four seconds), not after the lint too: on two cores the lint fills
// the time jest's workers spend waiting on git and the commands they spawn. Jest's output streams as
// it runs; the lint's is kept and printed after it. Every step that can run does, so one run reports
// type errors and lint problems together; the exit code is non-zero if anything failed. The options
// after `--` go to jest (`npm test -- -u` rewrites the snapshots). CommonJS, like the other scripts.
'use strict';
const { spawn } = require('node:child_process');

/**
 * Runs a shell command line, or `[file, ...args]` without a shell. Its output is printed as it
 * comes, or, with `kept`, collected there. Resolves to the exit code (1 for a signal).
 */
function runCommand(command, kept) {
  const stdio = kept ? ['ignore', 'pipe', 'pipe'] : 'inherit';
  const child = Array.isArray(command) ? spawn(command[0], command.slice(1), { stdio }) : spawn(command, { shell: true, stdio });
  if (kept) {
    child.stdout.on('data', (chunk) => kept.push(chunk));
    child.stderr.on('data', (chunk) => kept.push(chunk));
  }
  return new Promise((resolve) => {
    child.on('error', (error) => {
      kept?.push(Buffer.from(`${error.message}\n`));
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

const describe = (command) => (Array.isArray(command) ? command.join(' ') : command);

/**
 * `steps` in order (the first failure stops them) while each of `beside` runs alongside. Resolves
 * to the exit code: 0 if every step and every command beside them succeeded, else 1, each failure
 * named on stderr after the kept output.
 */
async function runSideBySide(steps, beside) {
  const kept = beside.map(() => []);
  const besideRuns = beside.map((command, i) => runCommand(command, kept[i]));
  const failures = [];
  for (const step of steps) {
    const code = await runCommand(step);
    if (code !== 0) {
      failures.push(`failed: ${describe(step)} (exit ${code})`);
      break;
    }
  }
  const besideCodes = await Promise.all(besideRuns);
  besideCodes.forEach((code, i) => {
    process.stdout.write(Buffer.concat(kept[i]));
    if (code !== 0) failures.push(`failed: ${describe(beside[i])} (exit ${code})`);
  });
  for (const failure of failures) console.error(failure);
  return failures.length > 0 ? 1 : 0;
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

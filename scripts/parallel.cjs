// `node scripts/parallel.cjs '<command>' '<command>' ...`: runs shell commands side by side (`npm run
// lint`'s ESLint and Prettier are one core each and independent) and exits non-zero if any failed,
// after all have finished, each one's output kept together. scripts/test.cjs runs the lint beside
// jest with the same pieces. CommonJS, like the other build scripts.
'use strict';
const { spawn } = require('node:child_process');

/**
 * Runs a shell command line, or `[file, ...args]` without a shell. Its output is printed as it comes
 * or, with `kept`, collected there. Resolves to `{ command, code, signal }` (code 1 for a signal or
 * a command that could not start).
 */
function runCommand(command, kept) {
  const stdio = kept ? ['ignore', 'pipe', 'pipe'] : 'inherit';
  const child = Array.isArray(command) ? spawn(command[0], command.slice(1), { stdio }) : spawn(command, { shell: true, stdio });
  if (kept) {
    child.stdout.on('data', (chunk) => kept.push(chunk));
    child.stderr.on('data', (chunk) => kept.push(chunk));
  }
  const named = Array.isArray(command) ? command.join(' ') : command;
  return new Promise((resolve) => {
    child.on('error', (error) => {
      kept?.push(Buffer.from(`${error.message}\n`));
      resolve({ command: named, code: 1, signal: null });
    });
    child.on('close', (code, signal) => resolve({ command: named, code: code ?? 1, signal }));
  });
}

/** A shell command run with its output kept: `{ command, code, signal, output }`. */
async function runKept(command) {
  const kept = [];
  const result = await runCommand(command, kept);
  return { ...result, output: Buffer.concat(kept) };
}

/** `failed: <command> (exit 3)`, or the signal that stopped it. */
const failure = ({ command, code, signal }) => `failed: ${command} (${signal ?? `exit ${code}`})`;

/** Prints each kept run's output in order, each failure named on stderr after it; whether all succeeded. */
function report(results) {
  for (const result of results) {
    process.stdout.write(result.output);
    if (result.code !== 0) console.error(failure(result));
  }
  return results.every((r) => r.code === 0);
}

module.exports = { failure, report, runCommand, runKept };

if (require.main === module) {
  Promise.all(process.argv.slice(2).map(runKept)).then((results) => {
    process.exitCode = report(results) ? 0 : 1;
  });
}

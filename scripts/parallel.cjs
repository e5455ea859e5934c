// `node scripts/parallel.cjs '<command>' '<command>' ...`: runs shell commands side by side (`npm run
// lint`'s ESLint and Prettier are one core each and independent) and exits non-zero if any failed,
// after all have finished, each one's output kept together. CommonJS, like the other build scripts.
'use strict';
const { spawn } = require('node:child_process');

const commands = process.argv.slice(2);
const runs = commands.map(
  (command) =>
    new Promise((resolve) => {
      const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = [];
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
      child.on('close', (code, signal) => resolve({ command, code: code ?? 1, signal, output: Buffer.concat(output) }));
    }),
);
Promise.all(runs).then((results) => {
  for (const { command, code, signal, output } of results) {
    process.stdout.write(output);
    if (code !== 0) console.error(`failed: ${command} (${signal ?? `exit ${code}`})`);
  }
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});

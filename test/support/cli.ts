// Runs the bundled commands the way npm scripts do, through scripts/run.cjs' loader and its code
// cache (`npm test` builds them first).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The node arguments that run build/<script> (`main.js`, `scripts/validate.js`) with `args`. */
export function builtCommand(script: string, args: readonly string[]): string[] {
  const path = join(ROOT, 'build', script);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (npm test does) before jest`);
  return [join(__dirname, 'run-built.cjs'), script.replace(/\.js$/, ''), ...args];
}

export function runBuilt(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, builtCommand(script, args), {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...options.env },
  });
}

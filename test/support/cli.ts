// Runs the bundled commands the way npm scripts do (`npm test` builds them first).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export function runBuilt(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  const path = join(ROOT, 'build', script);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (npm test does) before jest`);
  return spawnSync(process.execPath, [path, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...options.env },
  });
}

// Two built publish commands racing for the deploy branch of a real bare repository (no network):
// a pre-receive hook holds each push until both have arrived. Whole commands racing, so
// `npm run test:e2e`; the library's retry is publish.test.ts's.
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from '../../tooling/child-process';
import { git } from '../../tooling/git';
import { builtCommand } from '../support/cli';
import { synthInto } from '../support/helpers';
import { cloneOf, filesOnDeploy, fixture, IDENTITY, onRemote, renderedFiles, synthAt } from '../support/publish-fixture';

/** Runs the built publish command without blocking, so two can race. */
async function publishInBackground(cwd: string, args: string[]): Promise<{ status: number | null; output: string }> {
  const { status, stdout, stderr } = await finished(
    spawn(process.execPath, builtCommand('scripts/publish-deploy.js', args), { cwd, env: { ...process.env, ...IDENTITY } }),
  );
  return { status, output: `${stdout}${stderr}` };
}

/** A pre-receive hook that holds each push until two have arrived (10 s at most), so they really race for the ref. */
function holdPushesUntilBothArrive(remote: string): void {
  const hook = join(remote, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh
dir="$(pwd)/race"; mkdir -p "$dir"; touch "$dir/$$"
i=0; while [ "$(ls "$dir" | wc -l)" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
exit 0
`,
  );
  chmodSync(hook, 0o755);
}

describe('two publishers racing', () => {
  test('both land, one retrying on top of the other; history stays linear', async () => {
    const f = fixture();
    holdPushesUntilBothArrive(f.remote);
    const other = cloneOf(f.remote, join(f.source, '..'), 'other');
    // The command publishes only HEAD's render: real renders of the one commit both clones have.
    synthAt(f, 'prod');
    synthAt(f, 'local');

    const [a, b] = await Promise.all([
      publishInBackground(f.source, ['--branch', 'deploy', '--env', 'prod', '--dist', f.dist]),
      publishInBackground(other, ['--branch', 'deploy', '--env', 'local', '--dist', f.dist]),
    ]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(`${a.output}${b.output}`).toContain('push rejected (someone published first); retrying');
    expect(onRemote(f, ['rev-list', '--count', 'deploy'])).toBe('2');
    expect(onRemote(f, ['rev-list', '--merges', '--count', 'deploy'])).toBe('0');
    expect(filesOnDeploy(f)).toEqual(['README.md', ...renderedFiles(f, 'local'), ...renderedFiles(f, 'prod')]);
  }, 30_000);
});

describe('two publishers of the same environment racing', () => {
  // The command publishes only HEAD's render, so two runs for one commit publish the same render:
  // one commit lands, the other run finds the branch already holds it. (Different renders racing
  // are the library's business: see publish.test.ts's tests of publish().)
  test('both succeed, history stays linear and the branch holds the render once', async () => {
    const f = fixture();
    holdPushesUntilBothArrive(f.remote);
    const other = cloneOf(f.remote, join(f.source, '..'), 'other');
    const otherDist = join(f.source, '..', 'other-dist');
    synthAt(f, 'prod');
    synthInto(otherDist, 'prod', { commit: git(['rev-parse', 'HEAD'], { cwd: other }), dirty: false });

    const [a, b] = await Promise.all([
      publishInBackground(f.source, ['--branch', 'deploy', '--env', 'prod', '--dist', f.dist]),
      publishInBackground(other, ['--branch', 'deploy', '--env', 'prod', '--dist', otherDist]),
    ]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(onRemote(f, ['rev-list', '--merges', '--count', 'deploy'])).toBe('0');
    expect(onRemote(f, ['rev-list', '--count', 'deploy'])).toBe('1');
    expect(`${a.output}${b.output}`).toMatch(/prod\/ unchanged at [0-9a-f]{12}; nothing to publish/);
    expect(filesOnDeploy(f)).toEqual(['README.md', ...renderedFiles(f, 'prod')]);
  }, 30_000);
});

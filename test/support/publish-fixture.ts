// A source repository and its bare remote for the publishing tests (publish.test.ts and the racing
// publishers of publish-race.e2e.ts): a checkout with one commit pushed, and a rendered folder.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../tooling/git';
import { synthInto } from './helpers';

export const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

export interface Fixture {
  readonly remote: string;
  /** A clone with `main` checked out. */
  readonly source: string;
  readonly dist: string;
}

export function fixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'titanium-publish-test-'));
  const remote = join(root, 'remote.git');
  git(['init', '--quiet', '--bare', '--initial-branch=main', remote], { cwd: root });
  const source = cloneOf(remote, root, 'source');
  writeFileSync(join(source, 'main.ts'), 'console.log("v1");\n');
  git(['add', '.'], { cwd: source });
  git(['commit', '--quiet', '-m', 'Add the platform'], { cwd: source, env: IDENTITY });
  git(['push', '--quiet', 'origin', 'main'], { cwd: source });
  const dist = join(root, 'dist');
  writeRendered(dist, 'prod', {
    'titanium-prod/deployment-api.yaml': 'kind: Deployment\n',
    'titanium-prod/service-api.yaml': 'kind: Service\n',
  });
  return { remote, source, dist };
}

export function cloneOf(remote: string, root: string, name: string): string {
  const dir = join(root, name);
  git(['clone', '--quiet', remote, dir], { cwd: root });
  git(['checkout', '--quiet', '-B', 'main'], { cwd: dir });
  return dir;
}

export function writeRendered(dist: string, env: string, files: Record<string, string>): void {
  rmSync(join(dist, env), { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dist, env, path, '..'), { recursive: true });
    writeFileSync(join(dist, env, path), content);
  }
}

export const onRemote = (f: Fixture, args: string[]) => git(args, { cwd: f.remote });
export const filesOnDeploy = (f: Fixture) => onRemote(f, ['ls-tree', '-r', '--name-only', 'deploy']).split('\n').filter(Boolean);
/** What synth writes to `<dist>/<env>/` for the fixture checkout's HEAD, clean. */
export const synthAt = (f: Fixture, env: string, dirty = false) =>
  synthInto(f.dist, env, { commit: git(['rev-parse', 'HEAD'], { cwd: f.source }), dirty });
/** The files of `<dist>/<env>/` as paths on the deploy branch, sorted as git lists them. */
export const renderedFiles = (f: Fixture, env: string) =>
  readdirSync(join(f.dist, env), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${env}/${join(e.parentPath, e.name).slice(join(f.dist, env).length + 1)}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

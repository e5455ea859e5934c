// The rendered diff on real changes: an image bump, a new service, a removed object, against the
// rendered objects committed on a deploy branch in a real git repository.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultEnvironment, platformConfig } from '../../config';
import type { PlatformConfig } from '../../config/types';
import { git } from '../../tooling/git';
import { diffObjects, fieldChanges, formatMarkdown, formatText } from '../../tooling/object-diff';
import { manifestYaml } from '../../synth/manifest-yaml';
import { selectEnvironments } from '../../tooling/environment-args';
import { publish } from '../../tooling/publish';
import { readRenderedRef } from '../../tooling/rendered-tree';
import { renderEnvironment } from '../../synth/synth';
import { runBuilt } from '../support/cli';
import { diffInProcess } from '../support/commands-in-process';
import { rendered as sharedRender, synthInto, unusedServiceName, urlEnvVarOf, withConfig, withServices } from '../support/helpers';

const IDENTITY = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };

/** A repository whose `deploy` branch holds today's prod render, as publishing leaves it. */
function deployRepository(): string {
  const repo = mkdtempSync(join(tmpdir(), 'titanium-diff-'));
  git(['init', '--quiet', '--initial-branch=deploy', repo], { cwd: repo });
  for (const m of sharedRender('prod').manifests) {
    const path = join(repo, 'prod', m.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, manifestYaml(m));
  }
  git(['add', '.'], { cwd: repo });
  git(['commit', '--quiet', '-m', 'render'], { cwd: repo, env: IDENTITY });
  return repo;
}

const repo = deployRepository();
/** prod's objects: today's (the test run's shared render), or those of a changed config. */
const rendered = (config?: PlatformConfig) => (config ? renderEnvironment(config) : sharedRender('prod')).manifests;

test('reading the deploy branch back gives exactly what was rendered', () => {
  expect(diffObjects(readRenderedRef(repo, 'deploy', 'prod'), rendered())).toEqual([]);
});

test('an image bump is one changed Deployment with the image, version labels and nothing else', () => {
  const bumped = withConfig('prod', (c) => ({
    services: c.services.map((s) => (s.name === 'api-gateway' ? { ...s, image: { ...s.image, tag: 'main-abc1234' } } : s)),
  }));
  const changes = diffObjects(readRenderedRef(repo, 'deploy', 'prod'), rendered(bumped));
  const deployment = changes.find((c) => c.kind === 'Deployment')!;
  expect(deployment).toMatchObject({ type: 'changed', app: 'titanium-prod', ref: 'titanium-prod/api-gateway' });
  expect(deployment.fields).toContainEqual({
    path: 'spec.template.spec.containers[api-gateway].image',
    before: 'dongju101/api-gateway:main-d631646',
    after: 'dongju101/api-gateway:main-abc1234',
  });
  // Every other change is the version label of api-gateway's own objects.
  for (const change of changes) {
    expect(change.ref).toMatch(/api-gateway$/);
    for (const f of change.fields) expect(f.path).toMatch(/image$|version$/);
  }
});

test('added and removed objects, in text and Markdown', () => {
  // The branch still holds a Service the code no longer renders; the code adds a service.
  const older = deployRepository();
  const legacy = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy-service', namespace: 'titanium-prod' } };
  writeFileSync(join(older, 'prod', 'titanium-prod', 'service-legacy-service.yaml'), manifestYaml({ file: '', object: legacy }));
  git(['add', '.'], { cwd: older });
  git(['commit', '--quiet', '-m', 'legacy'], { cwd: older, env: IDENTITY });
  const added = unusedServiceName('search-service');
  const changed = withConfig('prod', (c) => ({
    ...withServices(c, { ...c.services[0], name: added, urlEnvVar: urlEnvVarOf(added), env: undefined }),
    callGraph: { ...c.callGraph, edges: [...c.callGraph.edges, { from: c.services[0].name, to: added }] },
  }));
  const port = platformConfig('prod').services[0].port;
  const changes = diffObjects(readRenderedRef(older, 'deploy', 'prod'), rendered(changed));
  expect(changes.filter((c) => c.type === 'added').map((c) => `${c.kind} ${c.ref}`)).toContain(`Deployment titanium-prod/${added}`);
  expect(changes.filter((c) => c.type === 'removed').map((c) => `${c.kind} ${c.ref}`)).toEqual(['Service titanium-prod/legacy-service']);
  const text = formatText('prod', changes);
  // ServiceAccount, Deployment, Service, DestinationRule, HPA, PDB, AuthorizationPolicy, NetworkPolicy.
  expect(text).toMatch(/^prod: 8 added, 1 removed, \d+ changed$/m);
  expect(text).toContain(`+ titanium-prod  Deployment titanium-prod/${added}`);
  expect(text).toContain(`    data.${urlEnvVarOf(added)}: (none) → http://${added}:${port}`);
  const markdown = formatMarkdown('prod', changes);
  expect(markdown).toContain(`| + | titanium-prod | Deployment \`titanium-prod/${added}\` |`);
  expect(markdown).toContain('| - | titanium-prod | Service `titanium-prod/legacy-service` |');
});

test('list items with names compare by name, so an inserted env var is one change', () => {
  const before = {
    env: [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ],
  };
  const after = {
    env: [
      { name: 'A', value: '1' },
      { name: 'NEW', value: 'x' },
      { name: 'B', value: '2' },
    ],
  };
  expect(fieldChanges(before, after)).toEqual([{ path: 'env[NEW]', before: undefined, after: { name: 'NEW', value: 'x' } }]);
  expect(fieldChanges({ a: [1, 2] }, { a: [1, 3] })).toEqual([{ path: 'a[1]', before: 2, after: 3 }]);
  expect(fieldChanges({ a: [1] }, { a: [1, 2] })).toEqual([{ path: 'a', before: [1], after: [1, 2] }]);
});

describe('npm run diff', () => {
  // The built command once; the other cases run its code in-process (test/support/commands-in-process.ts).
  test('against a deploy branch that lacks one object and has another changed', () => {
    const copy = deployRepository();
    rmSync(join(copy, 'prod', 'titanium-prod', 'service-redis.yaml'));
    const deployment = join(copy, 'prod', 'titanium-prod', 'deployment-user-service.yaml');
    writeFileSync(
      deployment,
      manifestYaml({
        file: '',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'user-service', namespace: 'titanium-prod' } },
      }),
    );
    git(['commit', '--quiet', '-am', 'older render'], { cwd: copy, env: IDENTITY });
    const run = runBuilt('scripts/diff.js', ['--env', 'prod', '--base', 'deploy'], { cwd: copy });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^prod \(against deploy\): 1 added, 0 removed, 1 changed$/m);
    expect(run.stdout).toContain('+ titanium-prod  Service titanium-prod/redis');
    expect(run.stdout).toContain('~ titanium-prod  Deployment titanium-prod/user-service');
  });

  test('a missing --base is an error; no deploy branch at all means everything is new', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'titanium-diff-empty-'));
    git(['init', '--quiet', empty], { cwd: empty });
    const missing = await diffInProcess(['--base', 'nope'], empty);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--base nope is not a commit here');
    const fresh = await diffInProcess(['--env', 'local', '--format', 'markdown'], empty);
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toContain('No deploy branch yet');
    expect(fresh.stdout).toMatch(/### local \(against nothing\): \d+ added, 0 removed, 0 changed/);
  });
});

/** A bare remote and a clone of it on `main` with one source commit (no render: dist/ is not committed). */
function sourceRepository(): { remote: string; source: string; dist: string } {
  const root = mkdtempSync(join(tmpdir(), 'titanium-diff-source-'));
  const remote = join(root, 'remote.git');
  git(['init', '--quiet', '--bare', '--initial-branch=main', remote], { cwd: root });
  const source = join(root, 'source');
  git(['clone', '--quiet', remote, source], { cwd: root });
  git(['checkout', '--quiet', '-B', 'main'], { cwd: source });
  writeFileSync(join(source, 'main.ts'), 'console.log("platform");\n');
  git(['add', '.'], { cwd: source });
  git(['commit', '--quiet', '-m', 'Add the platform'], { cwd: source, env: IDENTITY });
  git(['push', '--quiet', 'origin', 'main'], { cwd: source });
  return { remote, source, dist: join(root, 'dist') };
}

describe('npm run diff: which environments, against what', () => {
  const f = sourceRepository();
  synthInto(f.dist, 'prod', { commit: git(['rev-parse', 'HEAD'], { cwd: f.source }), dirty: false });
  publish({ repository: f.source, remote: 'origin', branch: 'deploy', environment: 'prod', distDir: f.dist });
  git(['fetch', '--quiet', 'origin'], { cwd: f.source });

  test("without --env it covers synth's and publish's default environment: after publishing prod, no changes", async () => {
    expect(defaultEnvironment).toBe('prod');
    expect(selectEnvironments(undefined).names).toEqual([defaultEnvironment]);
    const run = await diffInProcess([], f.source);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('prod (against origin/deploy): no changes\n');
  });

  test('--env all covers every environment; one the branch has never held is all new, and says so', async () => {
    const run = await diffInProcess(['--env', 'all'], f.source);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^prod \(against origin\/deploy\): no changes$/m);
    expect(run.stdout).toMatch(/^local \(against origin\/deploy, which has no local\/ yet\): \d+ added, 0 removed, 0 changed$/m);
  });

  test('--base HEAD on main is refused, naming the ref and what it looked for', async () => {
    const run = await diffInProcess(['--base', 'HEAD'], f.source);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--base HEAD holds no rendered tree: looked for prod/<app>/*.yaml at HEAD and found none.');
    expect(run.stderr).toContain('compare with the deploy branch (origin/deploy or deploy, the default)');
  });

  test('an explicit --base compares the environments it holds, like the default, and is refused only when it holds none', async () => {
    const run = await diffInProcess(['--base', 'origin/deploy', '--env', 'all'], f.source);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^prod \(against origin\/deploy\): no changes$/m);
    expect(run.stdout).toMatch(/^local \(against origin\/deploy, which has no local\/ yet\): \d+ added, 0 removed, 0 changed$/m);
    const none = await diffInProcess(['--base', 'origin/deploy', '--env', 'local'], f.source);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(
      '--base origin/deploy holds no rendered tree: looked for local/<app>/*.yaml at origin/deploy and found none.',
    );
  });

  test('with no deploy branch, it names the refs it tried and the fetch that would bring one', async () => {
    const { source } = sourceRepository();
    const text = await diffInProcess([], source);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(
      'no deploy branch yet (tried origin/deploy, deploy): everything is new. If the remote has one, fetch it: git fetch origin deploy\n',
    );
    expect(text.stdout).toMatch(/^prod \(against nothing\): \d+ added, 0 removed, 0 changed$/m);
    const markdown = await diffInProcess(['--format', 'markdown'], source);
    expect(markdown.stdout).toContain(
      '> No deploy branch yet (tried `origin/deploy`, `deploy`): everything below is new. If the remote has one, fetch it: `git fetch origin deploy`.',
    );
  });

  test('an unknown environment is a usage error naming the known ones', async () => {
    const run = await diffInProcess(['--env', 'staging'], f.source);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown environment "staging" (config/index.ts knows: prod, local; or all)');
  });
});

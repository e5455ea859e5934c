// Publishing end to end against real bare git repositories made here (no network): first publish,
// no-op republish, a change, a deleted resource, other environments left alone, a checkout that is
// behind, and the guard rails (never a source branch, never the checkout itself). Two built commands
// racing are publish-race.e2e.ts's (\`npm run test:e2e\`).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../../tooling/git';
import { DEPLOY_BRANCH_README, publish, PublishError, type PublishOptions } from '../../tooling/publish';
import { ROOT, runBuilt } from '../support/cli';
import { publishInProcess } from '../support/commands-in-process';
import {
  cloneOf,
  filesOnDeploy,
  fixture,
  IDENTITY,
  onRemote,
  renderedFiles,
  synthAt,
  writeRendered,
  type Fixture,
} from '../support/publish-fixture';

const options = (f: Fixture, env = 'prod'): PublishOptions => ({
  repository: f.source,
  remote: 'origin',
  branch: 'deploy',
  environment: env,
  distDir: f.dist,
});

describe('publishing to a bare repository', () => {
  const f = fixture();
  const mainBefore = onRemote(f, ['rev-parse', 'main']);
  const sourceHead = git(['rev-parse', 'HEAD'], { cwd: f.source });
  const first = publish(options(f));

  test('the first publish creates an orphan deploy branch with the folder and a README', () => {
    expect(first.status).toBe('published');
    expect(onRemote(f, ['rev-parse', 'deploy'])).toBe(first.commit);
    expect(onRemote(f, ['rev-list', '--count', 'deploy'])).toBe('1');
    expect(filesOnDeploy(f)).toEqual(['README.md', 'prod/titanium-prod/deployment-api.yaml', 'prod/titanium-prod/service-api.yaml']);
    expect(onRemote(f, ['show', 'deploy:README.md']) + '\n').toBe(DEPLOY_BRANCH_README);
    expect(onRemote(f, ['show', 'deploy:prod/titanium-prod/service-api.yaml'])).toBe('kind: Service');
  });

  test('the commit message names the source commit and subject', () => {
    expect(onRemote(f, ['log', '-1', '--format=%s', 'deploy'])).toBe(`render ${sourceHead}: Add the platform`);
  });

  test('main and the checkout are untouched', () => {
    expect(onRemote(f, ['rev-parse', 'main'])).toBe(mainBefore);
    expect(git(['rev-parse', 'HEAD'], { cwd: f.source })).toBe(sourceHead);
    expect(git(['symbolic-ref', '--short', 'HEAD'], { cwd: f.source })).toBe('main');
    expect(git(['status', '--porcelain'], { cwd: f.source })).toBe('');
    expect(git(['for-each-ref', '--format=%(refname)', 'refs/titanium-publish'], { cwd: f.source })).toBe('');
  });

  test('republishing the same content makes no commit', () => {
    const again = publish(options(f));
    expect(again).toEqual({ status: 'unchanged', commit: first.commit, attempts: 0 });
    expect(onRemote(f, ['rev-list', '--count', 'deploy'])).toBe('1');
  });

  test('a change makes one commit on top, named after the new source commit', () => {
    writeFileSync(join(f.source, 'main.ts'), 'console.log("v2");\n');
    git(['commit', '--quiet', '-am', 'Bump the api image'], { cwd: f.source, env: IDENTITY });
    writeRendered(f.dist, 'prod', {
      'titanium-prod/deployment-api.yaml': 'kind: Deployment\nimage: v2\n',
      'titanium-prod/service-api.yaml': 'kind: Service\n',
    });
    const result = publish(options(f));
    expect(result.status).toBe('published');
    expect(onRemote(f, ['rev-parse', 'deploy^'])).toBe(first.commit);
    expect(onRemote(f, ['log', '-1', '--format=%s', 'deploy'])).toBe(
      `render ${git(['rev-parse', 'HEAD'], { cwd: f.source })}: Bump the api image`,
    );
    expect(onRemote(f, ['show', 'deploy:prod/titanium-prod/deployment-api.yaml'])).toContain('image: v2');
  });

  test("a new source commit that changes only the README's source line makes no commit; any other README change does", () => {
    const before = onRemote(f, ['rev-parse', 'deploy']);
    const rendered = onRemote(f, ['show', 'deploy:prod/titanium-prod/deployment-api.yaml']) + '\n';
    const readme = (commit: string, body = 'Folders: titanium-prod/') =>
      `# prod\n\nRendered by \`npm run synth\` from source commit \`${commit}\`.\n\n${body}\n`;
    const render = (readmeText: string, service = 'kind: Service\n') =>
      writeRendered(f.dist, 'prod', {
        'README.md': readmeText,
        'titanium-prod/deployment-api.yaml': rendered,
        'titanium-prod/service-api.yaml': service,
      });
    // The first README on the branch is a change like any other.
    render(readme('aaaa'));
    expect(publish(options(f)).status).toBe('published');
    const withReadme = onRemote(f, ['rev-parse', 'deploy']);
    expect(onRemote(f, ['rev-parse', 'deploy^'])).toBe(before);
    render(readme('bbbb'));
    expect(publish(options(f))).toEqual({ status: 'unchanged', commit: withReadme, attempts: 0 });
    expect(onRemote(f, ['show', 'deploy:prod/README.md'])).toContain('`aaaa`');
    // A change to the rest of the README (a new folder description, a fixed diagram) is published.
    render(readme('cccc', 'Folders: titanium-prod/, monitoring/'));
    expect(publish(options(f)).status).toBe('published');
    expect(onRemote(f, ['show', 'deploy:prod/README.md'])).toContain('monitoring/');
    // With an object change, the README comes along.
    render(readme('dddd', 'Folders: titanium-prod/, monitoring/'), 'kind: Service\nport: 80\n');
    expect(publish(options(f)).status).toBe('published');
    expect(onRemote(f, ['show', 'deploy:prod/README.md'])).toContain('`dddd`');
  });

  test('a resource deleted from dist disappears from the branch, so Argo CD prunes it', () => {
    writeRendered(f.dist, 'prod', { 'titanium-prod/deployment-api.yaml': 'kind: Deployment\nimage: v2\n' });
    publish(options(f));
    expect(filesOnDeploy(f)).toEqual(['README.md', 'prod/titanium-prod/deployment-api.yaml']);
  });

  test('publishing another environment leaves this one as it is', () => {
    const prodTree = onRemote(f, ['rev-parse', 'deploy:prod']);
    writeRendered(f.dist, 'local', { 'titanium-local/deployment-api.yaml': 'kind: Deployment\n' });
    publish(options(f, 'local'));
    expect(onRemote(f, ['rev-parse', 'deploy:prod'])).toBe(prodTree);
    expect(filesOnDeploy(f)).toContain('local/titanium-local/deployment-api.yaml');
  });

  test('an older source commit never overwrites a newer render', () => {
    const newest = onRemote(f, ['rev-parse', 'deploy']);
    git(['checkout', '--quiet', 'HEAD~1'], { cwd: f.source });
    writeRendered(f.dist, 'prod', { 'titanium-prod/deployment-api.yaml': 'kind: Deployment\n' });
    const result = publish(options(f));
    git(['checkout', '--quiet', 'main'], { cwd: f.source });
    expect(result.status).toBe('superseded');
    expect(onRemote(f, ['rev-parse', 'deploy'])).toBe(newest);
  });

  test('refuses to write a source branch, with nothing pushed', () => {
    const before = onRemote(f, ['for-each-ref']);
    for (const branch of ['main', 'master']) {
      expect(() => publish({ ...options(f), branch })).toThrow(/is a source branch/);
    }
    git(['checkout', '--quiet', '-b', 'feature'], { cwd: f.source });
    expect(() => publish({ ...options(f), branch: 'feature' })).toThrow(/is a source branch/);
    git(['checkout', '--quiet', 'main'], { cwd: f.source });
    expect(onRemote(f, ['for-each-ref'])).toBe(before);
  });

  test('reports every bad option at once', () => {
    let error: unknown;
    try {
      publish({ ...options(f), branch: 'bad..name', environment: 'staging', remote: 'upstream' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PublishError);
    const message = (error as Error).message;
    expect(message).toContain('"bad..name" is not a valid branch name');
    expect(message).toContain('staging is missing or empty: run `npm run synth -- --env staging` first');
    expect(message).toContain('remote "upstream" is not configured');
  });
});

describe('publishing from a checkout that is behind', () => {
  test('a render of a newer commit it has not fetched yet is still recognised as newer', () => {
    const f = fixture();
    // An older clone, made before main moved on.
    const stale = cloneOf(f.remote, join(f.source, '..'), 'stale');
    writeFileSync(join(f.source, 'main.ts'), 'console.log("v2");\n');
    git(['commit', '--quiet', '-am', 'Newer'], { cwd: f.source, env: IDENTITY });
    git(['push', '--quiet', 'origin', 'main'], { cwd: f.source });
    expect(publish(options(f)).status).toBe('published');
    const newest = onRemote(f, ['rev-parse', 'deploy']);

    writeRendered(f.dist, 'prod', { 'titanium-prod/deployment-api.yaml': 'kind: Deployment\nold: true\n' });
    const result = publish({ ...options(f), repository: stale });
    expect(result.status).toBe('superseded');
    expect(onRemote(f, ['rev-parse', 'deploy'])).toBe(newest);
  });
});

describe('npm run publish:deploy', () => {
  test('requires --branch', () => {
    const run = runBuilt('scripts/publish-deploy.js', []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--branch is required');
  });

  test('--env all publishes every environment, one commit each', () => {
    const f = fixture();
    synthAt(f, 'prod');
    synthAt(f, 'local');
    const run = runBuilt('scripts/publish-deploy.js', ['--branch', 'deploy', '--env', 'all', '--dist', f.dist], {
      cwd: f.source,
      env: IDENTITY,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(onRemote(f, ['rev-list', '--count', 'deploy'])).toBe('2');
    expect(filesOnDeploy(f)).toEqual(['README.md', ...renderedFiles(f, 'local'), ...renderedFiles(f, 'prod')]);
  });

  test('fails with a clear message outside a usable checkout', async () => {
    const f = fixture();
    // An environment config/index.ts does not know is a usage error, as in synth and diff.
    const unknown = await publishInProcess(['--branch', 'deploy', '--env', 'qa', '--dist', f.dist], f.source);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown environment "qa" (config/index.ts knows: prod, local; or all)');
    // A known one that was not rendered.
    const run = await publishInProcess(['--branch', 'deploy', '--env', 'local', '--dist', f.dist], f.source);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('run `npm run synth -- --env local` first');
  });
});

describe('npm run publish:deploy publishes only the render of HEAD', () => {
  // The command's code in-process (test/support/commands-in-process.ts); the built command runs above.
  const publishCommand = (f: Fixture, env = 'prod') => publishInProcess(['--branch', 'deploy', '--env', env, '--dist', f.dist], f.source);
  const short = (commit: string) => commit.slice(0, 12);
  const head = (f: Fixture) => git(['rev-parse', 'HEAD'], { cwd: f.source });
  const hasDeploy = (f: Fixture) => onRemote(f, ['for-each-ref', 'refs/heads/deploy']) !== '';

  /** The fixture checkout with the image pins committed, as in this repository. */
  function platformFixture(): Fixture {
    const f = fixture();
    mkdirSync(join(f.source, 'config'));
    copyFileSync(join(ROOT, 'config', 'images.ts'), join(f.source, 'config', 'images.ts'));
    git(['add', 'config'], { cwd: f.source });
    git(['commit', '--quiet', '-m', 'Pin the images'], { cwd: f.source, env: IDENTITY });
    synthAt(f, 'prod');
    return f;
  }

  test('a set-image without a synth is refused, dirty and then stale, with what to do; after the synth it publishes', async () => {
    const f = platformFixture();
    const rendered = head(f);
    const setImage = runBuilt('scripts/set-image.js', ['api-gateway=main-abc1234'], { cwd: f.source });
    expect(setImage.status).toBe(0);
    expect(git(['status', '--porcelain'], { cwd: f.source })).toBe('M config/images.ts');

    // Uncommitted: what would be published is not any commit's render.
    const dirty = await publishCommand(f);
    expect(dirty.status).toBe(1);
    expect(dirty.stdout).toBe('');
    expect(dirty.stderr).toBe(
      "error   dirty: uncommitted changes to what the render reads (config/images.ts); publishing publishes only HEAD's render. " +
        'Commit them and run `npm run synth -- --env prod`, or set them aside with `git stash`\n' +
        'publish refused; nothing was pushed\n',
    );
    expect(hasDeploy(f)).toBe(false);

    // Committed, not rendered: dist/ is the previous commit's render.
    git(['commit', '--quiet', '-am', 'set-image: api-gateway main-abc1234'], { cwd: f.source, env: IDENTITY });
    const stale = await publishCommand(f);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(
      `error   stale: ${join(f.dist, 'prod')}/ was rendered from ${short(rendered)}, HEAD is ${short(head(f))}: run \`npm run synth -- --env prod\`\n` +
        'publish refused; nothing was pushed\n',
    );
    expect(hasDeploy(f)).toBe(false);

    // The fix. (synth here renders this repository's config, which the fixture's images.ts does
    // not feed: the fixture checks provenance and bytes, not the tag itself.)
    synthAt(f, 'prod');
    const fixed = await publishCommand(f);
    expect(fixed.stderr).toBe('');
    expect(fixed.status).toBe(0);
    expect(onRemote(f, ['log', '-1', '--format=%s', 'deploy'])).toBe(`render ${head(f)}: set-image: api-gateway main-abc1234`);
    expect(readFileSync(join(f.dist, 'prod', 'README.md'), 'utf8')).toContain(`source commit \`${head(f)}\``);
  });

  test('a render made with uncommitted changes is refused until rendered again from the clean tree', async () => {
    const f = platformFixture();
    synthAt(f, 'prod', true);
    const run = await publishCommand(f);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error   dirty: ${join(f.dist, 'prod')}/ was rendered with uncommitted changes (on top of ${short(head(f))}): run \`npm run synth -- --env prod\` now that the tree is clean\n` +
        'publish refused; nothing was pushed\n',
    );
    expect(hasDeploy(f)).toBe(false);
    synthAt(f, 'prod');
    expect((await publishCommand(f)).status).toBe(0);
  });

  test('a folder naming HEAD but holding something else than its render is refused, file by file', async () => {
    const f = platformFixture();
    const deployment = join(f.dist, 'prod', 'titanium-prod', 'deployment-api-gateway.yaml');
    writeFileSync(deployment, readFileSync(deployment, 'utf8').replace(/main-[0-9a-f]{7}/, 'main-abc1234'));
    writeFileSync(join(f.dist, 'prod', 'titanium-prod', 'configmap-extra.yaml'), 'kind: ConfigMap\n');
    const run = await publishCommand(f);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error   stale: ${join(f.dist, 'prod')}/ names HEAD (${short(head(f))}) but is not what HEAD's config renders ` +
        '(2 file(s): titanium-prod/configmap-extra.yaml not rendered, titanium-prod/deployment-api-gateway.yaml differs): run `npm run synth -- --env prod`\n' +
        'publish refused; nothing was pushed\n',
    );
    expect(hasDeploy(f)).toBe(false);
  });

  test('one refused environment means none is published', async () => {
    const f = platformFixture();
    synthAt(f, 'local', true);
    const run = await publishCommand(f, 'all');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error   dirty: ${join(f.dist, 'local')}/ was rendered with uncommitted changes`);
    expect(hasDeploy(f)).toBe(false);
  });

  test('changes outside what the render reads do not stop it', async () => {
    const f = platformFixture();
    writeFileSync(join(f.source, 'NOTES.md'), 'scratch\n');
    writeFileSync(join(f.source, 'main.ts'), 'console.log("edited");\n');
    expect((await publishCommand(f)).stderr).toContain('uncommitted changes to what the render reads (main.ts)');
    git(['checkout', '--quiet', 'main.ts'], { cwd: f.source });
    const run = await publishCommand(f);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('an update the cluster would refuse is not published', () => {
  const deployment = (app: string) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  namespace: titanium-prod',
      'spec:',
      '  selector:',
      '    matchLabels:',
      `      app: ${app}`,
      '  template:',
      '    metadata:',
      '      labels:',
      `        app: ${app}`,
      '',
    ].join('\n');

  test('a changed Deployment selector is refused, naming the file, the field and the branch; nothing is pushed', () => {
    const f = fixture();
    writeRendered(f.dist, 'prod', { 'titanium-prod/deployment-api.yaml': deployment('api') });
    expect(publish(options(f)).status).toBe('published');
    const published = onRemote(f, ['rev-parse', 'deploy']);
    writeRendered(f.dist, 'prod', { 'titanium-prod/deployment-api.yaml': deployment('api-v2') });
    let error: unknown;
    try {
      publish(options(f));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PublishError);
    const message = (error as Error).message;
    expect(message).toContain('prod: not published; the cluster would refuse these updates');
    expect(message).toContain(
      `${join(f.dist, 'prod', 'titanium-prod', 'deployment-api.yaml')} Deployment/titanium-prod/api spec.selector:`,
    );
    expect(message).toContain('compared with deploy:prod/');
    expect(onRemote(f, ['rev-parse', 'deploy'])).toBe(published);
  });
});

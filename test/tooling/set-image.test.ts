// set-image pins tags in config/images.ts: valid requests change exactly those lines; any invalid
// request (unknown workload, malformed or floating tag) fails the whole command with nothing written.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { images } from '../../config/images';
import { git } from '../../tooling/git';
import { readImageTags, updateImageTags } from '../../tooling/image-tags';
import { ROOT, runBuilt } from '../support/cli';

const source = join(ROOT, 'config', 'images.ts');

function copyOfImages(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'titanium-set-image-')), 'images.ts');
  copyFileSync(source, file);
  return file;
}

test('reads every entry of config/images.ts (the file keeps the shape set-image rewrites)', () => {
  const tags = readImageTags(readFileSync(source, 'utf8'));
  expect(Object.fromEntries(tags)).toEqual(Object.fromEntries(Object.entries(images).map(([name, image]) => [name, image.tag])));
});

test('changes exactly the named tags', () => {
  const file = copyOfImages();
  const run = runBuilt('scripts/set-image.js', ['api-gateway=main-abc1234', 'redis=7.4.3-alpine', '--file', file]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('api-gateway: main-d631646 → main-abc1234');
  const before = readFileSync(source, 'utf8').split('\n');
  const after = readFileSync(file, 'utf8').split('\n');
  const changed = after.filter((line, i) => line !== before[i]);
  expect(changed).toEqual([
    "  'api-gateway': { repository: 'dongju101/api-gateway', tag: 'main-abc1234' },",
    "  redis: { repository: 'redis', tag: '7.4.3-alpine' },",
  ]);
});

test('an unknown workload and a malformed tag are both reported, and nothing is written', () => {
  const file = copyOfImages();
  const run = runBuilt('scripts/set-image.js', [
    'api-gateway=main-abc1234',
    'payment-service=main-1',
    'user-service=bad tag',
    'blog-service=latest',
    '--file',
    file,
  ]);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('unknown workload "payment-service"');
  expect(run.stderr).toContain('"bad tag" is not a valid image tag');
  expect(run.stderr).toContain('"latest" is not a pinned tag');
  expect(run.stderr).toContain('left unchanged');
  expect(readFileSync(file, 'utf8')).toBe(readFileSync(source, 'utf8'));
});

test('other malformed requests', () => {
  const text = readFileSync(source, 'utf8');
  expect(updateImageTags(text, [], 'f').problems).toEqual(['nothing to do: give one or more <workload>=<tag>']);
  expect(updateImageTags(text, ['api-gateway'], 'f').problems[0]).toContain('expected <workload>=<tag>');
  expect(updateImageTags(text, ['api-gateway=-x'], 'f').problems[0]).toContain('is not a valid image tag');
  expect(updateImageTags(text, ['api-gateway=a', 'api-gateway=b'], 'f').problems[0]).toContain('given two tags');
});

test('setting the current tag is a no-op', () => {
  const file = copyOfImages();
  const run = runBuilt('scripts/set-image.js', [`api-gateway=${images['api-gateway'].tag}`, '--file', file]);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('already at the requested tags');
});

const IDENTITY = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };

/** A bare remote and a clone of it whose main holds config/images.ts. */
function repositories(): { remote: string; clone: string } {
  const root = mkdtempSync(join(tmpdir(), 'titanium-set-image-repo-'));
  const remote = join(root, 'remote.git');
  git(['init', '--quiet', '--bare', '--initial-branch=main', remote], { cwd: root });
  const seed = join(root, 'seed');
  git(['clone', '--quiet', remote, seed], { cwd: root });
  git(['checkout', '--quiet', '-B', 'main'], { cwd: seed });
  mkdirSync(join(seed, 'config'));
  copyFileSync(source, join(seed, 'config', 'images.ts'));
  git(['add', 'config'], { cwd: seed });
  git(['commit', '--quiet', '-m', 'init'], { cwd: seed, env: IDENTITY });
  git(['push', '--quiet', 'origin', 'main'], { cwd: seed });
  const clone = join(root, 'clone');
  git(['clone', '--quiet', remote, clone], { cwd: root });
  return { remote, clone };
}

test('--commit commits the images file alone', () => {
  const { clone } = repositories();
  copyFileSync(join(ROOT, 'package.json'), join(clone, 'unrelated.json'));
  git(['add', 'unrelated.json'], { cwd: clone }); // staged, and must stay out of the commit
  const run = runBuilt('scripts/set-image.js', ['--commit', 'user-service=main-1234567'], { cwd: clone, env: IDENTITY });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(git(['log', '-1', '--format=%s'], { cwd: clone })).toBe('set-image: user-service main-d631646 → main-1234567');
  expect(git(['show', '--name-only', '--format=', 'HEAD'], { cwd: clone })).toBe('config/images.ts');
});

test('--push lands the tag even when main moved on meanwhile, keeping the other change', () => {
  const { remote, clone } = repositories();
  // Someone else pins another service first; this clone does not know yet.
  const other = join(clone, '..', 'other');
  git(['clone', '--quiet', remote, other], { cwd: join(clone, '..') });
  expect(runBuilt('scripts/set-image.js', ['--commit', '--push', 'blog-service=main-bbbbbbb'], { cwd: other, env: IDENTITY }).status).toBe(
    0,
  );

  const run = runBuilt('scripts/set-image.js', ['--commit', '--push', 'api-gateway=main-aaaaaaa'], { cwd: clone, env: IDENTITY });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('push rejected: main moved on; applying the tags again on top');
  const onMain = git(['show', 'main:config/images.ts'], { cwd: remote });
  expect(onMain).toContain("tag: 'main-aaaaaaa'");
  expect(onMain).toContain("tag: 'main-bbbbbbb'");
  expect(git(['rev-list', '--count', 'main'], { cwd: remote })).toBe('3');
});

test('--push refuses a checkout with other changes', () => {
  const { clone } = repositories();
  copyFileSync(join(ROOT, 'package.json'), join(clone, 'unrelated.json'));
  const run = runBuilt('scripts/set-image.js', ['--commit', '--push', 'api-gateway=main-aaaaaaa'], { cwd: clone, env: IDENTITY });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--push needs a clean checkout');
});

// set-image pins tags in config/images.ts: valid requests change exactly those lines; any invalid
// request (unknown workload, malformed or floating tag) fails the whole command with nothing written.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { images } from '../config/images';
import { git } from '../lib/git';
import { readImageTags, updateImageTags } from '../lib/image-tags';
import { ROOT, runBuilt } from './cli';

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
  const run = runBuilt('scripts/set-image.js', ['api-gateway=main-abc1234', 'payment-service=main-1', 'user-service=bad tag', 'blog-service=latest', '--file', file]);
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

test('--commit commits the images file alone and hands the commit to the workflow', () => {
  const repo = mkdtempSync(join(tmpdir(), 'titanium-set-image-repo-'));
  const env = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
  git(['init', '--quiet', repo], { cwd: repo });
  mkdirSync(join(repo, 'config'));
  copyFileSync(source, join(repo, 'config', 'images.ts'));
  copyFileSync(join(ROOT, 'package.json'), join(repo, 'unrelated.json'));
  git(['add', 'config'], { cwd: repo });
  git(['commit', '--quiet', '-m', 'init'], { cwd: repo, env });
  git(['add', 'unrelated.json'], { cwd: repo }); // staged, and must stay out of the commit
  const output = join(repo, 'github-output');
  const run = runBuilt('scripts/set-image.js', ['--commit', 'user-service=main-1234567'], { cwd: repo, env: { ...env, GITHUB_OUTPUT: output } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(git(['log', '-1', '--format=%s'], { cwd: repo })).toBe('set-image: user-service main-d631646 → main-1234567');
  expect(git(['show', '--name-only', '--format=', 'HEAD'], { cwd: repo })).toBe('config/images.ts');
  expect(readFileSync(output, 'utf8')).toBe(`ref=${git(['rev-parse', 'HEAD'], { cwd: repo })}\n`);
});

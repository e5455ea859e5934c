// Replacing an environment folder: whole or not at all, and not at all when it already holds exactly
// the render (no rewrite, no mtime churn). Anything else in the folder makes it a replacement.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdsExactly, replaceFolder, type OutputFile } from '../../synth/write-dist';

const files: OutputFile[] = [
  { path: 'README.md', content: '# prod\n' },
  { path: 'app/deployment-api.yaml', content: 'kind: Deployment\n' },
  { path: 'app/nested/service-api.yaml', content: 'kind: Service\n' },
];

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A folder written by replaceFolder, ready to be tampered with. */
function written(): string {
  const root = mkdtempSync(join(tmpdir(), 'titanium-write-'));
  roots.push(root);
  const target = join(root, 'prod');
  expect(replaceFolder(target, files)).toBe(true);
  expect(holdsExactly(target, files)).toBe(true);
  return target;
}

test('a folder that holds exactly the files is left alone: same inode, same mtime', () => {
  const target = written();
  const file = join(target, 'app', 'deployment-api.yaml');
  const before = statSync(file);
  expect(replaceFolder(target, files)).toBe(false);
  expect(statSync(file).ino).toBe(before.ino);
  expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
});

test.each([
  ['a changed file', (t: string) => writeFileSync(join(t, 'README.md'), '# edited\n')],
  ['a stale extra file', (t: string) => writeFileSync(join(t, 'app', 'old.yaml'), 'kind: Job\n')],
  ['an extra empty folder', (t: string) => mkdirSync(join(t, 'app', 'empty'))],
  ['a symbolic link to an identical file', (t: string) => symlinkSync(join(t, 'README.md'), join(t, 'app', 'link.yaml'))],
])('%s makes it a replacement that restores exactly the files', (_, tamper) => {
  const target = written();
  tamper(target);
  expect(holdsExactly(target, files)).toBe(false);
  expect(replaceFolder(target, files)).toBe(true);
  expect(readdirSync(join(target, 'app')).sort()).toEqual(['deployment-api.yaml', 'nested']);
  expect(readFileSync(join(target, 'README.md'), 'utf8')).toBe('# prod\n');
});

test('a file replaced by a symbolic link with the same content, or a linked target, is not "exactly"', () => {
  const target = written();
  const copy = join(target, '..', 'copy.yaml');
  writeFileSync(copy, 'kind: Deployment\n');
  const file = join(target, 'app', 'deployment-api.yaml');
  rmSync(file);
  symlinkSync(copy, file);
  expect(holdsExactly(target, files)).toBe(false);

  const real = written();
  const linked = join(real, '..', 'linked');
  symlinkSync(real, linked);
  expect(holdsExactly(linked, files)).toBe(false);
});

test('a missing file, a folder where a file belongs, or no folder at all is not "exactly"', () => {
  const missing = written();
  rmSync(join(missing, 'app', 'nested', 'service-api.yaml'));
  expect(holdsExactly(missing, files)).toBe(false);

  const folderForFile = written();
  rmSync(join(folderForFile, 'README.md'));
  mkdirSync(join(folderForFile, 'README.md'));
  expect(holdsExactly(folderForFile, files)).toBe(false);

  expect(holdsExactly(join(tmpdir(), 'titanium-no-such-folder'), files)).toBe(false);
});

// `npm run test:e2e`: synth on a copy of the whole project with a misspelled config field
// (`helthPath`): the compiler's message and hint at the field's place, exit 1, no stack trace, and
// dist/, argocd/ and the bundle exactly as they were; `npm run typecheck` finds the same error. A
// full first synth with its type check, so it runs beside the adding-a-service recipe rather than in
// `npm test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectCopy } from '../support/project-copy';

/** Every file under `root` with its bytes. */
function tree(root: string): Record<string, string> {
  return Object.fromEntries(
    (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
      .map((path) => [path.slice(root.length + 1), readFileSync(path, 'base64')]),
  );
}

describe('npm run synth on a config with a misspelled field', () => {
  const dir = projectCopy('typecheck');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const synth = () => spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'main'], { cwd: dir, encoding: 'utf8' });

  test("exits 1 with the compiler's message, its place in config/services.ts, and leaves dist/ and argocd/ as they were", () => {
    const first = synth();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const before = { dist: tree(join(dir, 'dist')), argocd: tree(join(dir, 'argocd')), build: tree(join(dir, 'build')) };
    expect(Object.keys(before.dist).length).toBeGreaterThan(10);

    const services = join(dir, 'config', 'services.ts');
    const source = readFileSync(services, 'utf8');
    const at = source.indexOf("healthPath: '/health'");
    const line = source.slice(0, at).split('\n').length;
    const column = at - source.lastIndexOf('\n', at - 1);
    writeFileSync(services, source.slice(0, at) + 'helthPath' + source.slice(at + 'healthPath'.length));

    const run = synth();
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `config/services.ts:${line}:${column} - error TS2561: Object literal may only specify known properties, but 'helthPath' does not exist in type 'ServiceDefinition'. Did you mean to write 'healthPath'?`,
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('TypeError');
    expect(tree(join(dir, 'dist'))).toEqual(before.dist);
    expect(tree(join(dir, 'argocd'))).toEqual(before.argocd);
    // Nothing rebuilt: only the compiler's own record of what it checked may change.
    const { 'main.tsbuildinfo': _checked, ...built } = tree(join(dir, 'build'));
    const { 'main.tsbuildinfo': _before, ...builtBefore } = before.build;
    expect(built).toEqual(builtBefore);

    // npm test's type check (TypeScript 7's compiler; the launcher's is the 5.9 API) finds the same error at the same place.
    const typecheck = spawnSync('npm', ['run', '--silent', 'typecheck'], { cwd: dir, encoding: 'utf8' });
    expect(typecheck.status).not.toBe(0);
    expect(typecheck.stdout).toContain(
      `config/services.ts(${line},${column}): error TS2561: Object literal may only specify known properties, but 'helthPath' does not exist in type 'ServiceDefinition'. Did you mean to write 'healthPath'?`,
    );
  }, 180_000);
});

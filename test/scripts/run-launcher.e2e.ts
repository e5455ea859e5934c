// scripts/run.cjs and scripts/build.cjs, on a small project of their own: a command runs the code as
// it is now (rebuilt after an edit, never a stale code cache, even for an edit that keeps the bundle's
// length or a cache written late by a run that overlapped the rebuild), gets its arguments, runs as
// the main module, and succeeds when the cache cannot be written. Type errors stop a rebuild with the
// compiler's message and run nothing (on the real project's config: synth-typecheck.e2e.ts).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'titanium-launcher-'));
  mkdirSync(join(dir, 'scripts'));
  for (const file of ['build.cjs', 'run.cjs', 'type-check.cjs']) copyFileSync(join(ROOT, 'scripts', file), join(dir, 'scripts', file));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  // The project's compiler options, without the jest types its tests need: each check here reads
  // less, and the options that decide what is an error are the same.
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] } }),
  );
  writeFileSync(join(dir, 'lib.ts'), "export const version = 'v1';\n");
  writeFileSync(
    join(dir, 'main.ts'),
    "import { version } from './lib';\nconsole.log(`${version} ${process.argv.slice(2).join(',')} main=${require.main === module}`);\n",
  );
  return dir;
}

const launch = (dir: string, args: string[] = []) => {
  const run = spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'main', ...args], { cwd: tmpdir(), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
};

describe('node scripts/run.cjs <entry>', () => {
  const dir = project();
  const bundle = join(dir, 'build', 'main.js');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('builds on first use and runs the bundle as the main module, with its arguments', () => {
    expect(launch(dir, ['--env', 'prod'])).toBe('v1 --env,prod main=true');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.cache`)).toBe(true);
  });

  test('does not rebuild when nothing changed', () => {
    const before = readFileSync(join(dir, 'build', 'inputs.json'), 'utf8');
    const old = new Date(Date.now() - 60_000);
    utimesSync(bundle, old, old); // a rebuild would give it a new mtime
    expect(launch(dir)).toBe('v1  main=true');
    expect(readFileSync(join(dir, 'build', 'inputs.json'), 'utf8')).toBe(before);
  });

  test('an edit to an imported file is picked up, even one that keeps the bundle the same length', () => {
    writeFileSync(join(dir, 'lib.ts'), "export const version = 'v2';\n");
    const length = readFileSync(bundle).length;
    expect(launch(dir)).toBe('v2  main=true');
    expect(readFileSync(bundle).length).toBe(length); // V8 alone would have taken the old cache
    expect(launch(dir)).toBe('v2  main=true');
  });

  test('a cache written late by a run of the old bundle (runs overlapping a rebuild) is not used', () => {
    const v2Cache = readFileSync(`${bundle}.cache`);
    writeFileSync(join(dir, 'lib.ts'), "export const version = 'v3';\n");
    expect(launch(dir)).toBe('v3  main=true');
    // The slow v2 run exits only now and writes its cache, newer than the v3 bundle.
    writeFileSync(`${bundle}.cache`, v2Cache);
    expect(launch(dir)).toBe('v3  main=true');
    expect(launch(dir)).toBe('v3  main=true');
  });

  test('a cache that cannot be written costs nothing but time, and leaves no temporary file', () => {
    rmSync(`${bundle}.cache`);
    mkdirSync(`${bundle}.cache`); // a file cannot be renamed over it
    expect(launch(dir, ['x'])).toBe('v3 x main=true');
    expect(readdirSync(join(dir, 'build')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(`${bundle}.cache`, { recursive: true });
  });

  test('a dynamic import(), which vm.Script cannot run on Node 20, is refused at build time with its place', () => {
    writeFileSync(join(dir, 'main.ts'), "import('node:path').then((path) => console.log(path.basename('/a/b.txt')));\n");
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'main'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("main.ts: import('node:path')");
    expect(run.stdout).toBe('');
  });

  test("a type error stops the command before anything is rebuilt or run: the compiler's message with its hint, no stack", () => {
    writeFileSync(join(dir, 'main.ts'), "import { version } from './lib';\nconsole.log(version);\n");
    expect(launch(dir)).toBe('v3');
    const built = readFileSync(bundle);
    const inputs = readFileSync(join(dir, 'build', 'inputs.json'), 'utf8');
    writeFileSync(
      join(dir, 'lib.ts'),
      "interface Info { readonly version: string }\nconst info: Info = { version: 'v4' };\nexport const version = info.verson;\n",
    );
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'main'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        "lib.ts:3:29 - error TS2551: Property 'verson' does not exist on type 'Info'. Did you mean 'version'?",
        "    lib.ts:1:27 - 'version' is declared here.",
        '',
        '1 type error(s) in main.ts and what it imports; build/main.js not rebuilt, nothing run',
        '',
      ].join('\n'),
    );
    expect(readFileSync(bundle).equals(built)).toBe(true);
    expect(readFileSync(join(dir, 'build', 'inputs.json'), 'utf8')).toBe(inputs);
  });

  test('a file only imported for its types is an input: an edit to it is checked', () => {
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly version: string }\n');
    writeFileSync(
      join(dir, 'lib.ts'),
      "import type { Info } from './types';\nconst info: Info = { version: 'v5' };\nexport const version = info.version;\n",
    );
    expect(launch(dir)).toBe('v5');
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly release: string }\n');
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'main'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('lib.ts:2:22 - error TS2353:');
  });

  test('a bundle built unchecked (`node scripts/build.cjs`, as `npm test` builds before marking) is checked on its first run, and only then', () => {
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly version: string }\n');
    const build = spawnSync(process.execPath, [join(dir, 'scripts', 'build.cjs')], { cwd: tmpdir(), encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'build', 'inputs.json'), 'utf8')).main.typeChecked).toBe(false);
    expect(launch(dir)).toBe('v5');
    const record = JSON.parse(readFileSync(join(dir, 'build', 'inputs.json'), 'utf8')).main;
    expect(record.typeChecked).toBe(true);
    expect(Object.keys(record.files)).toContain('types.ts');
  });

  test('a bundle the type check has just passed (`build.cjs --checked-by-tsc`, as npm test does) runs without a second check', () => {
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly version: string }\n');
    const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: tmpdir(), encoding: 'utf8' });
    expect(node([join(dir, 'scripts', 'build.cjs')]).stderr).toBe('');
    expect(node([join(dir, 'scripts', 'build.cjs'), '--checked-by-tsc']).stderr).toBe('');
    const record = JSON.parse(readFileSync(join(dir, 'build', 'inputs.json'), 'utf8')).main;
    expect(record.typeChecked).toBe(true);
    // The file main.ts reaches only for its types is an input: editing it checks again.
    expect(Object.keys(record.files)).toContain('types.ts');
  });

  test('a file saved after the type check began (`--since`) is not marked checked: the next run checks it', async () => {
    const checkStarted = Date.now();
    // File times come from a coarser clock that may lag Date.now() by a few milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly release: string }\n');
    const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: tmpdir(), encoding: 'utf8' });
    expect(node([join(dir, 'scripts', 'build.cjs')]).stderr).toBe('');
    expect(node([join(dir, 'scripts', 'build.cjs'), '--checked-by-tsc', '--since', String(checkStarted)]).stderr).toBe('');
    const run = node([join(dir, 'scripts', 'run.cjs'), 'main']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('lib.ts:2:22 - error TS2353:');
    writeFileSync(join(dir, 'types.ts'), 'export interface Info { readonly version: string }\n');
    expect(launch(dir)).toBe('v5'); // checked again, as the next test expects
  });

  test('a run of an unchanged tree loads neither the compiler nor esbuild', () => {
    const spy = join(dir, 'spy.cjs');
    writeFileSync(
      spy,
      "const M = require('node:module'); const load = M._load;\n" +
        'M._load = function (request, ...rest) { if (/typescript|esbuild|worker_threads/.test(request)) process.stderr.write(`loaded ${request}\\n`); return load.call(this, request, ...rest); };\n',
    );
    const run = spawnSync(process.execPath, ['--require', spy, join(dir, 'scripts', 'run.cjs'), 'main'], {
      cwd: tmpdir(),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('v5\n');
    // Nor after `node scripts/build.cjs` (what `npm test` runs first) rebundled the unchanged, checked tree.
    const build = spawnSync(process.execPath, [join(dir, 'scripts', 'build.cjs')], { cwd: tmpdir(), encoding: 'utf8' });
    expect(build.stderr).toBe('');
    const again = spawnSync(process.execPath, ['--require', spy, join(dir, 'scripts', 'run.cjs'), 'main'], {
      cwd: tmpdir(),
      encoding: 'utf8',
    });
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe('v5\n');
  });
});

// scripts/run.mjs and scripts/build.mjs, on a small project of their own: a command runs the code as
// it is now (rebuilt after an edit, never a stale code cache, even for an edit that keeps the bundle's
// length), gets its arguments, and runs as the main module.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'titanium-launcher-'));
  mkdirSync(join(dir, 'scripts'));
  for (const file of ['build.mjs', 'run.mjs']) copyFileSync(join(ROOT, 'scripts', file), join(dir, 'scripts', file));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{}\n');
  writeFileSync(join(dir, 'lib.ts'), "export const version = 'v1';\n");
  writeFileSync(
    join(dir, 'main.ts'),
    "import { version } from './lib';\nconsole.log(`${version} ${process.argv.slice(2).join(',')} main=${require.main === module}`);\n",
  );
  return dir;
}

const launch = (dir: string, args: string[] = []) => {
  const run = spawnSync(process.execPath, [join(dir, 'scripts', 'run.mjs'), 'main', ...args], { cwd: tmpdir(), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
};

describe('node scripts/run.mjs <entry>', () => {
  const dir = project();
  const bundle = join(dir, 'build', 'main.js');

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
});

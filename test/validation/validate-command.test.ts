// `npm run validate` when it cannot judge: a bad command line is the usage and exit 2; an exception
// nothing expects (a bug, a broken stdout) is one line naming it and exit 2, never a stack trace
// (exit 1 would say the YAML has errors), unless TITANIUM_DEBUG=1 asks for one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt } from '../support/cli';

const FIXTURE = join(__dirname, '..', 'support', 'fixtures', 'validate', 'image-tags.yaml');
const USAGE = 'usage: npm run validate -- <file-or-folder>...';
const STACK = /^\s+at /m;

describe('a bad command line is the usage, exit 2', () => {
  test.each([
    ['an unknown flag', ['--formt', 'json', FIXTURE], "Unknown option '--formt'"],
    ['a flag without its value', ['--mode'], "Option '--mode <value>' argument missing"],
    ['an unknown format', ['--format', 'xml', FIXTURE], undefined],
    ['no path', [], undefined],
    ['--context without --server', ['--context', 'kind-demo', FIXTURE], '--kubeconfig and --context go with --server'],
  ])('%s', (_, args, message) => {
    const run = runBuilt('scripts/validate.js', args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    if (message) expect(run.stderr.split('\n')[0]).toContain(message);
    expect(run.stderr).toContain(USAGE);
    expect(run.stderr).not.toMatch(STACK);
  });

  test('--help is the usage on stdout, exit 0', () => {
    const run = runBuilt('scripts/validate.js', ['--help']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(new RegExp(`^${USAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

describe('an unexpected exception', () => {
  // Stands in for any bug: output itself fails (console.log throws, as a closed pipe would make it).
  const preload = join(mkdtempSync(join(tmpdir(), 'titanium-validate-')), 'fail-output.cjs');
  writeFileSync(preload, 'console.log = () => { throw new TypeError("stdout is gone"); };\n');
  const failing = (env: NodeJS.ProcessEnv = {}) =>
    runBuilt('scripts/validate.js', [FIXTURE], { env: { NODE_OPTIONS: `--require ${preload}`, TITANIUM_DEBUG: '', ...env } });

  test('is one line naming it, exit 2, no stack trace', () => {
    const run = failing();
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error   validate stopped unexpectedly (TypeError: stdout is gone); TITANIUM_DEBUG=1 shows where\n');
  });

  test('with TITANIUM_DEBUG=1, the line and the stack', () => {
    const run = failing({ TITANIUM_DEBUG: '1' });
    expect(run.status).toBe(2);
    const [first, ...rest] = run.stderr.trim().split('\n');
    expect(first).toBe('error   validate stopped unexpectedly (TypeError: stdout is gone)');
    expect(rest[0]).toBe('TypeError: stdout is gone');
    expect(rest.join('\n')).toMatch(STACK);
  });
});

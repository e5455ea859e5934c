// `npm run test:e2e`: the "Adding a service" recipe (docs/how-to/adding-a-service.md) followed
// literally on a copy of the project (its files as they are now, no ../shared beside it), then the
// page's commands run there: synth renders the new service and the whole test suite passes without
// a test being edited. Once with the page's own name, once with another. Slow (a full `npm test` in the copy each time), so
// not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitIdentity } from '../../tooling/git';
import { ROOT } from '../support/cli';
import { applyEdit, parseRecipe, readRecipePage, renamed } from '../support/recipe';

const PAGE_RECIPE = parseRecipe(readRecipePage());
// The name the page uses, as a newcomer types it, and one of the test's own.
const NAMES = [PAGE_RECIPE.exampleName, 'recipe-check-service'];
/** The project's tracked and new files as they are in the working tree, with its installed packages. */
function copyOfProject(): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'titanium-recipe-')), 'project');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // A checkout, as a person following the recipe has: synth records the commit it renders.
  for (const args of [
    ['init', '--quiet'],
    ['add', '--all'],
    ['commit', '--quiet', '--message', 'the project as it is'],
  ]) {
    const run = spawnSync('git', args, { cwd: copy, encoding: 'utf8', env: { ...process.env, ...commitIdentity(copy) } });
    if (run.status !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr}`);
  }
  return copy;
}

test.each(NAMES)('the "Adding a service" recipe, followed with the name %s, is green', (NAME) => {
  const recipe = renamed(PAGE_RECIPE, NAME);
  const copy = copyOfProject();
  try {
    for (const edit of recipe.edits) {
      const file = join(copy, edit.file);
      writeFileSync(file, applyEdit(readFileSync(file, 'utf8'), edit));
    }
    // The copy is a stranger's checkout: strictness and the shared render of this run do not carry over.
    const env = { ...process.env, TITANIUM_STRICT: '', TITANIUM_RENDER_CACHE: '', CDK8S_CHECK_UPGRADE: 'false' };
    const results = recipe.commands.map((command) => {
      const run = spawnSync('sh', ['-c', command], { cwd: copy, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const output = `${run.stdout}\n${run.stderr}`;
      // jest's failing suites and tests first, then the end of the output.
      const failures = output.split('\n').filter((line) => /^(FAIL |\s+● )/.test(line));
      return { command, status: run.status, output: run.status === 0 ? '' : [...new Set(failures), '…', output.slice(-3000)].join('\n') };
    });
    expect(results).toEqual(recipe.commands.map((command) => ({ command, status: 0, output: '' })));
    const deployment = join(copy, 'dist', 'prod', 'titanium-prod', `deployment-${NAME}.yaml`);
    expect(readFileSync(deployment, 'utf8')).toContain(`name: ${NAME}`);
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
});

// `npm run test:e2e`: the "Adding a service" recipe (docs/how-to/adding-a-service.md) followed
// literally on a copy of the project (its files as they are now, no ../shared beside it), then the
// page's commands run there: synth renders the new service and the whole test suite passes without
// a test being edited. Once with the page's own name, once with another. Slow (a full `npm test` in the copy each time), so
// not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectCopy } from '../support/project-copy';
import { applyEdit, parseRecipe, readRecipePage, renamed } from '../support/recipe';

const PAGE_RECIPE = parseRecipe(readRecipePage());
// The name the page uses, as a newcomer types it, and one of the test's own.
const NAMES = [PAGE_RECIPE.exampleName, 'recipe-check-service'];
test.each(NAMES)('the "Adding a service" recipe, followed with the name %s, is green', (NAME) => {
  const recipe = renamed(PAGE_RECIPE, NAME);
  const copy = projectCopy('recipe');
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
    rmSync(copy, { recursive: true, force: true });
  }
});

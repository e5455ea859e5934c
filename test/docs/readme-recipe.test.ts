// The "Adding a service" recipe, read from docs/how-to/adding-a-service.md: its blocks say where
// they go and apply to the current config files. Fixtures that add a service pick a name the config does not use, so
// following the recipe, with its name or any other, never collides with them. readme-recipe.e2e.ts
// (`npm run test:e2e`) follows it on a copy of the project and runs the page's commands there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli';
import { codeBlocks } from '../support/docs';
import { applyEdit, closingBracketOf, parseRecipe, readRecipePage, renamed } from '../support/recipe';

const recipe = parseRecipe(readRecipePage());

test('the recipe edits config files that exist, and its commands are npm scripts', () => {
  expect(recipe.edits.map((e) => e.file)).toEqual(['config/images.ts', 'config/services.ts', 'config/call-graph.ts']);
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const command of recipe.commands) {
    const script = /^npm (?:run )?(\S+)/.exec(command)?.[1];
    expect({ command, known: script !== undefined && script in scripts }).toEqual({ command, known: true });
  }
});

test('each edit lands inside its container, once', () => {
  for (const edit of renamed(recipe, 'recipe-probe').edits) {
    const before = readFileSync(join(ROOT, edit.file), 'utf8');
    const after = applyEdit(before, edit);
    expect(after.length).toBe(before.length + edit.text.length + (edit.text.endsWith('\n') ? 0 : 1));
    expect(after.split('recipe-probe').length - 1).toBe(edit.text.split('recipe-probe').length - 1);
    // The container still closes, now after the new lines.
    expect(closingBracketOf(after, edit.container)).toBeGreaterThan(after.indexOf('recipe-probe'));
  }
});

describe('reading the recipe', () => {
  test('fenced blocks inside list items lose their indentation', () => {
    expect(codeBlocks('1. x\n\n   ```ts\n     a\n   b\n   ```\n')).toEqual([{ language: 'ts', text: '  a\nb\n' }]);
  });

  test('the closing bracket skips brackets in strings and comments', () => {
    const source = "export const edges = [\n  { to: ']' }, // ] here\n  /* ] */ `]`,\n];\nconst after = [];\n";
    expect(source[closingBracketOf(source, 'edges')]).toBe(']');
    expect(closingBracketOf(source, 'edges')).toBe(source.indexOf('];'));
    expect(() => closingBracketOf(source, 'missing')).toThrow('no `missing` declared');
  });

  test('a renamed recipe renames the service and its variable', () => {
    const other = renamed(recipe, 'recipe-probe');
    const services = other.edits.find((e) => e.file === 'config/services.ts')!.text;
    expect(services).toContain("name: 'recipe-probe'");
    expect(services).not.toContain(recipe.exampleName);
    if (services.includes('urlEnvVar')) expect(services).toContain("'RECIPE_PROBE_URL'");
  });
});

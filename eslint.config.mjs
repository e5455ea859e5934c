// ESLint flat config: the recommended JavaScript and typescript-eslint rules and
// the room rules (which folder may import which). Formatting is Prettier's (.prettierrc.json), not
// ESLint's. `npm run lint` runs both.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A room rule: files under `target` may not import anything under `from`. */
const room = (target, from, because) => ({ target: `./${target}`, from: from.map((f) => `./${f}`), message: because });

export default defineConfig(
  // Generated or build output; not ours to lint.
  { ignores: ['imports/**', 'build/**', 'dist/**', 'coverage/**', 'argocd/**', 'node_modules/**'] },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // The files import-x reads to resolve imports (for the room rules); the generated imports/ import only cdk8s.
      'import-x/extensions': ['.ts', '.js', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/ignore': ['/imports/'],
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      // Import cycles: test/layout.test.ts (one pass over the imports; import-x/no-cycle took about
      // 3 s of every lint).
      // The rooms: the flow runs config → charts → constructs, synth above the charts, tooling above
      // synth; a lower room never imports a higher one, and only tests import test/.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            room(
              'config',
              ['charts', 'constructs', 'synth', 'validation', 'tooling', 'scripts', 'imports', 'main.ts'],
              'config imports only config.',
            ),
            room(
              'constructs',
              ['charts', 'synth', 'validation', 'tooling', 'scripts', 'main.ts'],
              'constructs never import charts, synth, validation, tooling or the commands.',
            ),
            room(
              'charts',
              ['synth', 'validation', 'tooling', 'scripts', 'main.ts'],
              'charts never import synth, validation, tooling or the commands.',
            ),
            room(
              'validation',
              ['charts', 'synth', 'tooling', 'scripts', 'main.ts'],
              'validation never imports charts, synth, tooling or the commands.',
            ),
            room('synth', ['tooling', 'scripts', 'main.ts'], 'synth never imports tooling or the commands.'),
            room('tooling', ['scripts', 'main.ts'], 'tooling never imports the commands.'),
            ...['config', 'charts', 'constructs', 'synth', 'validation', 'tooling', 'scripts', 'main.ts'].map((target) =>
              room(target, ['test'], 'nothing outside test/ imports test/.'),
            ),
          ],
        },
      ],
      // Dropping a key by destructuring it beside a rest element (`const { a: _a, ...rest } = o`) is deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },

  // A require() in these files is deliberate: deferred loading, packed validators, untyped JSON, an ESM-typed package's CJS build, .cjs scripts, run-time paths.
  {
    files: [
      'main.ts',
      'scripts/**/*.ts',
      'validation/bundled-models.ts',
      'validation/monitoring-rules.ts',
      'validation/schema.ts',
      'test/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // The build scripts and the Jest config are CommonJS run by Node.
  {
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
);

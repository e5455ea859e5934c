// Bundles the TypeScript entry points into plain JavaScript under build/, so `npm run synth` and the
// other commands run compiled code (no ts-node). Type checking is `npm run typecheck`, not this.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const scripts = readdirSync('scripts')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `scripts/${file}`);

await build({
  entryPoints: ['main.ts', ...scripts],
  outdir: 'build',
  outbase: '.',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Dependencies load from node_modules at run time; only this project's code is bundled.
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// Renders every environment once per test run and hands the result to the test files through a
// temporary JSON file: each file would otherwise pay for rendering and schema-compiling again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, platformConfig } from '../config';
import { renderEnvironment } from '../lib/synth';

export default function globalSetup(): void {
  const results = Object.fromEntries(Object.keys(environments).map((name) => [name, renderEnvironment(platformConfig(name))]));
  const file = join(mkdtempSync(join(tmpdir(), 'titanium-render-')), 'render.json');
  writeFileSync(file, JSON.stringify(results));
  process.env.TITANIUM_RENDER_CACHE = file;
}

// Before any test: rebuilds the bundled commands that are older than their sources (the tests run
// build/<command>.js; `npx jest` without `npm test`'s build step must not test yesterday's config).
// Then renders every environment once per test run and hands the result to the test files through a
// temporary JSON file: each file would otherwise pay for rendering and schema-compiling again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments, platformConfig } from '../../config';
import { renderEnvironment } from '../../synth/synth';

const { allEntries, build, currentRecord } = require('../../scripts/build.cjs') as {
  allEntries: () => string[];
  build: (entries: string[]) => Promise<void>;
  currentRecord: (entry: string) => unknown;
};

export default async function globalSetup(): Promise<void> {
  const stale = allEntries().filter((entry) => !currentRecord(entry));
  if (stale.length > 0) await build(stale);
  const results = Object.fromEntries(Object.keys(environments).map((name) => [name, renderEnvironment(platformConfig(name))]));
  const file = join(mkdtempSync(join(tmpdir(), 'titanium-render-')), 'render.json');
  writeFileSync(file, JSON.stringify(results));
  process.env.TITANIUM_RENDER_CACHE = file;
}

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
  // Git's housekeeping after commits and fetches (\`maintenance run --auto\`, \`gc --auto\`) is a process
  // each time, about 30 per run, and changes no result. The workers and what they spawn inherit this.
  Object.assign(process.env, {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'maintenance.auto',
    GIT_CONFIG_VALUE_0: 'false',
    GIT_CONFIG_KEY_1: 'gc.auto',
    GIT_CONFIG_VALUE_1: '0',
  });
  const stale = allEntries().filter((entry) => !currentRecord(entry));
  if (stale.length > 0) await build(stale);
  const results = Object.fromEntries(Object.keys(environments).map((name) => [name, renderEnvironment(platformConfig(name))]));
  // One temporary folder per run, for every test and what it spawns (os.tmpdir() reads TMPDIR);
  // test/support/global-teardown.ts removes it, so a run leaves nothing behind in the system's.
  const runFolder = mkdtempSync(join(tmpdir(), 'titanium-tests-'));
  process.env.TMPDIR = runFolder;
  const file = join(runFolder, 'render.json');
  writeFileSync(file, JSON.stringify(results));
  process.env.TITANIUM_RENDER_CACHE = file;
}

// imports/ is generated from the pinned CRDs; this fails when the committed copy is stale.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runBuilt, ROOT } from './cli';

const CRDS = join(ROOT, '..', 'shared', 'crds');
const haveCrds = existsSync(CRDS);
if (!haveCrds) console.warn(`imports freshness not checked: ${CRDS} is missing (it is on CI machines)`);

// On CI the CRDs are always there: a missing folder is a broken checkout, not a reason to skip.
test('the CRD folder is present on CI', () => {
  if (process.env.CI) expect(existsSync(CRDS)).toBe(true);
});

(haveCrds ? test : test.skip)('imports/ matches a fresh import of ../shared/crds', () => {
  const run = runBuilt('scripts/import-crds.js', ['--crds', CRDS, '--check']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

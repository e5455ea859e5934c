// imports/ is generated from the pinned CRDs; this fails when the committed copy is stale. The CRD
// files are the first complete, checksum-matching folder of: $TITANIUM_CRDS, ../shared/crds, the cache
// `npm run fetch:crds` fills (tooling/crds.ts).
import { CRD_LOCK, crdCandidates, findCrds } from '../../tooling/crds';
import { runBuilt, ROOT } from '../support/cli';
import { externalInput } from '../support/strict';

const lookup = findCrds(crdCandidates(ROOT));
const looked = lookup.rejected.map(
  (r) => `${r.source} (${r.dir}: ${r.problems[0]}${r.problems.length > 1 ? `, and ${r.problems.length - 1} more` : ''})`,
);
const haveCrds = externalInput(
  `the pinned CRD files (${CRD_LOCK.version})`,
  lookup.found !== undefined,
  `the imports/ freshness check [looked in ${looked.join('; ')}]`,
  'npm run fetch:crds',
);

(haveCrds ? test : test.skip)('imports/ matches a fresh import of the pinned CRD files', () => {
  const run = runBuilt('scripts/import-crds.js', ['--crds', lookup.found!.dir, '--check']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

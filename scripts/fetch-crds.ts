// `npm run fetch:crds [-- --out <folder>] [--mirror <url or folder>]`: downloads the upstream CRD
// files imports/ is generated from (the pinned URLs of cdk8s.yaml, listed with their sha256 in
// tooling/crds.lock.json) into a folder outside the checkout, by default the cache
// `${XDG_CACHE_HOME:-$HOME/.cache}/titanium/crds/<version>`, where the imports/ freshness test finds
// them. Files already there with the right checksum are kept; a file whose checksum differs from the
// pin is refused (exit 1) and not written. Prints the folder on the last line.
//
// --mirror (or $TITANIUM_CRDS_MIRROR) takes the files by name from an internal mirror or a local copy
// instead of GitHub, checked against the same checksums.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChecksumMismatch, CRD_LOCK, crdCacheDir, fetchCrds } from '../tooling/crds';

const USAGE = 'usage: npm run fetch:crds -- [--out <folder>] [--mirror <url or folder>]';

async function main(argv: string[]): Promise<number> {
  let values: { out?: string; mirror?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, mirror: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const out = resolve(values.out ?? crdCacheDir());
  const mirror = values.mirror ?? (process.env.TITANIUM_CRDS_MIRROR || undefined);
  try {
    const { downloaded, kept } = await fetchCrds({ out, mirror, log: (line) => console.log(line) });
    console.log(
      `${CRD_LOCK.files.length} CRD files (${CRD_LOCK.version}) checked: ${downloaded.length} fetched, ${kept.length} already there`,
    );
    console.log(out);
    return 0;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    if (!(error instanceof ChecksumMismatch)) console.error('(or take them from a copy: --mirror <folder or url>)');
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));

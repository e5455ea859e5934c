// tooling/crds.ts and `npm run fetch:crds`: the pinned checksums are those of the upstream files, the
// lookup order, the checks that refuse an incomplete or altered folder, and the download path, run for
// real against an HTTP server on 127.0.0.1 (the tests have no internet to GitHub).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ChecksumMismatch,
  CRD_LOCK,
  crdCacheDir,
  crdCandidates,
  crdFolderProblems,
  fetchCrds,
  findCrds,
  sha256,
  type CrdFile,
} from '../../tooling/crds';
import { finished, type ChildResult } from '../../tooling/child-process';
import { builtCommand, ROOT } from '../support/cli';

const SHARED = join(ROOT, '..', 'shared', 'crds');
const sharedPresent = (() => {
  try {
    return readdirSync(SHARED).length > 0;
  } catch {
    return false;
  }
})();
if (!sharedPresent)
  console.warn(`the pinned checksums were not compared with ${SHARED}: it is missing (the other tests here use files of their own)`);

const work = mkdtempSync(join(tmpdir(), 'titanium-crds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let folders = 0;
const folder = () => {
  const dir = join(work, `${folders++}`);
  mkdirSync(dir);
  return dir;
};

/** Two small files and their pins, the URLs on `base`. */
function fakeLock(base = 'http://127.0.0.1:9/upstream'): { files: CrdFile[]; contents: Map<string, string> } {
  const contents = new Map([
    ['a.yaml', 'kind: CustomResourceDefinition\nmetadata: {name: a}\n'],
    ['b.yaml', 'kind: CustomResourceDefinition\nmetadata: {name: b}\n'],
  ]);
  const files = [...contents].map(([file, text]) => ({ file, url: `${base}/tag/${file}`, sha256: sha256(text) }));
  return { files, contents };
}

function filled(contents: Map<string, string>): string {
  const dir = folder();
  for (const [file, text] of contents) writeFileSync(join(dir, file), text);
  return dir;
}

/** An HTTP server on loopback answering GET <path> from `routes`, 404 otherwise; it records the paths asked. */
async function serve(routes: (path: string) => string | undefined): Promise<{ base: string; asked: string[]; server: Server }> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const body = routes(request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/yaml' });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, server };
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('the pins', () => {
  test('tooling/crds.lock.json pins exactly the URLs cdk8s.yaml names, each a tag, with distinct file names', () => {
    const imports = (parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports: string[] }).imports;
    expect(CRD_LOCK.files.map((f) => f.url)).toEqual(imports);
    expect(new Set(CRD_LOCK.files.map((f) => f.file)).size).toBe(CRD_LOCK.files.length);
    for (const { url, sha256: pin } of CRD_LOCK.files) {
      expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/v?\d+\.\d+\.\d+\//);
      expect(pin).toMatch(/^[0-9a-f]{64}$/);
      // the cache folder's name changes with every pinned version
      expect(CRD_LOCK.version).toContain(url.split('/')[5]);
    }
  });

  (sharedPresent ? test : test.skip)('the pinned checksums are those of the upstream files in ../shared/crds', () => {
    expect(crdFolderProblems(SHARED)).toEqual([]);
  });
});

describe('looking up a CRD folder', () => {
  test('the cache is under XDG_CACHE_HOME, else HOME/.cache, named after the pinned versions', () => {
    expect(crdCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }, 'v9')).toBe('/x/titanium/crds/v9');
    expect(crdCacheDir({ HOME: '/h' }, 'v9')).toBe('/h/.cache/titanium/crds/v9');
    expect(crdCacheDir({ XDG_CACHE_HOME: '', HOME: '/h' })).toBe(`/h/.cache/titanium/crds/${CRD_LOCK.version}`);
  });

  test('candidates: TITANIUM_CRDS when set, then ../shared/crds, then the cache', () => {
    const env = { HOME: '/h', TITANIUM_CRDS: '/mine' };
    expect(crdCandidates('/work/p', env).map((c) => c.dir)).toEqual(['/mine', '/work/shared/crds', crdCacheDir(env)]);
    expect(crdCandidates('/work/p', { HOME: '/h' }).map((c) => c.dir)).toEqual(['/work/shared/crds', crdCacheDir({ HOME: '/h' })]);
  });

  test('a folder is refused when missing, short of a file, holding other bytes or an extra YAML file', () => {
    const { files, contents } = fakeLock();
    expect(crdFolderProblems(filled(contents), files)).toEqual([]);
    expect(crdFolderProblems(join(work, 'nowhere'), files)).toEqual([`${join(work, 'nowhere')} does not exist`]);

    const short = filled(contents);
    rmSync(join(short, 'b.yaml'));
    expect(crdFolderProblems(short, files)).toEqual(['b.yaml is missing']);

    const altered = filled(contents);
    writeFileSync(join(altered, 'a.yaml'), `${contents.get('a.yaml')} `);
    expect(crdFolderProblems(altered, files)).toEqual([
      expect.stringMatching(/^a\.yaml has sha256 [0-9a-f]{64}, tooling\/crds\.lock\.json pins /),
    ]);

    const extra = filled(contents);
    writeFileSync(join(extra, 'c.yml'), 'kind: CustomResourceDefinition\n');
    writeFileSync(join(extra, 'README.md'), 'not YAML, not imported\n');
    expect(crdFolderProblems(extra, files)).toEqual(['c.yml is not a pinned CRD file (the import would read it too)']);
  });

  test('the first fit candidate is used; the ones before it are reported with what was wrong', () => {
    const { files, contents } = fakeLock();
    const short = filled(new Map([...contents].slice(0, 1)));
    const good = filled(contents);
    const later = filled(contents);
    const lookup = findCrds(
      [
        { source: 'first', dir: short },
        { source: 'second', dir: good },
        { source: 'third', dir: later },
      ],
      files,
    );
    expect(lookup.found).toEqual({ source: 'second', dir: good });
    expect(lookup.rejected).toEqual([{ source: 'first', dir: short, problems: ['b.yaml is missing'] }]);
    expect(findCrds([{ source: 'only', dir: short }], files)).toEqual({
      rejected: [{ source: 'only', dir: short, problems: ['b.yaml is missing'] }],
    });
  });
});

describe('fetching', () => {
  test('downloads every pinned URL over HTTP, checks it, and keeps what is already there on the next run', async () => {
    const { contents } = fakeLock();
    const { base, asked, server } = await serve((path) => contents.get(path.replace(/^\/upstream\/tag\//, '')));
    try {
      const { files } = fakeLock(`${base}/upstream`);
      const out = join(work, 'fetched', 'deep');
      const logged: string[] = [];
      expect(await fetchCrds({ out, files, log: (line) => logged.push(line) })).toEqual({ downloaded: ['a.yaml', 'b.yaml'], kept: [] });
      expect(asked).toEqual(['/upstream/tag/a.yaml', '/upstream/tag/b.yaml']);
      expect(logged[0]).toMatch(new RegExp(`^a\\.yaml  \\d+ bytes from ${base}/upstream/tag/a\\.yaml$`));
      expect(crdFolderProblems(out, files)).toEqual([]);
      expect(readdirSync(out).sort()).toEqual(['a.yaml', 'b.yaml']);

      // a file altered in the cache is fetched again; the intact one is kept without a request
      writeFileSync(join(out, 'b.yaml'), 'tampered');
      expect(await fetchCrds({ out, files })).toEqual({ downloaded: ['b.yaml'], kept: ['a.yaml'] });
      expect(asked.slice(2)).toEqual(['/upstream/tag/b.yaml']);
      expect(crdFolderProblems(out, files)).toEqual([]);
    } finally {
      await close(server);
    }
  });

  test('a download with other bytes than pinned is refused and nothing is written', async () => {
    const { contents } = fakeLock();
    const { base, server } = await serve((path) =>
      path.endsWith('b.yaml') ? 'kind: Something else\n' : contents.get(path.split('/').pop()!),
    );
    try {
      const { files } = fakeLock(`${base}/upstream`);
      const out = folder();
      const fetching = fetchCrds({ out, files });
      await expect(fetching).rejects.toBeInstanceOf(ChecksumMismatch);
      await expect(fetching).rejects.toThrow(
        /^b\.yaml from http:\/\/127\.0\.0\.1:\d+\/upstream\/tag\/b\.yaml has sha256 [0-9a-f]{64}, tooling\/crds\.lock\.json pins [0-9a-f]{64}: not written\./,
      );
      expect(readdirSync(out)).toEqual(['a.yaml']);
    } finally {
      await close(server);
    }
  });

  test('an HTTP error names the URL and the status', async () => {
    const { base, server } = await serve(() => undefined);
    try {
      const { files } = fakeLock(`${base}/upstream`);
      await expect(fetchCrds({ out: folder(), files })).rejects.toThrow(
        `could not download ${base}/upstream/tag/a.yaml: HTTP 404 Not Found`,
      );
    } finally {
      await close(server);
    }
  });

  test('a mirror, by URL or folder, serves the files by name under the same checksums', async () => {
    const { files, contents } = fakeLock();
    const { base, asked, server } = await serve((path) => contents.get(path.replace(/^\/mirror\//, '')));
    try {
      expect((await fetchCrds({ out: folder(), files, mirror: `${base}/mirror` })).downloaded).toEqual(['a.yaml', 'b.yaml']);
      expect(asked).toEqual(['/mirror/a.yaml', '/mirror/b.yaml']);
    } finally {
      await close(server);
    }
    const out = folder();
    expect((await fetchCrds({ out, files, mirror: filled(contents) })).downloaded).toEqual(['a.yaml', 'b.yaml']);
    expect(crdFolderProblems(out, files)).toEqual([]);
    const empty = folder();
    await expect(fetchCrds({ out: folder(), files, mirror: empty })).rejects.toThrow(
      `a.yaml is not in the mirror folder ${empty}: expected ${join(empty, 'a.yaml')}`,
    );
  });

  /** `npm run fetch:crds` as built; asynchronous, so the server in this process can answer it. */
  function fetchCommand(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
    return finished(
      spawn(process.execPath, builtCommand('scripts/fetch-crds.js', args), {
        cwd: ROOT,
        env: { ...process.env, TITANIUM_CRDS_MIRROR: '', ...env },
      }),
    );
  }

  test('the command refuses an altered file with exit 1 and a message naming it', async () => {
    const { base, server } = await serve(() => 'kind: not the pinned file\n');
    try {
      const out = folder();
      const run = await fetchCommand(['--out', out, '--mirror', base]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^error   ${CRD_LOCK.files[0].file} from ${base}/${CRD_LOCK.files[0].file} has sha256 [0-9a-f]{64}, tooling/crds\\.lock\\.json pins ${CRD_LOCK.files[0].sha256}: not written\\.`,
        ),
      );
      expect(readdirSync(out)).toEqual([]);
    } finally {
      await close(server);
    }
  });

  (sharedPresent ? test : test.skip)(
    'the command fills the cache from a mirror serving the upstream files, and prints the folder',
    async () => {
      const { base, server } = await serve((path) => readFileSync(join(SHARED, path.slice(1))).toString());
      try {
        const home = folder();
        const run = await fetchCommand([], { HOME: home, XDG_CACHE_HOME: '', TITANIUM_CRDS_MIRROR: base });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const cache = crdCacheDir({ HOME: home });
        expect(run.stdout.trimEnd().split('\n').pop()).toBe(cache);
        expect(run.stdout).toContain(
          `${CRD_LOCK.files.length} CRD files (${CRD_LOCK.version}) checked: ${CRD_LOCK.files.length} fetched, 0 already there`,
        );
        expect(crdFolderProblems(cache)).toEqual([]);
      } finally {
        await close(server);
      }
    },
    30_000,
  );
});

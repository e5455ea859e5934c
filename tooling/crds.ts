// The upstream CRD files behind imports/: where they come from (tooling/crds.lock.json: the pinned URLs
// cdk8s.yaml names, with the sha256 of each file), where a machine keeps them, and which folder of
// them a check uses. `npm run fetch:crds` downloads them; test/tooling/imports.test.ts looks them up.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import lock from './crds.lock.json';

export interface CrdFile {
  /** The name the file has in a CRD folder (as in ../shared/crds). */
  readonly file: string;
  /** The pinned upstream URL (a tag, never a branch). */
  readonly url: string;
  readonly sha256: string;
}

export interface CrdLock {
  /** Names the cache folder: a new pin gets a new folder. */
  readonly version: string;
  readonly files: readonly CrdFile[];
}

export const CRD_LOCK: CrdLock = lock;

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** `${XDG_CACHE_HOME:-$HOME/.cache}/titanium/crds/<version>`: outside any checkout, shared by all of them. */
export function crdCacheDir(env: NodeJS.ProcessEnv = process.env, version = CRD_LOCK.version): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'titanium', 'crds', version);
}

/**
 * What is wrong with `dir` as a CRD folder for `files`: missing, a file missing or with other bytes
 * than pinned, or an extra YAML file (`npm run import` reads every YAML file in the folder). Empty
 * when it is fit to import from.
 */
export function crdFolderProblems(dir: string, files: readonly CrdFile[] = CRD_LOCK.files): string[] {
  if (!existsSync(dir)) return [`${dir} does not exist`];
  const problems: string[] = [];
  for (const { file, sha256: pinned } of files) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      problems.push(`${file} is missing`);
      continue;
    }
    const actual = sha256(readFileSync(path));
    if (actual !== pinned) problems.push(`${file} has sha256 ${actual}, tooling/crds.lock.json pins ${pinned}`);
  }
  const expected = new Set(files.map((f) => f.file));
  for (const extra of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !expected.has(f))) {
    problems.push(`${extra} is not a pinned CRD file (the import would read it too)`);
  }
  return problems;
}

export interface CrdCandidate {
  /** Where the folder comes from, for messages. */
  readonly source: string;
  readonly dir: string;
}

/** The folders to look in, in order: $TITANIUM_CRDS, ../shared/crds beside the checkout, the cache. */
export function crdCandidates(root: string, env: NodeJS.ProcessEnv = process.env): CrdCandidate[] {
  return [
    ...(env.TITANIUM_CRDS ? [{ source: 'TITANIUM_CRDS', dir: resolve(env.TITANIUM_CRDS) }] : []),
    { source: '../shared/crds', dir: join(root, '..', 'shared', 'crds') },
    { source: 'the CRD cache (npm run fetch:crds)', dir: crdCacheDir(env) },
  ];
}

export interface CrdLookup {
  /** The first candidate with every pinned file and nothing else, if any. */
  readonly found?: CrdCandidate;
  /** The candidates before it (or all of them), each with what was wrong. */
  readonly rejected: readonly (CrdCandidate & { readonly problems: readonly string[] })[];
}

export function findCrds(candidates: readonly CrdCandidate[], files: readonly CrdFile[] = CRD_LOCK.files): CrdLookup {
  const rejected: (CrdCandidate & { problems: string[] })[] = [];
  for (const candidate of candidates) {
    const problems = crdFolderProblems(candidate.dir, files);
    if (problems.length === 0) return { found: candidate, rejected };
    rejected.push({ ...candidate, problems });
  }
  return { rejected };
}

export class ChecksumMismatch extends Error {}

export interface FetchOptions {
  /** The folder to fill (created). */
  readonly out: string;
  /**
   * Instead of the upstream URLs, files by name from this base: `http(s)://…/` (an internal mirror)
   * or a local folder (a copy such as ../shared/crds). Checked against the same checksums.
   */
  readonly mirror?: string;
  readonly files?: readonly CrdFile[];
  readonly log?: (line: string) => void;
  /** Seconds per download. */
  readonly timeout?: number;
}

async function download(url: string, timeout: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeout * 1000) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`could not download ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status} ${response.statusText}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Makes `out` hold every pinned file: a file already there with the pinned checksum is kept, any
 * other is downloaded, checked and only then written (by rename, so no half file is ever left). A
 * checksum mismatch throws ChecksumMismatch and writes nothing for that file.
 */
export async function fetchCrds(options: FetchOptions): Promise<{ downloaded: string[]; kept: string[] }> {
  const { out, mirror, files = CRD_LOCK.files, log = () => undefined, timeout = 60 } = options;
  mkdirSync(out, { recursive: true });
  const downloaded: string[] = [];
  const kept: string[] = [];
  for (const { file, url, sha256: pinned } of files) {
    const path = join(out, file);
    if (existsSync(path) && sha256(readFileSync(path)) === pinned) {
      kept.push(file);
      continue;
    }
    const from = !mirror ? url : /^https?:\/\//.test(mirror) ? `${mirror.replace(/\/*$/, '/')}${file}` : join(mirror, file);
    if (!/^https?:\/\//.test(from) && !existsSync(from)) throw new Error(`${file} is not in the mirror folder ${mirror}: expected ${from}`);
    const data = /^https?:\/\//.test(from) ? await download(from, timeout) : readFileSync(from);
    const actual = sha256(data);
    if (actual !== pinned) {
      throw new ChecksumMismatch(
        `${file} from ${from} has sha256 ${actual}, tooling/crds.lock.json pins ${pinned}: not written. ` +
          'The file is not the pinned upstream one (changed upstream, a proxy or mirror altered it, or the download was cut); ' +
          'change the pin only after reviewing the new file.',
      );
    }
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, data);
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
    }
    downloaded.push(file);
    log(`${file}  ${data.length} bytes from ${from}`);
  }
  return { downloaded, kept };
}

// The commit a render is made from, and the source line of dist/<env>/README.md that names it. One
// `git status` call gives the commit and whether the working tree differs from it in anything the
// render reads. Asynchronous, so synth starts it first and renders while git runs.
import { execFile } from 'node:child_process';

/** The commit a render was made from. */
export interface SourceRevision {
  readonly commit: string;
  /** The working tree had changes not in that commit. */
  readonly dirty: boolean;
}

/**
 * What the render reads, relative to the top of the checkout: a change anywhere else (README.md, a
 * test, an untracked note) cannot change dist/, so it does not make a render "dirty". Publishing
 * refuses a working tree with changes here (tooling/render-check.ts).
 */
export const RENDER_INPUTS = [
  'config',
  'charts',
  'constructs',
  'synth',
  'validation',
  'imports',
  'main.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'scripts/build.cjs',
] as const;

/** `git status` pathspecs for RENDER_INPUTS, whatever folder of the checkout git runs in. */
export const RENDER_INPUT_PATHSPECS = RENDER_INPUTS.map((path) => `:(top,literal)${path}`);

/** Reads `git status --porcelain=v2 --branch` output. */
export function parseStatus(stdout: string): SourceRevision | undefined {
  const commit = /^# branch\.oid ([0-9a-f]{40}|[0-9a-f]{64})$/m.exec(stdout)?.[1];
  if (!commit) return undefined; // a repository without commits
  const dirty = stdout.split('\n').some((line) => line !== '' && !line.startsWith('#'));
  return { commit, dirty };
}

/**
 * HEAD of the checkout holding `directory` (any folder inside it) and whether it has uncommitted
 * changes to RENDER_INPUTS; undefined outside a git checkout.
 */
export function sourceRevision(directory: string): Promise<SourceRevision | undefined> {
  // --no-optional-locks: a read must not take index.lock from a git command running beside it.
  const args = ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--untracked-files=normal', '--', ...RENDER_INPUT_PATHSPECS];
  return new Promise((resolve) => {
    execFile('git', args, { cwd: directory, encoding: 'utf8' }, (error, stdout) =>
      // Not a checkout, or no git on this machine: the README says so.
      resolve(error ? undefined : parseStatus(stdout)),
    );
  });
}

const SOURCE_LINE = 'Rendered by `npm run synth` from ';

/** The README without its source line, which changes on every render of a new commit. */
export function withoutSourceLine(readme: string): string {
  return readme
    .split('\n')
    .filter((line) => !line.startsWith(SOURCE_LINE))
    .join('\n');
}

/**
 * The source revision a README's source line names: what `sourceLine` wrote, read back. Undefined
 * when there is no such line, or it says the revision could not be read.
 */
export function readSourceLine(readme: string): SourceRevision | undefined {
  const line = readme.split('\n').find((l) => l.startsWith(SOURCE_LINE));
  const match =
    line && /^source commit `([0-9a-f]{40}|[0-9a-f]{64})`(\.| \*\*with uncommitted changes\*\*)/.exec(line.slice(SOURCE_LINE.length));
  return match ? { commit: match[1], dirty: match[2] !== '.' } : undefined;
}

/** The README's source line for a render of `source` (undefined: the revision could not be read). */
export function sourceLine(source: SourceRevision | undefined): string {
  if (!source) return `${SOURCE_LINE}a source tree whose git revision could not be read (not a git checkout, or git refused it).`;
  const commit = `${SOURCE_LINE}source commit \`${source.commit}\``;
  return source.dirty ? `${commit} **with uncommitted changes**: not reproducible from git alone.` : `${commit}.`;
}

// Before publishing: proof that dist/<env>/ is exactly the render of the commit the deploy branch
// will name (HEAD). tooling/publish.ts publishes whatever folder it is given; the command runs this first
// and publishes nothing when any environment fails it.
//
// A render is HEAD's when (1) nothing the render reads has uncommitted changes, so the code running
// now is HEAD's code; (2) dist/<env>/README.md says it was rendered from HEAD, from a clean tree; and
// (3) every file equals a fresh in-memory render, so a folder edited by hand or rendered by other code
// (a set-image committed without a synth, a render copied from another checkout) is caught even when
// its README names HEAD.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ENVIRONMENT_README } from '../synth/environment-readme';
import { git, GitError, tryGit } from './git';
import { readSourceLine, RENDER_INPUT_PATHSPECS, type SourceRevision } from '../synth/source-revision';
import type { OutputFile } from '../synth/write-dist';

export interface RenderCheckOptions {
  /** The source checkout; its HEAD is the commit being published. */
  readonly repository: string;
  /** Root of the rendered output, e.g. `<repository>/dist`. */
  readonly distDir: string;
  readonly environment: string;
  /** The files synth writes to `<dist>/<env>/` for the current config, naming `source`. */
  readonly render: (source: SourceRevision) => readonly OutputFile[];
}

const short = (commit: string) => commit.slice(0, 12);

/** Paths (relative to the top of the checkout) of uncommitted changes to what the render reads. */
export function uncommittedRenderInputs(repository: string): string[] {
  const args = ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...RENDER_INPUT_PATHSPECS];
  const status = tryGit(args, { cwd: repository });
  if (status.status !== 0) throw new GitError(args, status);
  // `XY path` entries (paths from the top of the checkout); a rename adds its source as an entry of
  // its own, without the status. Untrimmed: an unstaged change starts with a space.
  const entries = status.stdout.split('\0');
  const paths = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    if (entries[i].length < 4) continue;
    paths.add(entries[i].slice(3));
    if (/^[RC]/.test(entries[i])) paths.add(entries[++i]);
  }
  return [...paths].sort();
}

function filesIn(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path), entry.isFile() ? readFileSync(path, 'utf8') : '(not a regular file)');
  }
  return files;
}

const list = (items: readonly string[], max = 5) =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/**
 * Why `<dist>/<env>/` must not be published as HEAD's render, with what to do about it; undefined
 * when it is HEAD's render exactly.
 */
export function renderProblem(options: RenderCheckOptions): string | undefined {
  const { repository, environment } = options;
  const folder = join(options.distDir, environment);
  const synth = `npm run synth -- --env ${environment}`;

  const uncommitted = uncommittedRenderInputs(repository);
  if (uncommitted.length > 0) {
    return (
      `dirty: uncommitted changes to what the render reads (${list(uncommitted)}); publishing publishes only HEAD's render. ` +
      `Commit them and run \`${synth}\`, or set them aside with \`git stash\``
    );
  }
  if (!existsSync(folder) || readdirSync(folder).length === 0) {
    return `${folder} is missing or empty: run \`${synth}\` first`;
  }
  const readmePath = join(folder, ENVIRONMENT_README);
  const rendered = existsSync(readmePath) ? readSourceLine(readFileSync(readmePath, 'utf8')) : undefined;
  if (!rendered) {
    return `${folder}/ is not a render of a git commit (${ENVIRONMENT_README} names no source commit): run \`${synth}\``;
  }
  const head = git(['rev-parse', 'HEAD'], { cwd: repository });
  if (rendered.dirty) {
    return `dirty: ${folder}/ was rendered with uncommitted changes (on top of ${short(rendered.commit)}): run \`${synth}\` now that the tree is clean`;
  }
  if (rendered.commit !== head) {
    return `stale: ${folder}/ was rendered from ${short(rendered.commit)}, HEAD is ${short(head)}: run \`${synth}\``;
  }

  const expected = new Map(options.render({ commit: head, dirty: false }).map((f) => [f.path, f.content]));
  const actual = filesIn(folder);
  const differences = [
    ...[...expected.keys()].filter((p) => !actual.has(p)).map((p) => `${p} missing`),
    ...[...actual.keys()].filter((p) => !expected.has(p)).map((p) => `${p} not rendered`),
    ...[...expected.keys()].filter((p) => actual.has(p) && actual.get(p) !== expected.get(p)).map((p) => `${p} differs`),
  ].sort();
  if (differences.length > 0) {
    return (
      `stale: ${folder}/ names HEAD (${short(head)}) but is not what HEAD's config renders ` +
      `(${differences.length} file(s): ${list(differences)}): run \`${synth}\``
    );
  }
  return undefined;
}

// Publishes one environment's rendered folder to the deploy branch:
//   dist/<env>/  →  <env>/ on `deploy` (an orphan branch of rendered YAML and READMEs only).
//
// It works with git plumbing on a temporary index and a temporary work tree, so the checkout it runs
// in (its HEAD, index, working files and every other branch, `main` included) is never touched, and
// the repository's own remote and credentials are used as they are. Other environments' folders on
// the branch stay as they are. A commit is made only when an object changed (not for the README's
// source line alone); a push rejected because someone else published first is retried on top of
// their commit. It publishes the folder it is given: `npm run publish:deploy` first proves that
// folder is HEAD's render (tooling/render-check.ts).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitIdentity, git, tryGit } from './git';
import { ENVIRONMENT_README } from '../synth/environment-readme';
import { withoutSourceLine } from '../synth/source-revision';
import { formatFinding } from '../validation/finding';
import { checkImmutableFields } from '../validation/immutable-fields';
import { readManifests } from '../validation/read-manifests';
import { readRenderedRef } from './rendered-tree';

export const DEPLOY_BRANCH_README = `# Rendered manifests (generated, do not edit)

This branch is written by CI with \`npm run publish:deploy\` from the \`main\` branch of this
repository. Every push here is overwritten by the next render: change the TypeScript on \`main\`.

- \`<env>/\` holds one environment; \`<env>/<app>/\` is the folder one Argo CD Application syncs;
  \`<env>/README.md\` says what each folder holds, draws the topology and names the source commit.
- Each commit is named \`render <source sha>: <source subject>\` after the \`main\` commit it renders.
- A resource that disappears from a folder is pruned from the cluster by Argo CD.
`;

/** Branches publishing refuses to write: the source branches. */
const PROTECTED_BRANCHES = ['main', 'master'];

export interface PublishOptions {
  /** The source checkout (its HEAD names the commit being rendered). */
  readonly repository: string;
  /** Remote to publish to. */
  readonly remote: string;
  /** Branch to publish to, e.g. `deploy`. */
  readonly branch: string;
  /** Environment folder to publish, e.g. `prod`. */
  readonly environment: string;
  /** Root of the rendered output, e.g. `<repository>/dist`. */
  readonly distDir: string;
  /**
   * Pushes to try before giving up when others keep publishing first.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Progress lines.
   * @default ignored
   */
  readonly log?: (line: string) => void;
}

export interface PublishResult {
  /** `superseded`: the branch already holds a render of a newer source commit; nothing was pushed. */
  readonly status: 'published' | 'unchanged' | 'superseded';
  /** The branch's commit after publishing. */
  readonly commit: string;
  /** Push attempts made (0 when unchanged). */
  readonly attempts: number;
}

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

function checkOptions(options: PublishOptions): void {
  const problems: string[] = [];
  const cwd = options.repository;
  if (tryGit(['check-ref-format', '--branch', options.branch], { cwd }).status !== 0) {
    problems.push(`--branch "${options.branch}" is not a valid branch name`);
  }
  const current = tryGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd }).stdout.trim();
  if (PROTECTED_BRANCHES.includes(options.branch) || options.branch === current) {
    problems.push(`--branch "${options.branch}" is a source branch; publishing writes only the deploy branch`);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.environment)) {
    problems.push(`--env "${options.environment}" is not an environment folder name`);
  }
  const folder = join(options.distDir, options.environment);
  if (!existsSync(folder) || readdirSync(folder).length === 0) {
    problems.push(`${folder} is missing or empty: run \`npm run synth -- --env ${options.environment}\` first`);
  }
  if (tryGit(['remote', 'get-url', options.remote], { cwd }).status !== 0) {
    problems.push(`remote "${options.remote}" is not configured in ${cwd}`);
  }
  if (problems.length > 0) throw new PublishError(problems.join('\n'));
}

/** The branch's current commit on the remote, fetched into a private ref; undefined if it has none. */
function fetchBranch(options: PublishOptions, privateRef: string): string | undefined {
  const cwd = options.repository;
  const heads = git(['ls-remote', '--heads', options.remote, `refs/heads/${options.branch}`], { cwd });
  if (heads === '') return undefined;
  git(['fetch', '--quiet', '--no-tags', options.remote, `+refs/heads/${options.branch}:${privateRef}`], { cwd });
  return git(['rev-parse', '--verify', `${privateRef}^{commit}`], { cwd });
}

/** The tree of `parent` with `<env>/` and README.md replaced by the staged content. */
function buildTree(options: PublishOptions, staging: string, index: string, parent: string | undefined): string {
  const cwd = options.repository;
  const env = { GIT_INDEX_FILE: index };
  git(parent ? ['read-tree', parent] : ['read-tree', '--empty'], { cwd, env });
  // --all stages deletions too: a resource gone from dist/<env> disappears from the branch.
  git(['--work-tree', staging, 'add', '--all', '--force', '--', options.environment, 'README.md'], { cwd, env });
  return git(['write-tree'], { cwd, env });
}

/**
 * The source commit of the newest render of `<env>/` on the branch, when this checkout knows it and
 * it descends from ours: a slow pipeline for an older commit must not overwrite a newer render.
 */
function newerRender(options: PublishOptions, parent: string, source: string): string | undefined {
  const cwd = options.repository;
  const subject = git(['log', '-1', '--format=%s', parent, '--', `${options.environment}/`], { cwd });
  const rendered = /^render ([0-9a-f]{40}):/.exec(subject)?.[1];
  if (!rendered || rendered === source) return undefined;
  // A checkout made before the newer commit was pushed does not have it yet: fetch it.
  if (tryGit(['cat-file', '-e', `${rendered}^{commit}`], { cwd }).status !== 0) {
    tryGit(['fetch', '--quiet', '--no-tags', options.remote, rendered], { cwd });
  }
  // Exit 0: our source is an ancestor of theirs. A commit that cannot be had (history rewritten)
  // is not known to be newer, so publishing goes ahead.
  return tryGit(['merge-base', '--is-ancestor', source, rendered], { cwd }).status === 0 ? rendered : undefined;
}

/**
 * Nothing differs between the branch and the new tree but `<env>/README.md`'s source line. It names
 * the source commit, so it changes on every render; a commit for that alone would be noise, and the
 * README on the branch keeps naming the commit that last changed anything else.
 */
function onlySourceLineChanged(options: PublishOptions, parent: string, tree: string): boolean {
  const cwd = options.repository;
  const changed = git(['diff-tree', '-r', '--name-status', `${parent}^{tree}`, tree], { cwd })
    .split('\n')
    .filter((line) => line !== '');
  if (changed.length === 0) return true;
  const readme = `${options.environment}/${ENVIRONMENT_README}`;
  if (changed.length > 1 || changed[0] !== `M\t${readme}`) return false;
  const [before, after] = [parent, tree].map((t) => git(['cat-file', 'blob', `${t}:${readme}`], { cwd }));
  return withoutSourceLine(before) === withoutSourceLine(after);
}

/**
 * Updates of objects the branch already holds that the API server would refuse (an immutable field
 * changed): Argo CD's sync would fail on them, so they are not published. Files are named as in
 * dist/, where the user looks.
 */
function refusedUpdates(options: PublishOptions, staging: string, ref: string): string[] {
  const published = readRenderedRef(options.repository, ref, options.environment).map((m) => m.object);
  if (published.length === 0) return [];
  const next = readManifests([join(staging, options.environment)]).manifests.map((m) => ({
    ...m,
    file: join(options.distDir, m.file.slice(staging.length + 1)),
  }));
  return checkImmutableFields(published, next, `${options.branch}:${options.environment}/`).map(formatFinding);
}

const RETRYABLE_PUSH = /non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info|incorrect old value/i;

export function publish(options: PublishOptions): PublishResult {
  checkOptions(options);
  const cwd = options.repository;
  const log = options.log ?? (() => undefined);
  const maxAttempts = options.maxAttempts ?? 5;
  const source = git(['rev-parse', 'HEAD'], { cwd });
  const subject = git(['log', '-1', '--format=%s', 'HEAD'], { cwd });
  const message = `render ${source}: ${subject}`;

  const work = mkdtempSync(join(tmpdir(), 'titanium-publish-'));
  const staging = join(work, 'tree');
  const index = join(work, 'index');
  const privateRef = `refs/titanium-publish/${process.pid}-${Date.now()}`;
  try {
    cpSync(join(options.distDir, options.environment), join(staging, options.environment), { recursive: true });
    writeFileSync(join(staging, 'README.md'), DEPLOY_BRANCH_README);

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const parent = fetchBranch(options, privateRef);
      const newer = parent ? newerRender(options, parent, source) : undefined;
      if (parent && newer) {
        log(
          `${options.branch}: ${options.environment}/ already renders ${newer.slice(0, 12)}, newer than ${source.slice(0, 12)}; not publishing`,
        );
        return { status: 'superseded', commit: parent, attempts: attempt - 1 };
      }
      const refused = parent ? refusedUpdates(options, staging, privateRef) : [];
      if (refused.length > 0) {
        throw new PublishError(`${options.environment}: not published; the cluster would refuse these updates:\n  ${refused.join('\n  ')}`);
      }
      rmSync(index, { force: true });
      const tree = buildTree(options, staging, index, parent);
      if (parent && onlySourceLineChanged(options, parent, tree)) {
        log(`${options.branch}: ${options.environment}/ unchanged at ${parent.slice(0, 12)}; nothing to publish`);
        return { status: 'unchanged', commit: parent, attempts: attempt - 1 };
      }
      const commit = git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message], {
        cwd,
        env: commitIdentity(cwd),
      });
      const push = tryGit(['push', '--porcelain', options.remote, `${commit}:refs/heads/${options.branch}`], { cwd });
      if (push.status === 0) {
        log(`${options.branch}: published ${options.environment}/ as ${commit.slice(0, 12)} (${message})`);
        return { status: 'published', commit, attempts: attempt };
      }
      const output = `${push.stdout}\n${push.stderr}`;
      if (!RETRYABLE_PUSH.test(output) || attempt === maxAttempts) {
        throw new PublishError(`push to ${options.remote} ${options.branch} failed after ${attempt} attempt(s):\n${output.trim()}`);
      }
      log(`${options.branch}: push rejected (someone published first); retrying on top of theirs (attempt ${attempt + 1}/${maxAttempts})`);
      // Back off a little, with jitter, so racing publishers do not collide again in lockstep.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * 2 ** (attempt - 1) + Math.random() * 100);
    }
    throw new PublishError('unreachable');
  } finally {
    tryGit(['update-ref', '-d', privateRef], { cwd });
    rmSync(work, { recursive: true, force: true });
  }
}

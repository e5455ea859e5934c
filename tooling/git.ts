// A thin, synchronous wrapper around the git command line.
import { spawnSync } from 'node:child_process';

export interface GitResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

/** Runs git and returns its result whatever the exit status. */
export function tryGit(args: readonly string[], options: GitOptions): GitResult {
  const run = spawnSync('git', args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    // Whole rendered environments pass through `git cat-file --batch`; the 1 MiB default is too small.
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** Runs git and returns its trimmed output; throws on a non-zero exit. */
export function git(args: readonly string[], options: GitOptions): string {
  const result = tryGit(args, options);
  if (result.status !== 0) throw new GitError(args, result);
  return result.stdout.trim();
}

/** Identity for commits made by tools when the checkout has none (as on a fresh CI runner). */
const FALLBACK_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** Author and committer environment: the configured identity, else the GitHub Actions bot. */
export function commitIdentity(cwd: string): NodeJS.ProcessEnv {
  const configured = (key: string) => tryGit(['config', key], { cwd }).stdout.trim();
  const name = configured('user.name') || FALLBACK_IDENTITY.name;
  const email = configured('user.email') || FALLBACK_IDENTITY.email;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

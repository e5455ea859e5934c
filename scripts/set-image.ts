// `npm run set-image -- <workload>=<tag> [...] [--file config/images.ts] [--commit [--push]]`
// Pins new image tags in config/images.ts. Any invalid request fails the whole command and the file
// is left as it was. --commit commits the file alone; --push pushes that commit to the checked-out
// branch and, when someone pushed first, starts again from theirs (used by image-updated.yml).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commitIdentity, git, tryGit } from '../tooling/git';
import { updateImageTags, type ImageTagChange } from '../tooling/image-tags';

const USAGE = 'usage: npm run set-image -- <workload>=<tag> [...] [--file config/images.ts] [--commit [--push] [--remote origin]]';
const MAX_PUSH_ATTEMPTS = 5;

/** Applies the requests to the file on disk; undefined when a request is invalid (reported). */
function apply(file: string, requests: readonly string[]): readonly ImageTagChange[] | undefined {
  const update = updateImageTags(readFileSync(file, 'utf8'), requests, file);
  if (update.problems.length > 0 || update.text === undefined) {
    for (const problem of update.problems) console.error(`error   ${problem}`);
    console.error(`set-image refused; ${file} left unchanged`);
    return undefined;
  }
  if (update.changes.length === 0) {
    console.log(`${file}: already at the requested tags`);
  } else {
    // Write beside, then rename: a reader never sees half a file.
    writeFileSync(`${file}.tmp`, update.text);
    renameSync(`${file}.tmp`, file);
    for (const change of update.changes) console.log(`${change.name}: ${change.from} → ${change.to}`);
  }
  return update.changes;
}

function commit(file: string, changes: readonly ImageTagChange[]): void {
  if (changes.length === 0) return;
  const cwd = process.cwd();
  const message = `set-image: ${changes.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}`;
  git(['commit', '--quiet', '-m', message, '--', file], { cwd, env: commitIdentity(cwd) });
  console.log(`committed: ${message}`);
}

function main(argv: string[]): number {
  let parsed: { values: { file?: string; commit?: boolean; push?: boolean; remote?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', default: 'config/images.ts' },
        commit: { type: 'boolean', default: false },
        push: { type: 'boolean', default: false },
        remote: { type: 'string', default: 'origin' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { file = 'config/images.ts', remote = 'origin' } = parsed.values;
  const requests = parsed.positionals;
  const cwd = process.cwd();
  if (!parsed.values.push) {
    const changes = apply(file, requests);
    if (!changes) return 1;
    if (parsed.values.commit) commit(file, changes);
    return 0;
  }

  // Pushing resets to the remote branch on a retry: refuse to run over unrelated local changes.
  const dirty = git(['status', '--porcelain'], { cwd });
  const branch = tryGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd }).stdout.trim();
  if (dirty !== '' || branch === '') {
    console.error(`error   --push needs a clean checkout of a branch (${branch ? 'uncommitted changes' : 'detached HEAD'})`);
    return 2;
  }
  for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
    const changes = apply(file, requests);
    if (!changes) return 1;
    commit(file, changes);
    const push = tryGit(['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`], { cwd });
    if (push.status === 0) {
      console.log(`pushed ${git(['rev-parse', '--short=12', 'HEAD'], { cwd })} to ${remote} ${branch}`);
      return 0;
    }
    if (!/non-fast-forward|fetch first|failed to update ref|cannot lock ref/.test(`${push.stdout}${push.stderr}`)) {
      console.error(`error   push failed:\n${push.stderr.trim() || push.stdout.trim()}`);
      return 1;
    }
    console.log(`push rejected: ${branch} moved on; applying the tags again on top (attempt ${attempt + 1}/${MAX_PUSH_ATTEMPTS})`);
    git(['fetch', '--quiet', remote, `refs/heads/${branch}`], { cwd });
    git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], { cwd });
  }
  console.error(`error   ${branch} kept moving; gave up after ${MAX_PUSH_ATTEMPTS} attempts`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));

// `npm run set-image -- <workload>=<tag> [...] [--file config/images.ts] [--commit]`
// Pins new image tags in config/images.ts. Any invalid request fails the whole command and the file
// is left as it was. --commit commits the file alone (for the repository_dispatch workflow).
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commitIdentity, git } from '../lib/git';
import { updateImageTags, type ImageTagChange } from '../lib/image-tags';

function commit(file: string, changes: readonly ImageTagChange[]): void {
  const cwd = process.cwd();
  if (changes.length > 0) {
    const message = `set-image: ${changes.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}`;
    git(['commit', '--quiet', '-m', message, '--', file], { cwd, env: commitIdentity(cwd) });
    console.log(`committed: ${message}`);
  }
  // The workflow gates and publishes exactly this commit.
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `ref=${git(['rev-parse', 'HEAD'], { cwd })}\n`);
}

function main(argv: string[]): number {
  let parsed: { values: { file?: string; commit?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { file: { type: 'string', default: 'config/images.ts' }, commit: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run set-image -- <workload>=<tag> [...]`);
    return 2;
  }
  const file = parsed.values.file ?? 'config/images.ts';
  const update = updateImageTags(readFileSync(file, 'utf8'), parsed.positionals, file);
  if (update.problems.length > 0 || update.text === undefined) {
    for (const problem of update.problems) console.error(`error   ${problem}`);
    console.error(`set-image refused; ${file} left unchanged`);
    return 1;
  }
  if (update.changes.length === 0) {
    console.log(`${file}: already at the requested tags`);
  } else {
    // Write beside, then rename: a reader never sees half a file.
    writeFileSync(`${file}.tmp`, update.text);
    renameSync(`${file}.tmp`, file);
    for (const change of update.changes) console.log(`${change.name}: ${change.from} → ${change.to}`);
  }
  if (parsed.values.commit) commit(file, update.changes);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

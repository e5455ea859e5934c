// `npm run diff [-- --base <git ref>] [--env <name>|all]... [--format text|markdown]`
// What would change on the deploy branch: the working tree's render against the rendered objects at
// a git ref (default: the deploy branch, `origin/deploy` or else `deploy`), object by object. The
// environments are synth's and publish:deploy's (tooling/environment-args.ts): without --env, the default
// environment only.
import { consoleOutput } from '../tooling/command-output';
import { diffCommand } from '../tooling/diff-command';

// `npm run diff | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = diffCommand(process.argv.slice(2), consoleOutput, process.cwd());

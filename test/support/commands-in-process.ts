// The commands in the test's own process (tooling/<name>-command.ts): the same code the built
// commands run, without starting Node and loading a bundle for every case. The tests of a built
// command itself (its text output, exit codes, stack traces, a whole render) spawn it with runBuilt.
// Each command is loaded when first run: diff's and publish's load every chart, which a file that
// only validates need not pay for.
import type { CommandOutput } from '../../tooling/command-output';

export interface CommandRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function inProcess(command: (out: CommandOutput) => number | Promise<number>): Promise<CommandRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await command({ log: (line) => stdout.push(`${line}\n`), error: (line) => stderr.push(`${line}\n`) });
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** `npm run validate -- <args>`. */
export const validateInProcess = (args: readonly string[]) =>
  inProcess((out) =>
    (require('../../tooling/validate-command') as typeof import('../../tooling/validate-command')).validateCommand(args, out),
  );

/** `npm run diff -- <args>` in `cwd`. */
export const diffInProcess = (args: readonly string[], cwd: string) =>
  inProcess((out) => (require('../../tooling/diff-command') as typeof import('../../tooling/diff-command')).diffCommand(args, out, cwd));

/** `npm run publish:deploy -- <args>` in `cwd`. */
export const publishInProcess = (args: readonly string[], cwd: string) =>
  inProcess((out) =>
    (require('../../tooling/publish-command') as typeof import('../../tooling/publish-command')).publishCommand(args, out, { cwd }),
  );

// `npm run validate` in the test's own process (tooling/validate-command.ts): the same code the
// built command runs, without starting Node and loading the bundle for every case. The tests of the
// built command itself (exit codes, stack traces, the text output) spawn it with runBuilt.
import { validateCommand } from '../../tooling/validate-command';

export interface ValidateRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function validateInProcess(args: readonly string[]): Promise<ValidateRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await validateCommand(args, { log: (line) => stdout.push(`${line}\n`), error: (line) => stderr.push(`${line}\n`) });
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}

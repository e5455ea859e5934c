// Where a command writes. The commands write through it so the tests can run them in-process and
// read what they printed; the scripts hand them the console.

/** A line to standard output, a line to standard error. */
export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

/** The process's own standard output and error. */
export const consoleOutput: CommandOutput = { log: (line) => console.log(line), error: (line) => console.error(line) };

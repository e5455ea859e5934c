// How a child process ended: its exit status and what it printed, collected while it ran. For the
// children a command starts and then waits for beside other work (`npm run import`'s cdk8s).
import type { ChildProcess } from 'node:child_process';

export interface ChildResult {
  /** The exit code; null when it could not start or was killed by a signal. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Resolves once `child` has exited and closed its output; a child that could not start has the reason as stderr. */
export function finished(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((done) => {
    child.on('error', (error) => done({ status: null, stdout, stderr: error.message }));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

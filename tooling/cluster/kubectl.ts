// kubectl as the one client of a cluster: it already speaks every kubeconfig (tokens, client
// certificates, exec plugins), so a user's own cluster works exactly like the test control plane.
import { spawn } from 'node:child_process';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The API server's warnings (`Warning: …` lines kubectl prints), without the prefix. */
  readonly warnings: readonly string[];
}

export interface Kubectl {
  (args: readonly string[], input?: string): Promise<KubectlResult>;
  /** The arguments every call starts with (`--kubeconfig …`), for messages. */
  readonly baseArgs: readonly string[];
}

export function warningsIn(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('Warning: '))
    .map((line) => line.slice('Warning: '.length).trim());
}

/** A kubectl bound to one kubeconfig (or kubectl's own lookup when none is given). */
export function kubectlFor({
  kubeconfig,
  context,
  binary = 'kubectl',
}: {
  kubeconfig?: string;
  context?: string;
  binary?: string;
}): Kubectl {
  const baseArgs = [...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), ...(context ? ['--context', context] : [])];
  const run = (args: readonly string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = spawn(binary, [...baseArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error) => resolve({ code: 127, stdout: '', stderr: `${binary}: ${error.message}`, warnings: [] }));
      child.on('close', (code) => {
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr, warnings: warningsIn(stderr) });
      });
      child.stdin.on('error', () => {});
      child.stdin.end(input ?? '');
    });
  return Object.assign(run, { baseArgs });
}

/** The error kubectl printed, without its warnings and its `error: ` / `Error from server` framing. */
export function errorText(result: KubectlResult): string {
  return result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Warning: '))
    .join('\n')
    .trim();
}

/** Runs `work` over `items` with at most `limit` at once, results in input order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

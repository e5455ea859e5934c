// `npm run validate -- <file-or-folder>... [options]` (USAGE below; docs/validation.md)
// Validates any Kubernetes YAML with the rules synth applies to its own output. The first line says
// the mode (project: this platform's render, judged with what config/ knows; foreign: anyone's YAML),
// then one line per finding, counts at the end; exit 1 on any error, 0 when there are only warnings
// and notes, 2 on a usage error or an unexpected failure (one line; TITANIUM_DEBUG=1 adds the
// stack). Each argument is one cluster (split further at environment roots), unless --one-cluster.
// --server also sends every object to a real cluster as a server-side apply dry run with strict field
// validation (tooling/cluster/server-validation.ts); the kubeconfig comes from kubectl's usual places unless given.
import { consoleOutput } from '../tooling/command-output';
import { validateCommand } from '../tooling/validate-command';

/**
 * An exception nothing above expects (a bug, a broken stdout): one line that says so, exit 2 (1 means
 * errors found, which this is not), and the stack only with TITANIUM_DEBUG=1.
 */
function stopped(error: unknown): number {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const debug = process.env.TITANIUM_DEBUG === '1';
  console.error(`error   validate stopped unexpectedly (${cause})${debug ? '' : '; TITANIUM_DEBUG=1 shows where'}`);
  if (debug && error instanceof Error && error.stack) console.error(error.stack);
  return 2;
}

validateCommand(process.argv.slice(2), consoleOutput).then(
  (code) => (process.exitCode = code),
  (error: unknown) => (process.exitCode = stopped(error)),
);

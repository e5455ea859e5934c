// Every kubectl command the docs give (README.md and every page under docs/) is one kubectl accepts:
// each runs against a server that is not there (a loopback port nobody listens on), so a valid
// command gets as far as connecting, and a malformed one (two names to `create namespace`, an
// unknown flag, a file that does not exist) is refused by kubectl before that. Commands that fetch a
// URL are left out: tests use no network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli';
import { codeBlocks, docPages, readDoc } from '../support/docs';
import { externalInput } from '../support/strict';

/** Shell commands of a page's `sh` blocks that call kubectl: continuations joined, comments dropped. */
function kubectlCommands(markdown: string): string[] {
  return codeBlocks(markdown)
    .filter((b) => b.language === 'sh')
    .flatMap((b) => b.text.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => /(^|\s|\$\()kubectl\s/.test(line) && !line.includes('://'));
}

const haveKubectl = externalInput(
  'kubectl',
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0,
  "the checks of the docs' kubectl commands",
  'install any kubectl (kubernetes.io lists the packages)',
);

const CONNECTING =
  /The connection to the server \S+ was refused|connection refused|dial tcp|Unable to connect to the server|couldn't get current server API group list/;

(haveKubectl ? describe : describe.skip)('the kubectl commands of README.md and docs/', () => {
  const home = mkdtempSync(join(tmpdir(), 'titanium-kubectl-'));
  const kubeconfig = join(home, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: nobody, user: {token: none}}]',
      'contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]',
      'current-context: nowhere',
      '',
    ].join('\n'),
  );
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  // [page, command], the same command once per page.
  const commands = docPages().flatMap((page) => [...new Set(kubectlCommands(readDoc(page)))].map((command) => [page, command] as const));

  test('there are some, on the pages that give them', () => {
    expect(commands.length).toBeGreaterThan(10);
    const pages = new Set(commands.map(([page]) => page));
    for (const page of ['docs/bootstrap.md', 'docs/demo-runbook.md', 'docs/observability.md']) expect(pages).toContain(page);
  });

  test.each(commands)('%s: %s', (_page, command) => {
    const run = spawnSync('bash', ['-c', command], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
    });
    const refusedByKubectl = run.status !== 0 && !CONNECTING.test(run.stderr);
    expect({ command, refusedByKubectl, stderr: refusedByKubectl ? run.stderr : '' }).toEqual({
      command,
      refusedByKubectl: false,
      stderr: '',
    });
  });

  test('a malformed command is told apart from an unreachable server', () => {
    const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: home };
    const bad = spawnSync('bash', ['-c', 'kubectl create namespace a b'], { encoding: 'utf8', env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).not.toMatch(CONNECTING);
    const good = spawnSync('bash', ['-c', 'kubectl create namespace a'], { encoding: 'utf8', env });
    expect(good.stderr).toMatch(CONNECTING);
  });
});

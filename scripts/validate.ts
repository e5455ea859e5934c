// `npm run validate -- <file-or-folder>... [--format text|json] [--server [--kubeconfig <path>] [--context <name>]]`
// Validates any Kubernetes YAML with the rules synth applies to its own output. One line per
// finding, counts at the end; exit 1 on any error, 0 when there are only warnings. --server also
// sends every object to a real cluster as a server-side apply dry run with strict field validation
// (tooling/cluster/server-validation.ts); the kubeconfig comes from kubectl's usual places unless given.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { environments, platformConfig } from '../config';
import type { ExternalSecret } from '../config/types';
import { readManifests } from '../validation/read-manifests';
import type { Manifest } from '../validation/manifest';
import { validateManifests } from '../validation';
import { countBySeverity, formatFinding, summaryLine } from '../validation/finding';
import { kubectlFor } from '../tooling/cluster/kubectl';
import { serverFindings } from '../tooling/cluster/server-validation';

const USAGE = 'usage: npm run validate -- <file-or-folder>... [--format text|json] [--server [--kubeconfig <path>] [--context <name>]]';

/** Secrets declared in config, in each environment's namespace. */
function declaredSecrets(): ExternalSecret[] {
  return Object.keys(environments).flatMap((name) => {
    const config = platformConfig(name);
    return config.externalSecrets.map((s) => ({ ...s, namespace: s.namespace ?? config.environment.namespace }));
  });
}

/**
 * The environment tree a file belongs to: the nearest folder that holds an `argocd-apps` folder
 * (`dist/<env>/`). Each tree is one cluster and is validated on its own, so the same NodePort in
 * prod and local is no clash.
 */
function environmentRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'argocd-apps'))) return dir;
  }
  return '';
}

function byEnvironment(manifests: readonly Manifest[]): Manifest[][] {
  const groups = new Map<string, Manifest[]>();
  for (const manifest of manifests) {
    const root = environmentRoot(manifest.file);
    groups.set(root, [...(groups.get(root) ?? []), manifest]);
  }
  return [...groups.values()];
}

async function main(argv: string[]): Promise<number> {
  let parsed: { values: { format?: string; server?: boolean; kubeconfig?: string; context?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: 'string', default: 'text' },
        server: { type: 'boolean', default: false },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const format = parsed.values.format;
  if (parsed.positionals.length === 0 || (format !== 'text' && format !== 'json')) {
    console.error(USAGE);
    return 2;
  }
  const read = readManifests(parsed.positionals);
  const context = { externalSecrets: declaredSecrets(), defaultNamespace: 'default' };
  const findings = [...read.problems, ...byEnvironment(read.manifests).flatMap((group) => validateManifests(group, context))];
  if (parsed.values.server) {
    try {
      const { kubeconfig, context: kubeContext } = parsed.values;
      findings.push(...(await serverFindings(kubectlFor({ kubeconfig, context: kubeContext }), read.manifests)));
    } catch (error) {
      console.error(`error   --server: ${(error as Error).message}`);
      return 2;
    }
  } else if (parsed.values.kubeconfig || parsed.values.context) {
    console.error(`--kubeconfig and --context go with --server\n${USAGE}`);
    return 2;
  }
  const counts = countBySeverity(findings);
  if (format === 'json') {
    console.log(JSON.stringify({ files: read.files.length, objects: read.manifests.length, counts, findings }, null, 2));
  } else {
    for (const finding of findings) console.log(formatFinding(finding));
    console.log(`${read.files.length} file(s), ${read.manifests.length} object(s): ${summaryLine(findings)}`);
  }
  return counts.errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));

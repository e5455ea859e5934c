// `npm run validate -- <file-or-folder>... [--format text|json]`
// Validates any Kubernetes YAML with the rules synth applies to its own output. One line per
// finding, counts at the end; exit 1 on any error, 0 when there are only warnings.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { environments, platformConfig } from '../config';
import type { ExternalSecret } from '../config/types';
import { readManifests } from '../validation/read-manifests';
import type { Manifest } from '../validation/manifest';
import { validateManifests } from '../validation';
import { countBySeverity, formatFinding, summaryLine } from '../validation/finding';

const USAGE = 'usage: npm run validate -- <file-or-folder>... [--format text|json]';

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

function main(argv: string[]): number {
  let parsed: { values: { format?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true });
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
  const counts = countBySeverity(findings);
  if (format === 'json') {
    console.log(JSON.stringify({ files: read.files.length, objects: read.manifests.length, counts, findings }, null, 2));
  } else {
    for (const finding of findings) console.log(formatFinding(finding));
    console.log(`${read.files.length} file(s), ${read.manifests.length} object(s): ${summaryLine(findings)}`);
  }
  return counts.errors > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));

// The body of `npm run validate` (scripts/validate.ts, USAGE below; docs/validation.md), writing
// through a CommandOutput so the tests can run it in-process; the command adds the catch-all.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { environments, platform, platformConfig } from '../config';
import { observability } from '../config/observability';
import { readManifests } from '../validation/read-manifests';
import type { Manifest } from '../validation/manifest';
import { validateManifests, type ValidationContext } from '../validation';
import { countBySeverity, formatFinding, summaryLine, type Finding } from '../validation/finding';
import { POD_SECURITY_LEVELS, type Labels, type PodSecurityLevel, type ValidationMode } from '../validation/model';
import { detectMode, projectKnowledge } from '../validation/modes';
import { kubectlFor } from './cluster/kubectl';
import type { CommandOutput } from './command-output';
import { serverFindings } from './cluster/server-validation';

const USAGE = [
  'usage: npm run validate -- <file-or-folder>... [--format text|json] [--mode project|foreign] [--one-cluster]',
  '         [--namespace-labels <ns>:<key>=<value>[,<key>=<value>]]... [--pod-security restricted|baseline|privileged]',
  '         [--external-secret <ns>/<name>]... [--server [--kubeconfig <path>] [--context <name>]]',
].join('\n');

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

class UsageError extends Error {}

/** `shop:istio-injection=enabled,pod-security.kubernetes.io/enforce=baseline`, repeatable, merged per namespace. */
function namespaceLabelsFrom(values: readonly string[]): Record<string, Labels> {
  const stated: Record<string, Record<string, string>> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const namespace = value.slice(0, colon);
    const pairs = colon < 0 ? [] : value.slice(colon + 1).split(',');
    const parsed = pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const);
    if (!DNS_LABEL.test(namespace) || !pairs.length || pairs.some((pair, i) => !pair.includes('=') || !parsed[i][0])) {
      throw new UsageError(`--namespace-labels "${value}": expected <namespace>:<key>=<value>[,<key>=<value>]`);
    }
    stated[namespace] = { ...stated[namespace], ...Object.fromEntries(parsed) };
  }
  return stated;
}

function externalSecretsFrom(values: readonly string[]): string[] {
  for (const value of values) {
    const [namespace, name, ...rest] = value.split('/');
    if (rest.length || !DNS_LABEL.test(namespace ?? '') || !DNS_SUBDOMAIN.test(name ?? '')) {
      throw new UsageError(`--external-secret "${value}": expected <namespace>/<name>, e.g. shop/db-credentials`);
    }
  }
  return [...values];
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} "${value}": expected ${allowed.join(', ')}`);
  return value as T;
}

/**
 * The environment tree a file belongs to: the nearest folder that holds an `argocd-apps` folder
 * (`dist/<env>/`), or '' outside one. Inside one argument each tree is a cluster of its own, so the
 * same NodePort in prod and local is no clash.
 */
function environmentRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'argocd-apps'))) return dir;
  }
  return '';
}

interface Cluster {
  readonly name: string;
  readonly manifests: Manifest[];
  readonly folders: readonly string[];
}

/** One cluster per argument, split at environment roots; with --one-cluster, all of them together. */
function clustersOf(
  perArgument: readonly { argument: string; manifests: readonly Manifest[]; folders: readonly string[] }[],
  oneCluster: boolean,
): Cluster[] {
  if (oneCluster) {
    const name = perArgument.map((a) => a.argument).join(' ');
    return [{ name, manifests: perArgument.flatMap((a) => a.manifests), folders: perArgument.flatMap((a) => a.folders) }];
  }
  return perArgument.flatMap(({ argument, manifests, folders }) => {
    const byRoot = new Map<string, Manifest[]>();
    // Files share folders: look each folder's root up once, not once per file.
    const rootOf = new Map<string, string>();
    for (const manifest of manifests) {
      const folder = dirname(manifest.file);
      let root = rootOf.get(folder);
      if (root === undefined) rootOf.set(folder, (root = environmentRoot(manifest.file)));
      const group = byRoot.get(root);
      if (group) group.push(manifest);
      else byRoot.set(root, [manifest]);
    }
    return [...byRoot].map(([root, group]) => ({
      name: root || argument,
      manifests: group,
      folders: root ? folders.filter((f) => f === root || f.startsWith(`${root}/`)) : folders,
    }));
  });
}

/** In project mode, config's namespace labels fill in the namespaces a cluster's files do not show. */
function namespaceLabelsFor(
  cluster: Cluster,
  known: Readonly<Record<string, Labels>>,
  stated: Readonly<Record<string, Labels>>,
): Record<string, Labels> {
  const shown = new Set(cluster.manifests.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata?.name));
  const labels: Record<string, Labels> = {};
  for (const [name, value] of Object.entries(known)) if (!shown.has(name)) labels[name] = value;
  for (const [name, value] of Object.entries(stated)) labels[name] = { ...labels[name], ...value };
  return labels;
}

/** The command: its exit code (0 clean, 1 errors found, 2 a usage error). */
export async function validateCommand(argv: readonly string[], out: CommandOutput): Promise<number> {
  let parsed;
  let options: { mode?: ValidationMode; podSecurity?: PodSecurityLevel; namespaceLabels: Record<string, Labels>; statedSecrets: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        format: { type: 'string', default: 'text' },
        mode: { type: 'string' },
        'one-cluster': { type: 'boolean', default: false },
        'namespace-labels': { type: 'string', multiple: true, default: [] },
        'pod-security': { type: 'string' },
        'external-secret': { type: 'string', multiple: true, default: [] },
        server: { type: 'boolean', default: false },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
    if (parsed.values.help) {
      out.log(USAGE);
      return 0;
    }
    options = {
      mode: oneOf('--mode', parsed.values.mode, ['project', 'foreign'] as const),
      podSecurity: oneOf('--pod-security', parsed.values['pod-security'], POD_SECURITY_LEVELS),
      namespaceLabels: namespaceLabelsFrom(parsed.values['namespace-labels']),
      statedSecrets: externalSecretsFrom(parsed.values['external-secret']),
    };
  } catch (error) {
    out.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const format = parsed.values.format;
  if (parsed.positionals.length === 0 || (format !== 'text' && format !== 'json')) {
    out.error(USAGE);
    return 2;
  }
  if (!parsed.values.server && (parsed.values.kubeconfig || parsed.values.context)) {
    out.error(`--kubeconfig and --context go with --server\n${USAGE}`);
    return 2;
  }

  // Each argument read on its own; a file an earlier argument already holds (`dist/ dist/prod`) is read once.
  const seen = new Set<string>();
  const files: string[] = [];
  const problems: Finding[] = [];
  const perArgument = parsed.positionals.map((argument) => {
    const read = readManifests([argument]);
    const repeated = new Set(read.files.filter((file) => seen.has(resolve(file))));
    for (const file of read.files.filter((f) => !repeated.has(f))) {
      files.push(file);
      seen.add(resolve(file));
    }
    problems.push(...read.problems.filter((p) => p.file === undefined || !repeated.has(p.file)));
    // The folders an Argo CD Application may read besides the manifests': source trees, folders of other files.
    const sourceTrees = read.problems.filter((p) => p.rule === 'source-tree' && p.file !== undefined).map((p) => p.file!);
    const folders = [...new Set([...sourceTrees, ...read.files.map((file) => dirname(file))])];
    return { argument, manifests: read.manifests.filter((m) => !repeated.has(m.file)), folders };
  });
  const manifests = perArgument.flatMap((a) => a.manifests);
  const detected = detectMode(manifests, platform.name);
  const mode = options.mode ?? detected.mode;
  const reason = options.mode ? `--mode ${options.mode}` : detected.reason;
  const known =
    mode === 'project'
      ? projectKnowledge(Object.keys(environments).map(platformConfig))
      : { externalSecrets: [], namespaceLabels: {} as Record<string, Labels> };

  const clusters = clustersOf(perArgument, parsed.values['one-cluster']);
  const findings = [...problems];
  for (const cluster of clusters) {
    const context: ValidationContext = {
      mode,
      defaultNamespace: 'default',
      externalSecrets: known.externalSecrets,
      statedSecrets: options.statedSecrets,
      namespaceLabels: namespaceLabelsFor(cluster, known.namespaceLabels, options.namespaceLabels),
      podSecurity: options.podSecurity,
      inputFolders: cluster.folders,
      ...(mode === 'project' ? { metricLabels: observability.serviceMetricLabels } : {}),
    };
    findings.push(...validateManifests(cluster.manifests, context));
  }
  if (parsed.values.server) {
    try {
      const { kubeconfig, context: kubeContext } = parsed.values;
      findings.push(...(await serverFindings(kubectlFor({ kubeconfig, context: kubeContext }), manifests)));
    } catch (error) {
      out.error(`error   --server: ${(error as Error).message}`);
      return 2;
    }
  }
  const counts = countBySeverity(findings);
  if (format === 'json') {
    const clusterList = clusters.map((c) => ({ name: c.name, objects: c.manifests.length }));
    out.log(
      JSON.stringify(
        { mode, modeReason: reason, files: files.length, objects: manifests.length, clusters: clusterList, counts, findings },
        null,
        2,
      ),
    );
  } else {
    out.log(`mode: ${mode} (${reason})`);
    if (clusters.length > 1) {
      const how = parsed.values['one-cluster'] ? '' : ' (one per argument and environment root; --one-cluster joins them)';
      out.log(`clusters, judged apart${how}: ${clusters.map((c) => `${c.name} (${c.manifests.length} object(s))`).join(', ')}`);
    }
    for (const finding of findings) out.log(formatFinding(finding));
    out.log(`${files.length} file(s), ${manifests.length} object(s): ${summaryLine(findings)}`);
  }
  return counts.errors > 0 ? 1 : 0;
}

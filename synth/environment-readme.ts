// dist/<env>/README.md: what a reader of the deploy branch needs to know about one environment's
// folder: where it came from, what each folder holds and how the pieces connect. Pure: the source
// revision is read by the caller (main.ts), so the same source renders the same text.
import type { PlatformConfig, RouteDefinition } from '../config/types';
import { endpointsTable } from './endpoints';
import type { RenderedFolder, RenderedManifest, RenderedRelease } from './render';
import { sourceLine, type SourceRevision } from './source-revision';
import { kindCounts, manifestsByFolder } from './synth-summary';

/** Its file name in `dist/<env>/`. */
export const ENVIRONMENT_README = 'README.md';

export interface EnvironmentContents {
  readonly manifests: readonly RenderedManifest[];
  readonly folders: readonly RenderedFolder[];
  readonly releases: readonly RenderedRelease[];
}

// Prefixed, so that no workload name can be a Mermaid keyword (`end`, `graph`).
const nodeId = (name: string) => `n_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

// `(1)`, not `1.`: Mermaid 11 reads a label starting `1. ` as a Markdown list and refuses it, as it
// does a URL with a scheme.
function routeLabel(route: RouteDefinition, position: number): string {
  const match = 'exact' in route.match ? `= ${route.match.exact}` : `${route.match.prefix}*`;
  return `(${position}) ${match}${route.rewrite ? ` → ${route.rewrite}` : ''}`;
}

/** The topology as a Mermaid flowchart: ingress routes, services, the call graph, data stores. */
export function topologyMermaid(config: PlatformConfig): string {
  const { environment, services, redis, postgresql, routes, callGraph, nodePorts, loadGenerator } = config;
  const gateway = callGraph.ingressGateway;
  const gatewayPeer = callGraph.peers.find((p) => p.name === gateway);
  const namespaceId = nodeId(`ns-${environment.namespace}`);
  const lines = ['```mermaid', 'flowchart LR'];
  lines.push(
    `  client(["client"]) -->|"${environment.publicHost}:${nodePorts.ingressHttp}"| ${nodeId(gateway)}["${gateway}<br/>${gatewayPeer?.namespace ?? ''}"]`,
  );
  lines.push(`  subgraph ${namespaceId}["namespace ${environment.namespace} (STRICT mTLS, deny by default)"]`);
  for (const service of services) lines.push(`    ${nodeId(service.name)}["${service.name}<br/>:${service.port} http"]`);
  for (const store of [redis, postgresql]) lines.push(`    ${nodeId(store.name)}[("${store.name}<br/>:${store.port} tcp")]`);
  lines.push(`    ${nodeId(loadGenerator.name)}{{"${loadGenerator.name}<br/>k6"}}`);
  lines.push('  end');
  // The gateway's edges carry the route table, in match order.
  const byTarget = new Map<string, string[]>();
  routes.forEach((route, index) => {
    const labels = byTarget.get(route.service);
    if (labels) labels.push(routeLabel(route, index + 1));
    else byTarget.set(route.service, [routeLabel(route, index + 1)]);
  });
  for (const [target, labels] of byTarget) lines.push(`  ${nodeId(gateway)} -->|"${labels.join('<br/>')}"| ${nodeId(target)}`);
  for (const edge of callGraph.edges.filter((e) => e.from !== gateway)) lines.push(`  ${nodeId(edge.from)} --> ${nodeId(edge.to)}`);
  for (const scrape of callGraph.scrapes) {
    const peer = callGraph.peers.find((p) => p.name === scrape.from);
    lines.push(`  ${nodeId(scrape.from)}["${scrape.from}<br/>${peer?.namespace ?? ''}"] -.->|":${scrape.port} metrics"| ${namespaceId}`);
  }
  lines.push('```');
  return lines.join('\n');
}

export function environmentReadme(config: PlatformConfig, contents: EnvironmentContents, source: SourceRevision | undefined): string {
  const { environment, platform, delivery } = config;
  const byFolder = manifestsByFolder(contents.manifests);
  const folderRows = contents.folders.map((folder) => {
    const manifests = byFolder.get(folder.name) ?? [];
    return `| \`${folder.name}/\` | ${folder.syncWave} | ${manifests.length}: ${kindCounts(manifests)} | ${folder.description} |`;
  });
  const releaseRows = contents.releases.map(
    (r) => `| \`${r.name}\` | ${r.syncWave} | \`${r.chart}\` ${r.version} from <${r.repoURL}> | ${r.namespace} |`,
  );
  return `${[
    `# ${platform.name} platform: ${environment.name} (generated, do not edit)`,
    '',
    sourceLine(source),
    '',
    'Change the TypeScript on the source branch and render again: the next render replaces this folder',
    `whole. Argo CD syncs \`${environment.name}/<folder>/\` from the \`${delivery.deployBranch}\` branch.`,
    '',
    '## Folders',
    '',
    'One Argo CD Application per folder, applied in sync-wave order.',
    '',
    '| folder | sync wave | objects | what it holds |',
    '|---|---|---|---|',
    ...folderRows,
    '',
    '## Helm charts Argo CD renders',
    '',
    'Child Applications of `argocd-apps/` with no folder here: Argo CD renders the pinned chart with the',
    'values in the Application.',
    '',
    '| Application | sync wave | chart | namespace |',
    '|---|---|---|---|',
    ...releaseRows,
    '',
    '## Topology',
    '',
    'Requests enter through the ingress gateway, whose route table is tried in order (first match wins);',
    'every other arrow is an allowed call (AuthorizationPolicy and NetworkPolicy); any call not drawn is denied.',
    '',
    topologyMermaid(config),
    '',
    '## Endpoints',
    '',
    endpointsTable(config),
  ].join('\n')}\n`;
}

// The table synth prints after writing an environment: objects per folder and kind, warnings.
import { appOf } from '../validation/manifest';
import { groupBy } from '../validation/model';
import type { RenderedFolder, RenderedManifest } from './render';

export interface SummaryInput {
  readonly environment: string;
  readonly directories: { readonly dist: string; readonly argocd: string };
  readonly manifests: readonly RenderedManifest[];
  readonly bootstrap: readonly RenderedManifest[];
  readonly folders: readonly RenderedFolder[];
  readonly warnings: number;
  /** Directories that already held this render and were not rewritten. @default none */
  readonly unchanged?: readonly string[];
}

/** `Deployment 5, Service 6`: kinds by count, then name. */
export function kindCounts(manifests: readonly RenderedManifest[]): string {
  const counts = new Map<string, number>();
  for (const { object } of manifests) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  return [...counts]
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b, 'en'))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

/** The manifests of each folder, grouped in one pass. */
export function manifestsByFolder(manifests: readonly RenderedManifest[]): Map<string, RenderedManifest[]> {
  return groupBy(manifests, appOf);
}

/** A plain-text table, one row per folder (sync-wave order) and one for the bootstrap. */
export function synthSummary(input: SummaryInput): string {
  const byFolder = manifestsByFolder(input.manifests);
  const rows: [string, string, string][] = [
    ...input.folders.map((folder): [string, string, string] => {
      const manifests = byFolder.get(folder.name) ?? [];
      return [`${input.directories.dist}/${folder.name}/`, String(manifests.length), kindCounts(manifests)];
    }),
    [`${input.directories.argocd}/`, String(input.bootstrap.length), kindCounts(input.bootstrap)],
  ];
  const total = input.manifests.length + input.bootstrap.length;
  const header: [string, string, string] = ['folder', 'objects', 'kinds'];
  const width = (column: 0 | 1) => Math.max(...[header, ...rows].map((row) => row[column].length));
  const line = ([folder, count, kinds]: [string, string, string]) =>
    `  ${folder.padEnd(width(0))}  ${count.padStart(width(1))}  ${kinds}`.trimEnd();
  return [
    `${input.environment}: ${total} objects, ${input.warnings} warning(s)`,
    line(header),
    ...rows.map(line),
    ...(input.unchanged?.length ? [`  unchanged, not rewritten: ${input.unchanged.map((dir) => `${dir}/`).join(', ')}`] : []),
  ].join('\n');
}

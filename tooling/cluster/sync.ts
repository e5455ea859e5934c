// The part of an Argo CD sync that touches the API server, done with kubectl the way Argo CD's
// ServerSideApply=true sync does it: one server-side apply per object with Argo CD's field manager,
// forced (Argo CD owns what it applies), with strict field validation so an unknown or duplicated
// field is an error, not a silently dropped line. Each object carries the tracking annotation Argo CD
// writes, so a later sync can find and prune what left the deploy branch.
import type { KubeObject, Manifest } from '../../validation/manifest';
import { objectRef } from '../../validation/manifest';
import { errorText, inParallel, type Kubectl } from './kubectl';
import { compareForSync, syncWave } from './sync-plan';

/** Argo CD's field manager for server-side apply (argo-cd `common.ArgoCDSSAManager`). */
export const ARGOCD_FIELD_MANAGER = 'argocd-controller';
/** Argo CD's default resource tracking since v3.0: an annotation, `<app>:<group>/<kind>:<namespace>/<name>`. */
export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function trackingId(app: string, object: KubeObject): string {
  return `${app}:${groupOf(object.apiVersion)}/${object.kind}:${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

export interface AppliedObject {
  readonly app: string;
  readonly ref: string;
  readonly file: string;
  readonly warnings: readonly string[];
  /** What the API server refused, as kubectl printed it. */
  readonly error?: string;
}

export interface SyncResult {
  readonly app: string;
  readonly applied: readonly AppliedObject[];
  /** `Kind/ns/name` of live objects this sync deleted because they left the folder. */
  readonly pruned: readonly string[];
  /** Live objects that left the folder but stay: Namespaces (never deleted) and `Prune=false`. */
  readonly kept: readonly string[];
}

export interface SyncOptions {
  /**
   * Ask the API server to judge each object without persisting it (`--dry-run=server`).
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Delete live objects tracked for this app that are no longer in the folder.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * kubectl calls at once within one sync wave and kind (Argo CD applies those in parallel too).
   * @default 4
   */
  readonly parallel?: number;
  /**
   * Apply as someone other than Argo CD, without its tracking annotation (the bootstrap, by hand).
   * @default Argo CD: ARGOCD_FIELD_MANAGER, tracked
   */
  readonly asUser?: string;
}

function withTracking(app: string, object: KubeObject): KubeObject {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, annotations: { ...metadata.annotations, [TRACKING_ANNOTATION]: trackingId(app, object) } } };
}

function applyArgs(
  objects: readonly KubeObject[],
  destinationNamespace: string | undefined,
  { dryRun = false, asUser }: Pick<SyncOptions, 'dryRun' | 'asUser'>,
) {
  // kubectl refuses --namespace when it differs from an object's own, so it goes only with objects naming none.
  const unnamespaced = objects.every((o) => !o.metadata?.namespace);
  return [
    'apply',
    '--server-side',
    `--field-manager=${asUser ?? ARGOCD_FIELD_MANAGER}`,
    '--force-conflicts',
    '--validate=strict',
    ...(dryRun ? ['--dry-run=server'] : []),
    ...(unnamespaced && destinationNamespace ? ['--namespace', destinationNamespace] : []),
    '-o',
    'name',
    '-f',
    '-',
  ];
}

/** Applies one object; `destinationNamespace` only for objects that name none. */
export async function applyObject(
  kubectl: Kubectl,
  app: string,
  manifest: Manifest,
  destinationNamespace: string | undefined,
  options: Pick<SyncOptions, 'dryRun' | 'asUser'> = {},
): Promise<AppliedObject> {
  const object = options.asUser ? manifest.object : withTracking(app, manifest.object);
  const result = await kubectl(applyArgs([object], destinationNamespace, options), JSON.stringify(object));
  return {
    app,
    ref: objectRef(manifest.object),
    file: manifest.file,
    warnings: result.warnings,
    ...(result.code === 0 ? {} : { error: errorText(result) }),
  };
}

/** Objects of one sync wave and kind, in sync order: they may go together, the groups may not. */
function syncGroups(objects: readonly Manifest[]): Manifest[][] {
  const groups: Manifest[][] = [];
  for (const manifest of [...objects].sort((a, b) => compareForSync(a.object, b.object))) {
    const last = groups.at(-1)?.[0]?.object;
    if (last && last.kind === manifest.object.kind && syncWave(last) === syncWave(manifest.object)) groups.at(-1)!.push(manifest);
    else groups.push([manifest]);
  }
  return groups;
}

interface LiveObject extends KubeObject {
  readonly metadata: KubeObject['metadata'] & { readonly annotations?: Readonly<Record<string, string>> };
}

/** Resource types a prune has to look through, asked once per Sync. */
async function listableTypes(kubectl: Kubectl): Promise<string[]> {
  const result = await kubectl(['api-resources', '--verbs=list,delete', '-o', 'name']);
  if (result.code !== 0) throw new Error(`kubectl api-resources failed: ${errorText(result)}`);
  // Events are never tracked, and on a busy cluster they are most of what a list returns.
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => name !== '' && name !== 'events' && name !== 'events.events.k8s.io');
}

export class Sync {
  private live?: Promise<LiveObject[]>;

  constructor(private readonly kubectl: Kubectl) {}

  /** Syncs one Application's objects: apply in order, then prune what the app tracked and no longer has. */
  async application(
    app: string,
    objects: readonly Manifest[],
    destinationNamespace: string,
    options: SyncOptions = {},
  ): Promise<SyncResult> {
    const { dryRun = false, prune = true, parallel = 4, asUser } = options;
    const applied: AppliedObject[] = [];
    for (const group of syncGroups(objects)) {
      applied.push(...(await this.group(app, group, destinationNamespace, { dryRun, asUser, parallel })));
    }
    if (!prune || dryRun || asUser) return { app, applied, pruned: [], kept: [] };
    const desired = new Set(objects.map((m) => trackingId(app, m.object)));
    const pruned: string[] = [];
    const kept: string[] = [];
    for (const live of await this.tracked(app)) {
      const id = live.metadata.annotations?.[TRACKING_ANNOTATION] ?? '';
      if (desired.has(id)) continue;
      const ref = objectRef(live);
      if (live.kind === 'Namespace' || /(^|,)\s*Prune=false\s*(,|$)/.test(live.metadata.annotations?.[SYNC_OPTIONS] ?? '')) {
        kept.push(ref);
        continue;
      }
      const resource = `${live.kind}.${groupOf(live.apiVersion)}`.replace(/\.$/, '');
      const namespace = live.metadata.namespace ? ['--namespace', live.metadata.namespace] : [];
      const result = await this.kubectl([
        'delete',
        `${resource}/${live.metadata.name}`,
        ...namespace,
        '--wait=false',
        '--ignore-not-found',
      ]);
      if (result.code !== 0) throw new Error(`prune of ${ref} failed: ${errorText(result)}`);
      pruned.push(ref);
    }
    return { app, applied, pruned, kept };
  }

  /**
   * One kubectl call for a whole group; only when it fails or the API server warns, each object again
   * on its own, to say which one. Re-applying is harmless: server-side apply of the same object is a no-op.
   */
  private async group(
    app: string,
    group: readonly Manifest[],
    destinationNamespace: string,
    options: Pick<SyncOptions, 'dryRun' | 'asUser' | 'parallel'>,
  ): Promise<AppliedObject[]> {
    const one = (m: Manifest) => applyObject(this.kubectl, app, m, destinationNamespace, options);
    const mixed = group.some((m) => m.object.metadata?.namespace) && group.some((m) => !m.object.metadata?.namespace);
    if (group.length > 1 && !mixed) {
      const objects = group.map((m) => (options.asUser ? m.object : withTracking(app, m.object)));
      const result = await this.kubectl(
        applyArgs(objects, destinationNamespace, options),
        objects.map((o) => JSON.stringify(o)).join('\n'),
      );
      if (result.code === 0 && result.warnings.length === 0) {
        return group.map((m) => ({ app, ref: objectRef(m.object), file: m.file, warnings: [] }));
      }
    }
    return inParallel(group, options.parallel ?? 4, one);
  }

  /**
   * Live objects whose tracking annotation names `app`. The cluster is listed once per Sync: each app
   * prunes only what it tracked before this sync, which a listing taken before its own apply holds.
   */
  async tracked(app: string): Promise<LiveObject[]> {
    this.live ??= this.listTracked();
    return (await this.live).filter((o) => (o.metadata.annotations?.[TRACKING_ANNOTATION] ?? '').startsWith(`${app}:`));
  }

  private async listTracked(): Promise<LiveObject[]> {
    const types = await listableTypes(this.kubectl);
    const result = await this.kubectl(['get', types.join(','), '--all-namespaces', '-o', 'json']);
    if (result.code !== 0) throw new Error(`listing live objects failed: ${errorText(result)}`);
    return (JSON.parse(result.stdout) as { items: LiveObject[] }).items.filter((o) => o.metadata.annotations?.[TRACKING_ANNOTATION]);
  }
}

// A rendered Kubernetes object and where it came from.

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly [field: string]: unknown;
}

export interface Manifest {
  readonly object: KubeObject;
  /** The file it was read from or is written to, e.g. `dist/prod/titanium-prod/service-redis.yaml`. */
  readonly file: string;
  /** The cdk8s construct that produced it, for objects this project renders. */
  readonly constructPath?: string;
  /** Where it sits in its file when it came from a List (`items[2]`): findings prefix their field with it. */
  readonly listItem?: string;
}

/** A manifest at its place in an environment's rendered tree (`dist/<env>/`, or `<env>/` on the deploy branch). */
export interface TreeManifest extends Manifest {
  /** Path inside the environment's folder: `<app>/<kind>-<name>.yaml`. */
  readonly path: string;
}

/** The folder (Argo CD Application) of a rendered manifest: the first part of its path in `dist/<env>/`. */
export function appOf(manifest: Pick<TreeManifest, 'path'>): string {
  return manifest.path.split('/', 1)[0];
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function objectRef(object: KubeObject): string {
  // Any YAML may reach here: a name that is a map (even one with a `toString` key) is shown, not called.
  const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const name = object.metadata?.name ?? '<unnamed>';
  const namespace = object.metadata?.namespace;
  return namespace ? `${object.kind}/${shown(namespace)}/${shown(name)}` : `${object.kind}/${shown(name)}`;
}

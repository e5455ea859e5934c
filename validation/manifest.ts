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
  /** Path of its file, relative to the environment's folder: `<app>/<kind>-<name>.yaml`. */
  readonly file: string;
  /** The cdk8s construct that produced it, for objects this project renders. */
  readonly constructPath?: string;
}

/** The folder (Argo CD Application) of a rendered manifest: the first part of its path in `dist/<env>/`. */
export function appOf(manifest: { readonly path: string }): string {
  return manifest.path.split('/', 1)[0];
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function objectRef(object: KubeObject): string {
  const name = object.metadata?.name ?? '<unnamed>';
  const namespace = object.metadata?.namespace;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

// Pod Security "restricted" settings (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
// and the emptyDir volumes that a read-only root filesystem needs for the paths a program writes.
import type { k8s } from '../k8s';
import { quantity } from '../resources';

export interface PodIdentity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
}

/** Pod level: the identity and seccomp profile every container, injected ones included, inherits. */
export function restrictedPodSecurityContext(identity: PodIdentity): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: identity.runAsUser,
    runAsGroup: identity.runAsGroup,
    // Volumes (emptyDir, the PostgreSQL claim) become group-writable for the workload's group.
    fsGroup: identity.runAsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container level: everything "restricted" asks of a container, stated on the container itself. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface WritablePath {
  /** Absolute path inside the container, e.g. `/tmp`. */
  readonly path: string;
  /**
   * Size limit of the emptyDir behind it.
   * @default '64Mi'
   */
  readonly sizeLimit?: string;
}

/** Volume name for a mount path: `/var/run/postgresql` → `var-run-postgresql`. */
export function volumeNameFor(path: string): string {
  return path
    .replace(/^\/+|\/+$/g, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase();
}

/** emptyDir volumes and their mounts for the paths a container writes under a read-only root. */
export function writableVolumes(paths: readonly WritablePath[]): {
  volumes: k8s.Volume[];
  volumeMounts: k8s.VolumeMount[];
} {
  return {
    volumes: paths.map((p) => ({
      name: volumeNameFor(p.path),
      emptyDir: { sizeLimit: quantity(p.sizeLimit ?? '64Mi') },
    })),
    volumeMounts: paths.map((p) => ({ name: volumeNameFor(p.path), mountPath: p.path })),
  };
}

// The pod template every workload of the platform shares: Pod Security "restricted", a read-only
// root filesystem with emptyDirs for the writable paths, its own ServiceAccount, sized sidecar.
import type { ResourceRequirements } from '../../config/types';
import { sidecarResourceAnnotations } from './istio-sidecar';
import type { k8s } from '../k8s';
import { podLabels, selectorLabels, type LabelProps } from '../labels';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  writableVolumes,
  type PodIdentity,
  type WritablePath,
} from './pod-security';

export interface HardenedPodProps {
  readonly labels: LabelProps;
  readonly serviceAccountName: string;
  readonly identity: PodIdentity;
  /** The workload's one container; its security context is set here, not by the caller. */
  readonly container: Omit<k8s.Container, 'securityContext'>;
  /** Paths the container writes; each gets an emptyDir. */
  readonly writablePaths: readonly WritablePath[];
  /**
   * Requests and limits of the injected Istio sidecar.
   * @default Istio's global defaults
   */
  readonly sidecarResources?: ResourceRequirements;
  /**
   * Extra pod annotations, e.g. a config checksum that rolls the pods when the config changes.
   * @default none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Volumes besides the writable paths (ConfigMaps, claims), mounted by the container itself.
   * @default none
   */
  readonly volumes?: k8s.Volume[];
  /**
   * Spread replicas across nodes, so a drained or failed node never takes every replica.
   * @default false
   */
  readonly spreadAcrossNodes?: boolean;
}

export function hardenedPodTemplate(props: HardenedPodProps): k8s.PodTemplateSpec {
  const writable = writableVolumes(props.writablePaths);
  const labels = podLabels(props.labels);
  return {
    metadata: {
      labels,
      annotations: {
        // `kubectl logs` and `kubectl exec` pick the application, not istio-proxy.
        'kubectl.kubernetes.io/default-container': props.container.name,
        ...(props.sidecarResources ? sidecarResourceAnnotations(props.sidecarResources) : {}),
        ...props.annotations,
      },
    },
    spec: {
      serviceAccountName: props.serviceAccountName,
      // No workload calls the Kubernetes API; Istio mounts its own token for the sidecar.
      automountServiceAccountToken: false,
      // Service links would inject e.g. REDIS_PORT=tcp://10.43.x.y:6379 and clash with the env contract.
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(props.identity),
      containers: [
        {
          ...props.container,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [...(props.container.volumeMounts ?? []), ...writable.volumeMounts],
        },
      ],
      volumes: [...(props.volumes ?? []), ...writable.volumes],
      topologySpreadConstraints: props.spreadAcrossNodes
        ? [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              // A soft spread: a one-node cluster still schedules every replica.
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(props.labels.name) },
            },
          ]
        : undefined,
    },
  };
}

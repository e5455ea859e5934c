import { Construct } from 'constructs';
import type { ImageRef, ResourceRequirements } from '../../config/types';
import { k8s } from '../k8s';
import { addAccessPolicy, type WorkloadMeshProps } from '../mesh/workload-access-policy';
import { selectorLabels, standardLabels, type LabelProps } from '../labels';
import { hardenedPodTemplate } from './pod-template';
import { resourceRequirements } from '../resources';

export interface RedisProps extends WorkloadMeshProps {
  readonly namespace: string;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  readonly image: ImageRef;
  readonly resources: ResourceRequirements;
  /** Redis `maxmemory`, e.g. `192mb`; keys are evicted least-recently-used beyond it. */
  readonly maxMemory: string;
  /**
   * TCP port; the Service port is named `tcp-redis`.
   * @default 6379
   */
  readonly port?: number;
  /**
   * Numeric uid and gid of the image's `redis` user.
   * @default { runAsUser: 999, runAsGroup: 1000 } (the alpine image)
   */
  readonly identity?: { readonly runAsUser: number; readonly runAsGroup: number };
  /**
   * Requests and limits of the Istio sidecar.
   * @default Istio's global defaults
   */
  readonly sidecarResources?: ResourceRequirements;
}

/**
 * Redis as a cache: one replica, data on an emptyDir (the cache refills itself), a TCP Service that
 * keeps it inside the mesh under STRICT mTLS.
 */
export class Redis extends Construct {
  readonly name: string;
  readonly port: number;

  constructor(scope: Construct, name: string, props: RedisProps) {
    super(scope, name);
    this.name = name;
    this.port = props.port ?? 6379;
    const labelProps: LabelProps = { name, partOf: props.partOf, component: 'cache', version: props.image.tag };
    const metadata = { name, namespace: props.namespace, labels: standardLabels(labelProps) };
    const selector = selectorLabels(name);
    const ping: k8s.ExecAction = { command: ['sh', '-c', `redis-cli -p ${this.port} ping | grep -q PONG`] };

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        // A single cache instance: no HPA, so the count is pinned here.
        replicas: 1,
        selector: { matchLabels: selector },
        template: hardenedPodTemplate({
          labels: labelProps,
          serviceAccountName: name,
          identity: props.identity ?? { runAsUser: 999, runAsGroup: 1000 },
          sidecarResources: props.sidecarResources,
          // Snapshots land in /data, so a restarted container (not a rescheduled pod) starts warm.
          writablePaths: [{ path: '/data', sizeLimit: '512Mi' }],
          container: {
            name,
            image: `${props.image.repository}:${props.image.tag}`,
            imagePullPolicy: 'IfNotPresent',
            args: ['redis-server', '--port', String(this.port), '--maxmemory', props.maxMemory, '--maxmemory-policy', 'allkeys-lru'],
            ports: [{ name: 'tcp-redis', containerPort: this.port, protocol: 'TCP' }],
            resources: resourceRequirements(props.resources),
            readinessProbe: { exec: ping, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
            livenessProbe: { exec: ping, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
          },
        }),
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        // `tcp-` tells Istio this is opaque TCP: still mTLS, no HTTP parsing.
        ports: [{ name: 'tcp-redis', port: this.port, targetPort: k8s.IntOrString.fromString('tcp-redis'), protocol: 'TCP' }],
      },
    });

    addAccessPolicy(this, metadata, selector, props);
  }
}

import { Construct } from 'constructs';
import type { AutoscalingSpec, ImageRef, ResourceRequirements, SecretKeyRef } from '../../config/types';
import { environmentVariables } from './env-vars';
import { k8s } from '../k8s';
import { ServiceTrafficPolicy } from '../mesh/service-traffic-policy';
import { addAccessPolicy, type WorkloadMeshProps } from '../mesh/workload-access-policy';
import { selectorLabels, standardLabels, type LabelProps } from '../labels';
import { hardenedPodTemplate } from './pod-template';
import { resourceRequirements } from '../resources';

export interface MicroserviceProps extends WorkloadMeshProps {
  readonly namespace: string;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /**
   * Value of `app.kubernetes.io/component`.
   * @default 'backend'
   */
  readonly component?: string;
  readonly image: ImageRef;
  /** The HTTP port the container listens on; the Service exposes the same number as port `http`. */
  readonly port: number;
  /** GET path that answers 200 when healthy. */
  readonly healthPath: string;
  readonly resources: ResourceRequirements;
  readonly autoscaling: AutoscalingSpec;
  /**
   * Requests and limits of the Istio sidecar.
   * @default Istio's global defaults
   */
  readonly sidecarResources?: ResourceRequirements;
  /**
   * ConfigMap loaded whole into the environment (`envFrom`).
   * @default none
   */
  readonly configMapName?: string;
  /**
   * Digest of that ConfigMap's data: a pod annotation, so a config change rolls the pods.
   * @default none
   */
  readonly configChecksum?: string;
  /**
   * Literal environment variables.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables from Secrets created outside git.
   * @default none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Add a startup probe (up to two minutes) for runtimes that are slow to start.
   * @default false
   */
  readonly slowStart?: boolean;
  /**
   * Numeric uid and gid: numeric so `runAsNonRoot` can be verified whatever the image's USER says.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Path of the app's own Prometheus metrics, merged into the sidecar's :15020.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * Add a DestinationRule with connection pools (and, with two or more replicas, outlier detection).
   * @default true
   */
  readonly trafficPolicy?: boolean;
}

/**
 * One HTTP microservice: ServiceAccount, Deployment, Service (port `http`), DestinationRule,
 * HorizontalPodAutoscaler, PodDisruptionBudget and its access policies, all named after the
 * construct id.
 */
export class Microservice extends Construct {
  readonly name: string;
  readonly port: number;
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;

  constructor(scope: Construct, name: string, props: MicroserviceProps) {
    super(scope, name);
    this.name = name;
    this.port = props.port;
    const labelProps: LabelProps = {
      name,
      partOf: props.partOf,
      component: props.component ?? 'backend',
      version: props.image.tag,
    };
    const metadata = { name, namespace: props.namespace, labels: standardLabels(labelProps) };
    const selector = selectorLabels(name);
    const uid = props.runAsUser ?? 10001;

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });

    const healthCheck: k8s.HttpGetAction = { path: props.healthPath, port: k8s.IntOrString.fromString('http') };
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        // No `replicas`: the HPA owns the count; a pinned value would fight it on every Argo CD sync.
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          // Start a new pod before stopping an old one: rollouts never drop below the HPA minimum.
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: hardenedPodTemplate({
          labels: labelProps,
          serviceAccountName: name,
          identity: { runAsUser: uid, runAsGroup: uid },
          sidecarResources: props.sidecarResources,
          annotations: {
            ...(props.configChecksum ? { 'checksum/config': props.configChecksum } : {}),
            // Istio's injector hands these to the sidecar, which then merges the app's own /metrics
            // into what it serves on :15020; without them only Envoy's metrics appear there.
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(props.port),
            'prometheus.io/path': props.metricsPath ?? '/metrics',
          },
          spreadAcrossNodes: true,
          writablePaths: [{ path: '/tmp' }],
          container: {
            name,
            image: `${props.image.repository}:${props.image.tag}`,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: props.port, protocol: 'TCP' }],
            envFrom: props.configMapName ? [{ configMapRef: { name: props.configMapName } }] : undefined,
            env: environmentVariables(props.env, props.secretEnv),
            resources: resourceRequirements(props.resources),
            startupProbe: props.slowStart ? { httpGet: healthCheck, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 } : undefined,
            readinessProbe: { httpGet: healthCheck, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
            livenessProbe: {
              httpGet: healthCheck,
              // Without a startup probe, give the process a moment before the first liveness check.
              initialDelaySeconds: props.slowStart ? undefined : 5,
              periodSeconds: 10,
              timeoutSeconds: 2,
              failureThreshold: 3,
            },
          },
        }),
      },
    });

    this.service = new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        // The port name tells Istio the protocol; an unnamed port loses L7 routing and metrics.
        ports: [{ name: 'http', port: props.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    if (props.trafficPolicy !== false) {
      new ServiceTrafficPolicy(this, 'traffic-policy', {
        name,
        host: `${name}.${props.namespace}.svc.cluster.local`,
        namespace: props.namespace,
        labels: metadata.labels,
        // With one replica there is nothing to fail over to, and Istio turns Envoy's panic mode off:
        // ejecting the only replica would turn errors into an outage.
        outlierDetection: props.autoscaling.minReplicas >= 2,
      });
    }

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: props.autoscaling.minReplicas,
        maxReplicas: props.autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCpuUtilizationPercent },
            },
          },
        ],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata,
      spec: {
        selector: { matchLabels: selector },
        // One pod at a time, at any replica count: a drain is never blocked, even at one replica.
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        // Pods that are not ready protect nothing; letting them go keeps a drain from hanging on them.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    addAccessPolicy(this, metadata, selector, props);
  }
}

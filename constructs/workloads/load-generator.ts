import { Construct } from 'constructs';
import type { LoadGeneratorDefinition, ResourceRequirements } from '../../config/types';
import { k8s } from '../k8s';
import { selectorLabels, standardLabels, type LabelProps } from '../labels';
import { dataChecksum } from './env-contract';
import { durationSeconds, requestsModule, spikeScript, STEADY_SCRIPT } from './load-generator-script';
import { addAccessPolicy, type WorkloadMeshProps } from '../mesh/workload-access-policy';
import { hardenedPodTemplate } from './pod-template';
import { resourceRequirements } from '../resources';

export interface LoadGeneratorProps extends WorkloadMeshProps {
  readonly namespace: string;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  readonly definition: LoadGeneratorDefinition;
  readonly steadyRatePerSecond: number;
  readonly spikePeakRatePerSecond: number;
  readonly resources: ResourceRequirements;
  readonly spikeResources: ResourceRequirements;
}

const SCRIPTS = '/scripts';

/**
 * k6 as an outside user of the platform: a Deployment that keeps a steady rate over every route,
 * and a suspended CronJob an operator starts for the demo's traffic spike
 * (`kubectl create job --from=cronjob/<spike> ...`); the spike ramps, holds and stops by itself.
 * Both run without a sidecar: they enter through the ingress gateway like a browser, and a sidecar
 * would keep the spike Job from ever completing.
 */
export class LoadGenerator extends Construct {
  constructor(scope: Construct, name: string, props: LoadGeneratorProps) {
    super(scope, name);
    const d = props.definition;
    const labelProps: LabelProps = { name, partOf: props.partOf, component: 'load-generator', version: d.image.tag };
    const metadata = { name, namespace: props.namespace, labels: standardLabels(labelProps) };
    const selector = selectorLabels(name);
    const scriptsConfigMap = `${name}-scripts`;
    // k6's REST API answers on 6565; opened on all addresses so the kubelet can probe it.
    const status: k8s.HttpGetAction = { path: '/v1/status', port: k8s.IntOrString.fromString('http-api') };

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });
    const scripts = { 'requests.js': requestsModule(d), 'steady.js': STEADY_SCRIPT, 'spike.js': spikeScript(d) };
    new k8s.KubeConfigMap(this, 'scripts', { metadata: { ...metadata, name: scriptsConfigMap }, data: scripts });

    const pod = (script: string, resources: ResourceRequirements, labels: LabelProps) =>
      hardenedPodTemplate({
        labels,
        serviceAccountName: name,
        identity: { runAsUser: d.runAsUser, runAsGroup: d.runAsUser },
        // k6 reads its scripts once, at start: a changed mix must restart the steady pod to take effect.
        annotations: { 'sidecar.istio.io/inject': 'false', 'checksum/scripts': dataChecksum(scripts) },
        writablePaths: [{ path: '/tmp' }],
        volumes: [{ name: 'scripts', configMap: { name: scriptsConfigMap } }],
        container: {
          name: 'k6',
          image: `${d.image.repository}:${d.image.tag}`,
          imagePullPolicy: 'IfNotPresent',
          args: ['run', '--address', '0.0.0.0:6565', `${SCRIPTS}/${script}`],
          env: [
            { name: 'TARGET', value: d.target },
            { name: 'RATE', value: String(props.steadyRatePerSecond) },
            { name: 'PEAK_RATE', value: String(props.spikePeakRatePerSecond) },
            { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          ],
          ports: [{ name: 'http-api', containerPort: 6565, protocol: 'TCP' }],
          resources: resourceRequirements(resources),
          readinessProbe: { httpGet: status, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
          livenessProbe: { httpGet: status, initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
          volumeMounts: [{ name: 'scripts', mountPath: SCRIPTS, readOnly: true }],
        },
      });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        // One steady client; no HPA.
        replicas: 1,
        selector: { matchLabels: selector },
        template: pod('steady.js', props.resources, labelProps),
      },
    });

    const spikeSeconds = durationSeconds(d.spike.rampUp) + durationSeconds(d.spike.hold) + durationSeconds(d.spike.rampDown);
    // Same name label as the steady pods: the load generator's NetworkPolicy lets both out.
    const spikeTemplate = pod('spike.js', props.spikeResources, labelProps);
    new k8s.KubeCronJob(this, 'spike', {
      metadata: { ...metadata, name: d.spikeName },
      spec: {
        // Never runs on its own: an operator starts it (docs/demo-runbook.md, "Demo runbook").
        suspend: true,
        schedule: '0 0 1 1 *',
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            // The spike stops by itself; this is the backstop.
            activeDeadlineSeconds: spikeSeconds + 120,
            ttlSecondsAfterFinished: 3600,
            template: { metadata: spikeTemplate.metadata, spec: { ...spikeTemplate.spec!, restartPolicy: 'Never' } },
          },
        },
      },
    });

    addAccessPolicy(this, metadata, selector, props);
  }
}

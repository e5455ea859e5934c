// A platform of `count` services in one namespace (the worst case for per-namespace lookups), built in
// memory: per service the objects every rule reads (ServiceAccount, ConfigMap, Deployment, Service,
// HPA, PDB, PeerAuthentication, NetworkPolicy, AuthorizationPolicy, VirtualService, DestinationRule,
// ServiceMonitor and an Argo CD Application), plus monitors and policies that select every service.
// Two slips are planted, so the error paths run too: a Service whose selector has a typo, and a
// ServiceMonitor scraping every pod's app port under STRICT mTLS (one error per pod).
import type { ExternalSecret } from '../../config/types';
import type { KubeObject, Manifest } from '../../validation/manifest';

export const SCALE_NAMESPACE = 'apps';

/** The Secret every service reads, declared as created outside the files. */
export const SCALE_SECRETS: readonly ExternalSecret[] = [
  { name: 'shared-token', keys: ['token'], description: 'read by every generated service', namespace: SCALE_NAMESPACE },
];

const PART_OF = { 'app.kubernetes.io/part-of': 'scale' };

function service(i: number): KubeObject[] {
  const name = `svc-${i}`;
  const metadata = { name, namespace: SCALE_NAMESPACE, labels: { app: name, ...PART_OF } };
  const selector = { matchLabels: { app: name } };
  const container = {
    name: 'app',
    image: `example.org/${name}:1.0.${i}`,
    ports: [{ name: 'http', containerPort: 8080 }],
    envFrom: [{ configMapRef: { name: `${name}-config` } }],
    env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'shared-token', key: 'token' } } }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/health', port: 'http' } },
    livenessProbe: { httpGet: { path: '/health', port: 'http' } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'settings', mountPath: '/etc/settings' }],
  };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...metadata, name: `${name}-config` }, data: { NAME: name } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        selector,
        template: {
          metadata: { labels: metadata.labels },
          spec: {
            serviceAccountName: name,
            containers: [container],
            volumes: [{ name: 'settings', configMap: { name: `${name}-config` } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        selector: { app: name },
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'http-metrics', port: 15020, targetPort: 15020 },
        ],
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { selector, maxUnavailable: 1 } },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata, spec: { selector, mtls: { mode: 'STRICT' } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: { podSelector: selector, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata,
      spec: {
        selector,
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: [`cluster.local/ns/${SCALE_NAMESPACE}/sa/svc-0`] } }] }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec: { hosts: [name], http: [{ name: 'all', route: [{ destination: { host: name, port: { number: 80 } } }] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata,
      spec: { host: `${name}.${SCALE_NAMESPACE}.svc.cluster.local`, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata,
      spec: { selector, endpoints: [{ port: 'http-metrics', path: '/stats/prometheus' }] },
    },
  ];
}

function application(i: number): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `svc-${i}`, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://example.org/deploy.git', targetRevision: 'deploy', path: `prod/svc-${i}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: SCALE_NAMESPACE },
    },
  };
}

const shared: readonly KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SCALE_NAMESPACE, labels: { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' } },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: SCALE_NAMESPACE },
    spec: { mtls: { mode: 'STRICT' } },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: 'sidecars', namespace: SCALE_NAMESPACE },
    spec: { selector: { matchLabels: PART_OF }, podMetricsEndpoints: [{ port: 'http-envoy-prom', path: '/stats/prometheus' }] },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'every-service', namespace: SCALE_NAMESPACE },
    spec: { selector: { matchLabels: PART_OF }, endpoints: [{ port: 'http-metrics' }] },
  },
  // Slip: the app port, which STRICT mTLS refuses to Prometheus outside the mesh.
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'app-ports', namespace: SCALE_NAMESPACE },
    spec: { selector: { matchLabels: PART_OF }, endpoints: [{ port: 'http' }] },
  },
  // Slip: a typo of svc-0's label.
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'typo', namespace: SCALE_NAMESPACE },
    spec: { selector: { app: 'scv-0' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'alerts', namespace: SCALE_NAMESPACE },
    spec: { groups: [{ name: 'apps', rules: [{ alert: 'Down', expr: 'up{namespace="apps"} == 0' }] }] },
  },
];

const fileOf = (object: KubeObject, folder: string) =>
  `dist/prod/${folder}/${object.kind.toLowerCase()}-${object.metadata?.name ?? 'unnamed'}.yaml`;

/** The manifests of a platform of `count` services, with files laid out as synth writes them. */
export function scaleManifests(count: number): Manifest[] {
  const manifests: Manifest[] = shared.map((object) => ({ object, file: fileOf(object, SCALE_NAMESPACE) }));
  for (let i = 0; i < count; i++) {
    for (const object of service(i)) manifests.push({ object, file: fileOf(object, `svc-${i}`) });
    const app = application(i);
    manifests.push({ object: app, file: fileOf(app, 'argocd-apps') });
  }
  return manifests;
}

// The demo cluster (platform.md): k3s v1.31, one server and two agents, storage class `local-path`.
// Sizing is the old platform's, which the demo was tuned for.
import type { EnvironmentConfig } from '../types';

export const prod: EnvironmentConfig = {
  name: 'prod',
  description: 'Demo cluster: k3s v1.31, one server and two agents',
  cluster: { name: 'titanium-demo', server: 'https://kubernetes.default.svc' },
  namespace: 'titanium-prod',
  podSecurityVersion: 'v1.31',
  settings: {
    environment: 'production',
    logLevel: 'INFO',
    debugMode: false,
    // The single-page app is served through the same ingress origin, so browsers need no CORS for it.
    allowedOrigins: ['http://localhost:31304'],
  },
  services: {
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 70 },
  },
  sidecar: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
  redis: {
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    // Leaves a quarter of the limit for Redis' own overhead, so eviction starts before the OOM killer.
    maxMemory: '192mb',
  },
  postgresql: {
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    storageSize: '10Gi',
    storageClassName: 'local-path',
  },
  resourceQuota: {
    requests: { cpu: '8', memory: '16Gi' },
    limits: { cpu: '16', memory: '32Gi' },
    pods: 50,
  },
};

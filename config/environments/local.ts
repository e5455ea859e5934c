// A one-node development cluster (k3s, k3d or similar with the `local-path` provisioner):
// one replica of everything and small requests, so the whole platform fits on a laptop.
import type { EnvironmentConfig } from '../types';

export const local: EnvironmentConfig = {
  name: 'local',
  description: 'One-node development cluster',
  cluster: { name: 'local', server: 'https://kubernetes.default.svc' },
  namespace: 'titanium-local',
  publicHost: 'localhost',
  podSecurityVersion: 'v1.31',
  settings: {
    environment: 'local',
    logLevel: 'DEBUG',
    debugMode: true,
  },
  services: {
    resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilizationPercent: 70 },
  },
  sidecar: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  mesh: {
    istiod: { resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
    ingressGateway: {
      minReplicas: 1,
      maxReplicas: 1,
      resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
    kialiAnonymous: false,
  },
  redis: {
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    maxMemory: '96mb',
  },
  postgresql: {
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    storageSize: '1Gi',
    storageClassName: 'local-path',
  },
};

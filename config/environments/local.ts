// A one-node development cluster on a laptop (k3d, which runs k3s in Docker, with its `local-path`
// provisioner): one replica of everything and small requests. On plain k3s set `istioPlatform: 'k3s'`.
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
    istioPlatform: 'k3d',
    istiod: { resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
    ingressGateway: {
      minReplicas: 1,
      maxReplicas: 1,
      resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
    kialiAnonymous: false,
  },
  observability: {
    prometheus: {
      retention: '2d',
      storageSize: '2Gi',
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
    grafana: { storageSize: '1Gi', resources: { requests: { cpu: '25m', memory: '96Mi' }, limits: { cpu: '500m', memory: '384Mi' } } },
    loki: {
      retentionPeriod: '48h',
      storageSize: '2Gi',
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    },
    alloy: { resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } } },
  },
  loadGenerator: {
    steadyRatePerSecond: 2,
    spikePeakRatePerSecond: 40,
    resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    spikeResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
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

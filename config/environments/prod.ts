// The demo cluster (platform.md): k3s v1.31, one server and two agents, storage class `local-path`.
// Sizing is the old platform's, which the demo was tuned for.
import type { EnvironmentConfig } from '../types';

export const prod: EnvironmentConfig = {
  name: 'prod',
  description: 'Demo cluster: k3s v1.31, one server and two agents',
  cluster: { name: 'titanium-demo', server: 'https://kubernetes.default.svc' },
  namespace: 'titanium-prod',
  // Map it to any node's address in /etc/hosts (docs/demo-runbook.md: "Demo endpoints").
  publicHost: 'titanium.local',
  podSecurityVersion: 'v1.31',
  settings: {
    environment: 'production',
    logLevel: 'INFO',
    debugMode: false,
  },
  services: {
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 70 },
  },
  sidecar: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
  mesh: {
    istioPlatform: 'k3s',
    istiod: { resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
    ingressGateway: {
      minReplicas: 2,
      maxReplicas: 5,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    // The demo cluster: the audience watches the graph without logging in.
    kialiAnonymous: true,
  },
  observability: {
    prometheus: {
      retention: '7d',
      storageSize: '10Gi',
      resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    },
    grafana: { storageSize: '1Gi', resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
    loki: {
      retentionPeriod: '168h',
      storageSize: '10Gi',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
    alloy: { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
  },
  loadGenerator: {
    // About what the old generator made; enough for every panel and Kiali edge to show traffic.
    steadyRatePerSecond: 6,
    // Well above what the services' CPU requests carry at 70 %: the HPAs scale out during the spike.
    spikePeakRatePerSecond: 150,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    spikeResources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  },
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

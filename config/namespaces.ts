// The platform namespaces besides the application's, with the Pod Security level each can enforce.
// The application namespace is always `restricted` (config/environments/*).
import type { PlatformNamespace } from './types';

export type { PlatformNamespace };

export const platformNamespaces: Readonly<Record<string, PlatformNamespace>> = {
  'istio-system': {
    podSecurity: 'baseline',
    // istiod, the gateway and Kiali are configured for restricted (seccomp, non-root, no
    // capabilities); enforcing it waits until a live cluster shows no restricted warnings.
    reason:
      'istiod, the ingress gateway and Kiali; configured for restricted, which is warned and audited until verified on a live cluster',
  },
  monitoring: {
    podSecurity: 'baseline',
    reason: 'Prometheus, Grafana, Loki and Alloy (Alloy reads logs through the API, no hostPath; node-exporter is not installed)',
  },
  'istio-cni': {
    podSecurity: 'privileged',
    reason: 'the Istio CNI node agent edits each node’s CNI configuration (hostPath, NET_ADMIN)',
  },
};

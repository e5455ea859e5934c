// The platform namespaces besides the application's, with the Pod Security level each can enforce.
// The application namespace is always `restricted` (config/environments/*).
import type { PodSecurityLevel } from './types';

export interface PlatformNamespace {
  readonly podSecurity: PodSecurityLevel;
  /** Why this level, shown in the README. */
  readonly reason: string;
}

export const platformNamespaces: Readonly<Record<string, PlatformNamespace>> = {
  'istio-system': {
    podSecurity: 'baseline',
    reason: 'istiod, the ingress gateway (an unprivileged-port sysctl) and Kiali; restricted is warned and audited',
  },
  'istio-cni': {
    podSecurity: 'privileged',
    reason: 'the Istio CNI node agent edits each node’s CNI configuration (hostPath, NET_ADMIN)',
  },
};

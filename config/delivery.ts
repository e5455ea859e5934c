// How rendered output reaches the clusters: the git repository and branch Argo CD watches, and how
// Argo CD syncs it. Shared by every environment; each environment names its own cluster.
import type { DeliveryConfig, SyncWaves } from './types';

export const delivery: DeliveryConfig = {
  // This repository; forks change this line (docs/bootstrap.md: "Bootstrap (once per cluster)").
  repoURL: 'https://github.com/dongju101/titanium-platform.git',
  deployBranch: 'deploy',
  argocd: {
    version: 'v3.5.1',
    namespace: 'argocd',
    project: 'titanium',
    rootApplication: 'titanium-root',
    // Polling fallback when the webhook is missing: 60 s plus up to 10 s jitter (default 120 s + 60 s).
    reconciliationTimeout: '60s',
    reconciliationJitter: '10s',
  },
  // A failed sync retries 5 times: after 5 s, 10 s, 20 s, 40 s, 80 s (about two and a half minutes).
  retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
  // The root waits through a cold start: CRDs, istiod before the gateway, Prometheus before its
  // monitors, each wave healthy before the next. 20 retries back off to 3 min each: about 45 min.
  rootRetry: { limit: 20, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
};

/**
 * Sync waves of the child Applications: namespaces first, then CRDs and the components that
 * install them, the application last. The root Application waits for each wave to be healthy.
 */
export const syncWaves = {
  namespaces: -10,
  crds: -5,
  meshControlPlane: -3,
  gateways: -2,
  addons: 0,
  application: 10,
} as const satisfies SyncWaves;

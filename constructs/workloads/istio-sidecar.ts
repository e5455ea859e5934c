// Per-pod settings for the Istio sidecar that the injector adds in sidecar-injected namespaces.
import type { ResourceRequirements } from '../../config/types';

/**
 * Sizes the injected istio-proxy container. HPA utilisation and the namespace quota both count the
 * sidecar, so it must have explicit requests like every other container.
 */
export function sidecarResourceAnnotations(resources: ResourceRequirements): Record<string, string> {
  return {
    'sidecar.istio.io/proxyCPU': resources.requests.cpu,
    'sidecar.istio.io/proxyCPULimit': resources.limits.cpu,
    'sidecar.istio.io/proxyMemory': resources.requests.memory,
    'sidecar.istio.io/proxyMemoryLimit': resources.limits.memory,
  };
}

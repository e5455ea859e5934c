// Who may talk to whom, declared once. AuthorizationPolicies (by service-account principal) and
// NetworkPolicies (by pod and namespace labels) are derived from this and nothing else; an edge
// missing here is denied by both. docs/mesh.md: "mTLS and zero trust".
import { routes } from './routes';
import type { CallEdge, CallGraph, ExternalPeer } from './types';

export const ingressGateway: ExternalPeer = {
  name: 'istio-ingressgateway',
  namespace: 'istio-system',
  // The gateway chart names its ServiceAccount and labels its pods after the release.
  serviceAccount: 'istio-ingressgateway',
  podLabels: { istio: 'ingressgateway' },
  ports: [80],
};

export const prometheus: ExternalPeer = {
  name: 'prometheus',
  namespace: 'monitoring',
  serviceAccount: 'kube-prometheus-stack-prometheus',
  podLabels: { 'app.kubernetes.io/name': 'prometheus' },
};

/** The gateway reaches exactly the services the route table sends traffic to (config checks count the edges
 * written below without these). */
export const ingressEdges: readonly CallEdge[] = [...new Set(routes.map((r) => r.service))].map((to) => ({
  from: ingressGateway.name,
  to,
}));

export const callGraph: CallGraph = {
  ingressGateway: ingressGateway.name,
  peers: [ingressGateway, prometheus],
  edges: [
    ...ingressEdges,
    { from: 'api-gateway', to: 'auth-service' },
    { from: 'api-gateway', to: 'user-service' },
    { from: 'api-gateway', to: 'blog-service' },
    { from: 'auth-service', to: 'user-service' },
    { from: 'blog-service', to: 'auth-service' },
    { from: 'user-service', to: 'postgresql' },
    { from: 'user-service', to: 'redis' },
    { from: 'blog-service', to: 'postgresql' },
    { from: 'blog-service', to: 'redis' },
    // The load generator plays an outside user: it reaches the gateway and nothing else.
    { from: 'load-generator', to: ingressGateway.name },
  ],
  platformEgress: [
    {
      name: 'dns',
      namespace: 'kube-system',
      podLabels: { 'k8s-app': 'kube-dns' },
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    },
    // Sidecars fetch configuration and certificates from istiod.
    { name: 'istiod', namespace: 'istio-system', podLabels: { app: 'istiod' }, ports: [{ port: 15012, protocol: 'TCP' }] },
  ],
  // Prometheus is outside the mesh: it scrapes the sidecars' merged metrics on 15020, which the
  // sidecar serves itself (not through the mTLS listener).
  scrapes: [{ from: prometheus.name, port: 15020 }],
};

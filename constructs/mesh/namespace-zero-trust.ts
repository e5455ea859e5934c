import { Construct } from 'constructs';
import type { PlatformEgress } from '../../config/types';
import { AuthorizationPolicy, PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../../imports/security.istio.io';
import { k8s } from '../k8s';
import { standardLabels } from '../labels';
import type { MeshPeer } from './call-graph';

export interface NamespaceZeroTrustProps {
  readonly namespace: string;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** Version label. */
  readonly version: string;
  /** DNS, istiod and other infrastructure every pod must reach. */
  readonly platformEgress: readonly PlatformEgress[];
  /** Scrapers outside the mesh and the sidecar port they read metrics from. */
  readonly scrapers: readonly { readonly peer: MeshPeer; readonly port: number }[];
}

/**
 * The namespace's baseline: mTLS STRICT for every workload and port, an allow-nothing
 * AuthorizationPolicy and a default-deny NetworkPolicy (each workload's own policies open exactly
 * its edges), plus the traffic every pod needs (DNS, istiod, metrics scraping).
 */
export class NamespaceZeroTrust extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceZeroTrustProps) {
    super(scope, id);
    const metadata = (name: string) => ({
      name,
      namespace: props.namespace,
      labels: standardLabels({ name, partOf: props.partOf, component: 'mesh-security', version: props.version }),
    });

    new PeerAuthentication(this, 'mtls', {
      metadata: metadata('default'),
      // No selector and no port-level exceptions: every workload, Redis and PostgreSQL included.
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });

    // An ALLOW policy with no rules matches nothing: whatever no other policy allows is denied.
    new AuthorizationPolicy(this, 'allow-nothing', { metadata: metadata('allow-nothing'), spec: {} });

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: metadata('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    new k8s.KubeNetworkPolicy(this, 'platform-egress', {
      metadata: metadata('allow-platform-egress'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: props.platformEgress.map((target) => ({
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': target.namespace } },
              podSelector: { matchLabels: { ...target.podLabels } },
            },
          ],
          ports: target.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
        })),
      },
    });

    if (props.scrapers.length > 0) {
      new k8s.KubeNetworkPolicy(this, 'metrics-scrape', {
        metadata: metadata('allow-metrics-scrape'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: props.scrapers.map(({ peer, port }) => ({
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
                podSelector: { matchLabels: { ...peer.podLabels } },
              },
            ],
            ports: [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
          })),
        },
      });
    }
  }
}

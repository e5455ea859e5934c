import { Construct } from 'constructs';
import type { PodSecurityLevel, ResourceQuotaSpec } from '../config/types';
import { k8s } from './k8s';
import { standardLabels } from './labels';
import { quantity } from './resources';

export interface PlatformNamespaceProps {
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** Version label of the namespace-level objects. */
  readonly version: string;
  /** Pod Security Standards version to enforce, e.g. `v1.31` (pinned, so a cluster upgrade changes nothing silently). */
  readonly podSecurityVersion: string;
  /**
   * Pod Security level enforced; warnings and audit are always at `restricted`.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Label the namespace for Istio sidecar injection. Off means no label at all: an explicit
   * `istio-injection: disabled` would also stop the gateway's own injection in istio-system.
   * @default true
   */
  readonly sidecarInjection?: boolean;
  /**
   * Value of `app.kubernetes.io/component`.
   * @default 'namespace'
   */
  readonly component?: string;
  /**
   * A ResourceQuota for the namespace.
   * @default no quota
   */
  readonly resourceQuota?: ResourceQuotaSpec;
  /**
   * Tell Argo CD never to prune or delete the namespace: deleting it deletes everything inside,
   * PostgreSQL's data claim included. Removing it takes a deliberate `kubectl delete namespace`.
   * @default true
   */
  readonly protectFromDeletion?: boolean;
}

/**
 * A namespace of the platform: a Pod Security level enforced (restricted by default, warned and
 * audited at restricted always), optionally sidecar-injected and quota'd, never deleted by Argo CD.
 */
export class PlatformNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, name: string, props: PlatformNamespaceProps) {
    super(scope, name);
    this.name = name;
    const labels = standardLabels({ name, partOf: props.partOf, component: props.component ?? 'namespace', version: props.version });

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name,
        annotations: props.protectFromDeletion === false ? undefined : { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
        labels: {
          ...labels,
          ...(props.sidecarInjection === false ? {} : { 'istio-injection': 'enabled' }),
          'pod-security.kubernetes.io/enforce': props.podSecurity ?? 'restricted',
          'pod-security.kubernetes.io/enforce-version': props.podSecurityVersion,
          // Warn and audit on the same level, so `kubectl apply` shows a violation before a pod is refused.
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': props.podSecurityVersion,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': props.podSecurityVersion,
        },
      },
    });

    if (props.resourceQuota) {
      const q = props.resourceQuota;
      new k8s.KubeResourceQuota(this, 'quota', {
        metadata: { name, namespace: name, labels },
        spec: {
          hard: {
            'requests.cpu': quantity(q.requests.cpu),
            'requests.memory': quantity(q.requests.memory),
            'limits.cpu': quantity(q.limits.cpu),
            'limits.memory': quantity(q.limits.memory),
            pods: quantity(String(q.pods)),
          },
        },
      });
    }
  }
}

import { Construct } from 'constructs';
import type { ResourceQuotaSpec } from '../config/types';
import { k8s } from './k8s';
import { standardLabels } from './labels';
import { quantity } from './resources';

export interface AppNamespaceProps {
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** Version label of the namespace-level objects. */
  readonly version: string;
  /** Pod Security Standards version to enforce, e.g. `v1.31` (pinned, so a cluster upgrade changes nothing silently). */
  readonly podSecurityVersion: string;
  /**
   * Istio sidecar injection for every pod in the namespace.
   * @default true
   */
  readonly sidecarInjection?: boolean;
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

/** An application namespace: sidecar-injected, Pod Security `restricted` enforced, optionally quota'd. */
export class AppNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, name: string, props: AppNamespaceProps) {
    super(scope, name);
    this.name = name;
    const labels = standardLabels({ name, partOf: props.partOf, component: 'namespace', version: props.version });

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name,
        annotations:
          props.protectFromDeletion === false ? undefined : { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
        labels: {
          ...labels,
          'istio-injection': props.sidecarInjection === false ? 'disabled' : 'enabled',
          'pod-security.kubernetes.io/enforce': 'restricted',
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

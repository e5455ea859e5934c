import { Construct } from 'constructs';
import type { GroupKind } from '../../config/types';
import { AppProject } from '../../imports/argoproj.io';
import { standardLabels } from '../labels';

export interface ProjectDestination {
  readonly server: string;
  readonly namespace: string;
}

export interface PlatformProjectProps {
  /** Namespace Argo CD runs in. */
  readonly argocdNamespace: string;
  readonly description: string;
  /** Git and Helm repositories Applications of this project may read. */
  readonly sourceRepos: readonly string[];
  /** Cluster and namespace pairs Applications of this project may deploy to. */
  readonly destinations: readonly ProjectDestination[];
  /** The only cluster-scoped kinds the project may create. */
  readonly clusterResourceWhitelist: readonly GroupKind[];
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** Version label. */
  readonly version: string;
}

/**
 * The AppProject every Application of the platform belongs to: limited to the platform's
 * repositories, its namespaces and the cluster-scoped kinds it deploys. (No orphaned-resource
 * warnings: Argo CD's own objects and the Secrets created outside git would all be flagged.)
 */
export class PlatformProject extends Construct {
  readonly name: string;

  constructor(scope: Construct, name: string, props: PlatformProjectProps) {
    super(scope, name);
    this.name = name;
    new AppProject(this, 'project', {
      metadata: {
        name,
        namespace: props.argocdNamespace,
        labels: standardLabels({ name, partOf: props.partOf, component: 'delivery', version: props.version }),
        // Before every Application: a project change (a new namespace or kind) must be in place
        // before the Applications that need it are synced.
        annotations: { 'argocd.argoproj.io/sync-wave': '-100' },
      },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
        clusterResourceWhitelist: props.clusterResourceWhitelist.map((gk) => ({ group: gk.group, kind: gk.kind })),
      },
    });
  }
}

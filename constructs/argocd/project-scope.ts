// What the AppProject must allow, read off the rendered charts themselves, so it is never wider than
// what the platform deploys and never forgets something a chart adds.
import { ApiObject } from 'cdk8s';
import type { Chart } from 'cdk8s';
import type { GroupKind } from '../../config/types';

export interface ProjectScope {
  /** Every namespace an object is rendered into. */
  readonly namespaces: string[];
  /** Every cluster-scoped kind rendered (objects that name no namespace). */
  readonly clusterKinds: GroupKind[];
}

export function projectScope(charts: readonly Chart[]): ProjectScope {
  const namespaces = new Set<string>();
  const clusterKinds = new Map<string, GroupKind>();
  for (const chart of charts) {
    for (const construct of chart.node.findAll()) {
      if (!ApiObject.isApiObject(construct)) continue;
      const namespace = construct.metadata.namespace;
      if (namespace) {
        namespaces.add(namespace);
      } else {
        const groupKind = { group: construct.apiGroup === 'core' ? '' : construct.apiGroup, kind: construct.kind };
        clusterKinds.set(`${groupKind.group}/${groupKind.kind}`, groupKind);
      }
    }
  }
  return {
    namespaces: [...namespaces].sort(),
    clusterKinds: [...clusterKinds.keys()].sort().map((key) => clusterKinds.get(key)!),
  };
}

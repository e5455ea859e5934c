// host-access is Pod Security's baseline control, judged where the namespace's level is known: a
// node exporter in a namespace nobody labelled is a note about the unseen level, not an error; the
// same DaemonSet under baseline (seen or stated) is one.
import { validateManifests } from '../../validation';
import type { Manifest } from '../../validation/manifest';

const daemonSet: Manifest = {
  file: 'node-exporter.yaml',
  object: {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-exporter', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: {
        metadata: { labels: { app: 'node-exporter' } },
        spec: { hostNetwork: true, hostPID: true, containers: [{ name: 'exporter', image: 'quay.io/prometheus/node-exporter:v1.9.1' }] },
      },
    },
  },
};
const namespace = (level: string): Manifest => ({
  file: 'namespace.yaml',
  object: {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'monitoring', labels: { 'pod-security.kubernetes.io/enforce': level } },
  },
});
const hostAccess = (manifests: Manifest[], podSecurity?: 'baseline') =>
  validateManifests(manifests, {
    mode: 'foreign',
    externalSecrets: [],
    defaultNamespace: 'default',
    ...(podSecurity ? { podSecurity } : {}),
  })
    .filter((f) => f.rule === 'host-access')
    .map((f) => f.field);

test('foreign YAML, level seen nowhere: not judged (the namespace-context note says why)', () => {
  expect(hostAccess([daemonSet])).toEqual([]);
});

test('a namespace that enforces privileged allows host access', () => {
  expect(hostAccess([daemonSet, namespace('privileged')])).toEqual([]);
});

test('under baseline, seen or stated, each host namespace is an error', () => {
  const fields = ['spec.template.spec.hostNetwork', 'spec.template.spec.hostPID'];
  expect(hostAccess([daemonSet, namespace('baseline')])).toEqual(fields);
  expect(hostAccess([daemonSet], 'baseline')).toEqual(fields);
});

// The model of Kubernetes' immutable fields (validation/immutable-fields.ts) on this project's own
// objects, and synth refusing an update the API server would refuse. test/cluster/platform.cluster.ts
// checks the same model against the real API server.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { checkImmutableFields, immutableFieldsChanged } from '../../validation/immutable-fields';
import type { KubeObject } from '../../validation/manifest';
import { immutableChangesSince } from '../../synth/write-environment';
import { ANY_SOURCE, environmentNames, objects, rendered, synthInto } from '../support/helpers';
import { runBuilt } from '../support/cli';

const environment = environmentNames[0];
const firstOf = (kind: string) => {
  const found = objects(environment).find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${environment}`);
  return found;
};
type Spec = Record<string, unknown> & {
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> } };
  volumeClaimTemplates: { metadata: { labels?: Record<string, string> } }[];
};
function changed(object: KubeObject, change: (spec: Spec) => void): KubeObject {
  const spec = structuredClone(object.spec) as Spec;
  change(spec);
  return { ...object, spec };
}

describe('immutableFieldsChanged', () => {
  test('a Deployment selector is immutable; its pod template and replicas are not', () => {
    const deployment = firstOf('Deployment');
    expect(
      immutableFieldsChanged(
        deployment,
        changed(deployment, (s) => (s.selector.matchLabels = { ...s.selector.matchLabels, track: 'a' })),
      ),
    ).toEqual(['spec.selector']);
    expect(
      immutableFieldsChanged(
        deployment,
        changed(deployment, (s) => (s.template.metadata.labels = { ...s.template.metadata.labels, x: 'y' })),
      ),
    ).toEqual([]);
    expect(
      immutableFieldsChanged(
        deployment,
        changed(deployment, (s) => (s.replicas = 7)),
      ),
    ).toEqual([]);
  });

  test("a StatefulSet's volume claim templates, selector and service name are immutable; template, replicas and update strategy are not", () => {
    const statefulSet = firstOf('StatefulSet');
    const label = changed(
      statefulSet,
      (s) => (s.volumeClaimTemplates[0].metadata.labels = { ...s.volumeClaimTemplates[0].metadata.labels, tier: 'data' }),
    );
    expect(immutableFieldsChanged(statefulSet, label)).toEqual(['spec.volumeClaimTemplates']);
    expect(
      immutableFieldsChanged(
        statefulSet,
        changed(statefulSet, (s) => (s.serviceName = 'other')),
      ),
    ).toEqual(['spec.serviceName']);
    const allowed = changed(statefulSet, (s) => {
      s.replicas = 3;
      s.updateStrategy = { type: 'OnDelete' };
      s.template.metadata.labels = { ...s.template.metadata.labels, x: 'y' };
    });
    expect(immutableFieldsChanged(statefulSet, allowed)).toEqual([]);
  });

  test('a Service may change its type; a cluster IP once set may not change', () => {
    const service = firstOf('Service');
    expect(
      immutableFieldsChanged(
        service,
        changed(service, (s) => (s.type = 'NodePort')),
      ),
    ).toEqual([]);
    const pinned = changed(service, (s) => (s.clusterIP = '10.96.0.10'));
    expect(
      immutableFieldsChanged(
        pinned,
        changed(pinned, (s) => (s.clusterIP = '10.96.0.11')),
      ),
    ).toEqual(['spec.clusterIP']);
  });

  test('a ConfigMap changes freely unless it is marked immutable', () => {
    const configMap = firstOf('ConfigMap');
    const edited = { ...configMap, data: { key: 'new' } };
    expect(immutableFieldsChanged(configMap, edited)).toEqual([]);
    expect(immutableFieldsChanged({ ...configMap, immutable: true }, { ...edited, immutable: true })).toEqual(['data']);
  });

  test('key order is not a change', () => {
    const deployment = firstOf('Deployment');
    const reordered = changed(
      deployment,
      (s) => (s.selector = { matchLabels: Object.fromEntries(Object.entries(s.selector.matchLabels).reverse()) }),
    );
    expect(immutableFieldsChanged(deployment, reordered)).toEqual([]);
  });
});

describe('checkImmutableFields', () => {
  test('names the object, the field, the file, what it compared with and the way out', () => {
    const manifest = rendered(environment).manifests.find((m) => m.object.kind === 'StatefulSet')!;
    const before = changed(manifest.object, (s) => (s.volumeClaimTemplates[0].metadata.labels = { old: 'label' }));
    const [finding, ...rest] = checkImmutableFields([before], [manifest], 'the deploy branch');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', rule: 'immutable-field', field: 'spec.volumeClaimTemplates', file: manifest.file });
    expect(finding.message).toContain('compared with the deploy branch');
    expect(finding.message).toContain('--cascade=orphan');
  });

  test('objects only in one of the renders are no concern of this rule', () => {
    const manifests = rendered(environment).manifests;
    expect(checkImmutableFields([], manifests, 'nothing')).toEqual([]);
    expect(checkImmutableFields(objects(environment), manifests, 'itself')).toEqual([]);
  });
});

describe('synth refuses what the API server would', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'titanium-immutable-'));

  /** A copy of the committed render with one StatefulSet's claim template label changed: "the render before". */
  function previousWithChangedClaim(): { dist: string; file: string } {
    const dist = tmp();
    // The render as synth writes it: dist/ is not committed, so a fresh clone has none to copy.
    synthInto(dist, environment, ANY_SOURCE);
    const manifest = rendered(environment).manifests.find((m) => m.object.kind === 'StatefulSet')!;
    const file = join(dist, environment, manifest.path);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['spec', 'volumeClaimTemplates', 0, 'metadata', 'labels', 'tier'], 'data');
    writeFileSync(file, doc.toString());
    return { dist, file };
  }

  test('immutableChangesSince reads only the changed files and flags the claim template', () => {
    const { dist, file } = previousWithChangedClaim();
    try {
      const findings = immutableChangesSince(join(dist, environment), rendered(environment));
      expect(findings.map((f) => [f.object, f.field])).toEqual([[expect.stringMatching(/^StatefulSet\//), 'spec.volumeClaimTemplates']]);
      expect(findings[0].message).toContain(`${join(dist, environment)}/ as it was before this synth`);
      expect(file).toContain(environment);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  test('the synth command exits 1, names the field and leaves the folder as it was', () => {
    const { dist, file } = previousWithChangedClaim();
    const argocd = tmp();
    try {
      const before = readdirSync(join(dist, environment), { recursive: true }).length;
      const previousText = readFileSync(file, 'utf8');
      const run = runBuilt('main.js', ['--env', environment, '--out', dist, '--argocd-out', argocd]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /StatefulSet\/\S+ spec\.volumeClaimTemplates: changes a field Kubernetes does not let an existing StatefulSet change/,
      );
      expect(run.stderr).toContain('[immutable-field]');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(file, 'utf8')).toBe(previousText);
      expect(readdirSync(join(dist, environment), { recursive: true })).toHaveLength(before);
      expect(readdirSync(argocd)).toEqual([]);
    } finally {
      rmSync(dist, { recursive: true, force: true });
      rmSync(argocd, { recursive: true, force: true });
    }
  });
});

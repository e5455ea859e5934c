// The parts of the control-plane test that need no cluster: which release is pinned and how the cache
// is keyed, what a sync applies and in which order (read from a fresh render), the tracking
// annotation, and the commands' argument errors. The cluster itself is exercised by `npm run
// test:cluster` (test/cluster/).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import { buildFlags, controlPlaneCacheRoot, controlPlaneModule, pinnedRelease } from '../../tooling/cluster/control-plane';
import { warningsIn } from '../../tooling/cluster/kubectl';
import { trackingId } from '../../tooling/cluster/sync';
import { ARGO_KIND_ORDER, planSync, syncWave } from '../../tooling/cluster/sync-plan';
import { hpaTargets } from '../../tooling/cluster/workload-checks';
import { writeEnvironment } from '../../synth/write-environment';
import { environmentNames, rendered } from '../support/helpers';
import { ROOT, runBuilt } from '../support/cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'titanium-cluster-unit-'));

describe('the pinned control plane', () => {
  test('go.mod pins a Kubernetes v1.31 release and the etcd it was released with', () => {
    const release = pinnedRelease(controlPlaneModule(ROOT));
    expect(release.kubernetes).toMatch(/^v1\.31\.\d+$/);
    expect(release.etcd).toMatch(/^v3\.5\.\d+$/);
    const goMod = readFileSync(join(controlPlaneModule(ROOT), 'go.mod'), 'utf8');
    // Every staging module k8s.io/kubernetes points at ./staging must be pinned to the matching v0 release.
    const minor = release.kubernetes.replace(/^v1\./, 'v0.');
    const replaced = [...goMod.matchAll(/^\s*(k8s\.io\/\S+) => \1 (v\S+)$/gm)];
    expect(replaced.length).toBeGreaterThan(20);
    for (const [, module, version] of replaced) expect({ module, version }).toEqual({ module, version: minor });
  });

  test('the cache key changes with go.sum, so new pins build anew', () => {
    const copy = tmp();
    try {
      cpSync(controlPlaneModule(ROOT), copy, { recursive: true });
      const before = pinnedRelease(copy).key;
      writeFileSync(join(copy, 'go.sum'), `${readFileSync(join(copy, 'go.sum'), 'utf8')}example.com/x v1.0.0 h1:x=\n`);
      expect(pinnedRelease(copy).key).not.toBe(before);
      expect(pinnedRelease(copy).key).toContain(pinnedRelease(copy).kubernetes);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('the binaries report their release (kubectl cannot parse the unstamped v0.0.0-master)', () => {
    const flags = buildFlags('v1.31.13').join(' ');
    expect(flags).toContain('-X k8s.io/component-base/version.gitVersion=v1.31.13');
    expect(flags).toContain('-X k8s.io/component-base/version.gitMinor=31');
    expect(flags).toContain('-mod=readonly');
  });

  test('the cache lives outside the checkout, under XDG_CACHE_HOME when set', () => {
    expect(controlPlaneCacheRoot({ XDG_CACHE_HOME: '/c' })).toBe('/c/titanium/control-plane');
    expect(controlPlaneCacheRoot({ HOME: '/h' })).toBe('/h/.cache/titanium/control-plane');
  });
});

describe.each(environmentNames)('the sync plan of %s', (environment) => {
  const out = tmp();
  const config = platformConfig(environment);
  writeEnvironment(config, rendered(environment), { dist: join(out, 'dist'), argocd: join(out, 'argocd') });
  const plan = planSync(environment, join(out, 'argocd', environment), join(out, 'dist'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('the root Application comes from argocd/<env>/ and names the folder of the child Applications', () => {
    expect(plan.bootstrap.map((m) => m.object.kind)).toEqual(['AppProject', 'ConfigMap', 'Application']);
    expect(plan.root.folder?.objects.filter((m) => m.object.kind === 'Application').length).toBe(plan.children.length);
  });

  test('children sync in wave order; every rendered folder is one child, every Helm release another', () => {
    const waves = plan.children.map((c) => c.wave);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    const folders = new Set(rendered(environment).manifests.map((m) => m.path.split('/')[0]));
    const childFolders = plan.children.filter((c) => c.folder).map((c) => c.folder!.path.split('/')[1]);
    expect(new Set([plan.root.folder!.path.split('/')[1], ...childFolders])).toEqual(folders);
    expect(plan.children.filter((c) => c.helm).length).toBe(rendered(environment).releases.length);
  });

  test("inside a folder, objects go in Argo CD's order: wave, then kind", () => {
    for (const child of plan.children.filter((c) => c.folder)) {
      const objects = child.folder!.objects.map((m) => m.object);
      const ranks = objects.map((o) => [
        syncWave(o),
        ARGO_KIND_ORDER.includes(o.kind) ? ARGO_KIND_ORDER.indexOf(o.kind) : ARGO_KIND_ORDER.length,
      ]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    }
  });

  test('each HPA is scaled through its own target', () => {
    const targets = hpaTargets(rendered(environment).manifests);
    expect(targets.length).toBe(rendered(environment).manifests.filter((m) => m.object.kind === 'HorizontalPodAutoscaler').length);
    for (const t of targets) expect(t.target).toMatch(/^deployment\.apps\/|^statefulset\.apps\//);
  });
});

test('a plan without a root Application says which folder it read', () => {
  const empty = tmp();
  try {
    expect(() => planSync('prod', empty, empty)).toThrow(`${empty}: expected one root Application, found 0`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("tracking ids are Argo CD's annotation format", () => {
  expect(trackingId('titanium-prod', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'n' } })).toBe(
    'titanium-prod:apps/Deployment:n/a',
  );
  expect(trackingId('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } })).toBe('namespaces:/Namespace:/n');
});

test("the API server's warnings are read from kubectl's stderr", () => {
  expect(warningsIn('Warning: would violate PodSecurity "restricted:v1.31": privileged\nerror: x\n')).toEqual([
    'would violate PodSecurity "restricted:v1.31": privileged',
  ]);
});

describe('argument errors', () => {
  test('test:cluster with --kubeconfig runs exactly one environment', () => {
    const run = runBuilt('scripts/test-cluster.js', ['--kubeconfig', '/nonexistent', '--env', 'all']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--kubeconfig runs one environment: give exactly one --env');
  });

  test('cluster:down with nothing running says so and succeeds', () => {
    const cache = tmp();
    try {
      const run = runBuilt('scripts/cluster-down.js', [], { env: { XDG_CACHE_HOME: cache } });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('no control plane was running');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('validate refuses --kubeconfig without --server', () => {
    const run = runBuilt('scripts/validate.js', ['dist', '--kubeconfig', '/x']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--kubeconfig and --context go with --server');
  });
});

// One environment on a real control plane (`npm run test:cluster` starts one per environment and
// passes it in TITANIUM_CLUSTER_KUBECONFIG): synced the way Argo CD syncs it, then what the
// controllers and the admission plugins make of it, then a deploy branch moving over it. The steps
// build on each other, so they run in this order in one file.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt } from '../support/cli';
import { allApplied, syncEnvironment, type EnvironmentSyncReport } from '../../tooling/cluster/environment-sync';
import { errorText, kubectlFor } from '../../tooling/cluster/kubectl';
import { applyObject, Sync } from '../../tooling/cluster/sync';
import { planSync, type PlannedApplication, type SyncPlan } from '../../tooling/cluster/sync-plan';
import { hpaTargets, quotaUse, scaleToMaximum, waitForPods, workloadsIn } from '../../tooling/cluster/workload-checks';
import { CRD_LOCK } from '../../tooling/crds';
import { checkImmutableFields, immutableFieldsChanged } from '../../validation/immutable-fields';
import type { KubeObject, Manifest } from '../../validation/manifest';
import { objectRef } from '../../validation/manifest';
import { cpuMillis, memoryBytes, quotaNeeds, quotaWorkloads } from '../../validation/quota';
import { platformConfig } from '../../config';

const kubeconfig = process.env.TITANIUM_CLUSTER_KUBECONFIG;
const environment = process.env.TITANIUM_CLUSTER_ENV ?? '';
const reportFile = process.env.TITANIUM_CLUSTER_REPORT;
const renderDir = process.env.TITANIUM_CLUSTER_RENDER;
if (!kubeconfig || !environment || !renderDir || !process.env.TITANIUM_CRDS) {
  throw new Error(
    'run these through `npm run test:cluster`: it renders, starts the control plane and sets TITANIUM_CLUSTER_KUBECONFIG, TITANIUM_CLUSTER_ENV, TITANIUM_CLUSTER_RENDER and TITANIUM_CRDS',
  );
}
const kubectl = kubectlFor({ kubeconfig });
const crdFiles = CRD_LOCK.files.map((f) => join(process.env.TITANIUM_CRDS!, f.file));
const plan = planSync(environment, join(renderDir, 'argocd', environment), join(renderDir, 'dist'));
const folderApps = [plan.root, ...plan.children].filter(
  (a): a is PlannedApplication & Required<Pick<PlannedApplication, 'folder'>> => !!a.folder,
);
const rendered: Manifest[] = folderApps.flatMap((a) => [...a.folder.objects]);
const report = (line: string) => reportFile && appendFileSync(reportFile, `${line}; `);

async function get(args: string[]): Promise<KubeObject & { items?: KubeObject[] }> {
  const result = await kubectl([...args, '-o', 'json']);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${errorText(result)}`);
  return JSON.parse(result.stdout) as KubeObject;
}

const appOf = (manifest: Manifest) => folderApps.find((a) => a.folder.objects.includes(manifest))!;
const first = (kind: string, where: (o: KubeObject) => boolean = () => true) => {
  const found = rendered.find((m) => m.object.kind === kind && where(m.object));
  if (!found) throw new Error(`no ${kind} in the render of ${environment}`);
  return found;
};

let firstSync: EnvironmentSyncReport;
beforeAll(async () => {
  const started = Date.now();
  firstSync = await syncEnvironment(kubectl, plan, crdFiles);
  report(`${allApplied(firstSync).length} objects applied in ${((Date.now() - started) / 1000).toFixed(0)} s after ${firstSync.crds} CRDs`);
});

describe(`${environment}: a first sync, as Argo CD does it`, () => {
  test('the API server accepts every object under strict field validation', () => {
    expect(allApplied(firstSync).filter((a) => a.error)).toEqual([]);
  });

  test('with no warning: no deprecated API, unknown field or Pod Security warning', () => {
    expect(allApplied(firstSync).filter((a) => a.warnings.length > 0)).toEqual([]);
  });

  test('every object of every folder Application and of the bootstrap was applied', () => {
    const expected = [...plan.bootstrap, ...rendered].map((m) => objectRef(m.object)).sort();
    expect(
      allApplied(firstSync)
        .map((a) => a.ref)
        .sort(),
    ).toEqual(expected);
    report(`${firstSync.notRendered.length} Helm-chart Applications not rendered here`);
  });

  test('the controllers create every app pod, admitted under Pod Security restricted', async () => {
    const states = await waitForPods(kubectl, workloadsIn(rendered));
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect({ ref: state.ref, enforce: state.enforce, refusals: state.refusals }).toEqual({
        ref: state.ref,
        enforce: 'restricted',
        refusals: [],
      });
      expect({ ref: state.ref, created: state.created }).toEqual({ ref: state.ref, created: state.expected });
    }
    report(`${states.reduce((n, s) => n + s.created, 0)} pods created by ${states.length} workloads`);
  });

  test("the CronJob's pods are admitted too (a Job created from it now)", async () => {
    const cronJobs = rendered.filter((m) => m.object.kind === 'CronJob');
    for (const { object } of cronJobs) {
      const ns = object.metadata!.namespace!;
      const job = `${object.metadata!.name}-now`;
      const created = await kubectl(['create', 'job', job, `--from=cronjob/${object.metadata!.name}`, '--namespace', ns]);
      expect(errorText(created)).toBe('');
      expect(created.warnings).toEqual([]);
      await expect(waitForJobPod(ns, job)).resolves.toBe(true);
      await kubectl(['delete', 'job', job, '--namespace', ns, '--wait=false']);
    }
  });

  test('the admission really enforces: a privileged copy of a Deployment gets no pod', async () => {
    const { object } = first('Deployment');
    const ns = object.metadata!.namespace!;
    const spec = structuredClone(object.spec) as { template: { spec: { containers: { securityContext?: object }[] } } };
    spec.template.spec.containers[0].securityContext = { privileged: true };
    const probe: Manifest = { file: 'probe', object: { ...object, metadata: { name: 'pod-security-probe', namespace: ns }, spec } };
    const applied = await applyObject(kubectl, 'probe', probe, ns);
    expect(applied.warnings.join('\n')).toMatch(/would violate PodSecurity "restricted:v1\.\d+"/);
    const [state] = await waitForPods(kubectl, [probe.object], 8);
    expect(state.created).toBe(0);
    await kubectl(['delete', 'deployment', 'pod-security-probe', '--namespace', ns]);
  });
});

describe(`${environment}: npm run validate -- --server`, () => {
  test('finds nothing in the render the cluster has just accepted', () => {
    const run = runBuilt('scripts/validate.js', [join(renderDir, 'dist', environment), '--server', '--kubeconfig', kubeconfig]);
    expect(run.stdout).not.toMatch(/\[server/);
    expect(run.status).toBe(0);
  });

  test("reports the API server's refusals and warnings, and objects it could not send", () => {
    const { object } = first('Deployment');
    const ns = object.metadata!.namespace!;
    const spec = structuredClone(object.spec) as { template: { spec: { containers: { securityContext?: object }[] } } };
    spec.template.spec.containers[0].securityContext = { privileged: true };
    const docs = [
      { ...object, metadata: { name: 'privileged-copy', namespace: ns }, spec },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo', namespace: ns }, data: { a: 'b' }, dta: { c: 'd' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'no-such-namespace' } },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'titanium-validate-server-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
      const run = runBuilt('scripts/validate.js', [dir, '--server', '--kubeconfig', kubeconfig]);
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(
        /Deployment\/\S+\/privileged-copy: the API server warns: would violate PodSecurity "restricted:v1\.\d+".*\[server-warning\]/,
      );
      expect(run.stdout).toMatch(/ConfigMap\/\S+\/typo: the API server refuses it: .*\.dta: field not declared in schema \[server\]/);
      expect(run.stdout).toMatch(
        /ConfigMap\/no-such-namespace\/elsewhere: not sent to the API server: namespace no-such-namespace does not exist/,
      );
      // A dry run persists nothing.
      expect(
        execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'deployments', '--namespace', ns, '-o', 'name'], { encoding: 'utf8' }),
      ).not.toContain('privileged-copy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitForJobPod(namespace: string, job: string): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    const pods = await get(['get', 'pods', '--namespace', namespace, '--selector', `job-name=${job}`]);
    if ((pods.items ?? []).length > 0) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

describe(`${environment}: the quota`, () => {
  test('admits the whole platform with every HPA target at its maximum (scaled through /scale)', async () => {
    const targets = hpaTargets(rendered);
    expect(targets.length).toBeGreaterThan(0);
    await scaleToMaximum(kubectl, targets);
    const states = await waitForPods(kubectl, workloadsIn(rendered));
    for (const t of targets) {
      const state = states.find(
        (s) => s.ref.toLowerCase() === `${t.target.split('.')[0]}/${t.namespace}/${t.target.split('/')[1]}`.toLowerCase(),
      );
      expect({ hpa: t.hpa, created: state?.created, refusals: state?.refusals }).toEqual({
        hpa: t.hpa,
        created: t.maxReplicas,
        refusals: [],
      });
    }
    // The quota controller's count is the model's (validation/quota.ts, which synth enforces) without
    // what only a real mesh and a rollout add: the injected sidecar and the surge pod per workload.
    const config = platformConfig(environment);
    if (!config.environment.resourceQuota) {
      // No quota to count against (config/environments/<env>.ts); the pods above were all admitted.
      expect(await quotaUse(kubectl, config.environment.namespace)).toEqual([]);
      report(`no ResourceQuota; ${targets.reduce((n, t) => n + t.maxReplicas, 0)} pods at every HPA maximum admitted`);
      return;
    }
    const sidecar = config.environment.sidecar;
    const modelled = quotaWorkloads(config).filter((w) => w.kind !== 'CronJob');
    const expected = {
      pods: modelled.reduce((n, w) => n + w.pods - 1, 0),
      'requests.cpu': modelled.reduce(
        (n, w) => n + (w.pods - 1) * (w.perPod['requests.cpu'] - (w.sidecar ? cpuMillis(sidecar.requests.cpu)! : 0)),
        0,
      ),
      'requests.memory': modelled.reduce(
        (n, w) => n + (w.pods - 1) * (w.perPod['requests.memory'] - (w.sidecar ? memoryBytes(sidecar.requests.memory)! : 0)),
        0,
      ),
    };
    let measured: typeof expected | undefined;
    for (let i = 0; i < 30; i++) {
      const [quota] = await quotaUse(kubectl, config.environment.namespace);
      measured = {
        pods: Number(quota.used.pods),
        'requests.cpu': cpuMillis(quota.used['requests.cpu'])!,
        'requests.memory': memoryBytes(quota.used['requests.memory'])!,
      };
      if (JSON.stringify(measured) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(measured).toEqual(expected);
    const [quota] = await quotaUse(kubectl, config.environment.namespace);
    const full = quotaNeeds(quotaWorkloads(config));
    report(
      `${quota.ref} at every HPA maximum: pods ${quota.used.pods}/${quota.hard.pods}, requests.cpu ${quota.used['requests.cpu']}/${quota.hard['requests.cpu']} ` +
        `(with sidecars and a surge pod each, as synth counts: ${full.pods} pods, ${full['requests.cpu']}m)`,
    );
  });
});

describe(`${environment}: self-healing`, () => {
  test('a deleted app pod is replaced by its ReplicaSet', async () => {
    const { object } = first('Deployment');
    const ns = object.metadata!.namespace!;
    const selector = Object.entries((object.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const before = (await get(['get', 'pods', '--namespace', ns, '--selector', selector])).items ?? [];
    expect(before.length).toBeGreaterThan(0);
    const victim = before[0].metadata!.name!;
    expect((await kubectl(['delete', 'pod', victim, '--namespace', ns, '--wait=false'])).code).toBe(0);
    let names: string[] = [];
    for (let i = 0; i < 60; i++) {
      const pods = ((await get(['get', 'pods', '--namespace', ns, '--selector', selector])).items ?? []).filter(
        (p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp,
      );
      names = pods.map((p) => p.metadata!.name!);
      if (names.length === before.length && !names.includes(victim)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(names).not.toContain(victim);
    expect(names).toHaveLength(before.length);
  });

  test('a deleted managed object comes back with the next sync', async () => {
    const manifest = first('ConfigMap', (o) => !!o.metadata?.namespace);
    const { name, namespace } = manifest.object.metadata as { name: string; namespace: string };
    expect((await kubectl(['delete', 'configmap', name, '--namespace', namespace])).code).toBe(0);
    const app = appOf(manifest);
    const result = await new Sync(kubectl).application(app.name, app.folder.objects, app.destinationNamespace);
    expect(result.applied.filter((a) => a.error)).toEqual([]);
    expect((await kubectl(['get', 'configmap', name, '--namespace', namespace])).code).toBe(0);
  });
});

describe(`${environment}: pruning`, () => {
  test('an object that left its folder is deleted; a Namespace that left is kept', async () => {
    const configMap = first('ConfigMap', (o) => !!o.metadata?.namespace);
    const namespace = first('Namespace');
    const override = new Map<string, readonly Manifest[]>();
    for (const gone of [configMap, namespace]) {
      const app = appOf(gone);
      override.set(
        app.name,
        (override.get(app.name) ?? app.folder.objects).filter((m) => m !== gone),
      );
    }
    const pruned = await syncEnvironment(kubectl, plan, crdFiles, { override, bootstrap: false });
    expect(allApplied(pruned).filter((a) => a.error)).toEqual([]);
    expect(pruned.syncs.flatMap((s) => s.pruned)).toEqual([objectRef(configMap.object)]);
    expect(pruned.syncs.flatMap((s) => s.kept)).toEqual([objectRef(namespace.object)]);
    const ns = configMap.object.metadata!.namespace!;
    expect((await kubectl(['get', 'configmap', configMap.object.metadata!.name!, '--namespace', ns])).code).not.toBe(0);
    expect((await kubectl(['get', 'namespace', namespace.object.metadata!.name!])).code).toBe(0);
    // Back to the full render for what follows.
    const restored = await syncEnvironment(kubectl, plan, crdFiles, { bootstrap: false });
    expect(allApplied(restored).filter((a) => a.error)).toEqual([]);
  });
});

/** The render of the commit before HEAD (test-cluster renders it), if this clone has one. */
function previousRender(): { plan: SyncPlan; commit: string } | undefined {
  const dir = process.env.TITANIUM_CLUSTER_PREVIOUS;
  const commit = process.env.TITANIUM_CLUSTER_PREVIOUS_COMMIT;
  if (!dir || !commit) return undefined;
  return { plan: planSync(environment, join(dir, 'argocd', environment), join(dir, 'dist')), commit };
}

describe(`${environment}: a deploy branch moving`, () => {
  test("the previous commit's render, then today's: every update applies or synth would have refused it", async () => {
    const previous = previousRender();
    if (!previous) {
      // A shallow clone or a first commit: nothing to move from. The fixtures below still run.
      console.warn(`the upgrade from the previous commit was not tried: ${process.env.TITANIUM_CLUSTER_PREVIOUS_SKIPPED}`);
      report('no previous commit to upgrade from');
      return;
    }
    {
      const oldManifests = [previous.plan.root, ...previous.plan.children].flatMap((a) => a.folder?.objects ?? []);
      // Back to the previous render (a rollback), then forward again. Whatever the API server refuses
      // on the way back, the model must flag; an object refused stays as it is, so forward is clean.
      const back = await syncEnvironment(kubectl, previous.plan, crdFiles, { bootstrap: false });
      const flagged = checkImmutableFields(
        rendered.map((m) => m.object),
        oldManifests,
        "today's render",
      ).map((f) => f.object);
      expect(
        allApplied(back)
          .filter((a) => a.error)
          .map((a) => a.ref)
          .sort(),
      ).toEqual([...flagged].sort());
      const forward = await syncEnvironment(kubectl, plan, crdFiles, { bootstrap: false });
      expect(allApplied(forward).filter((a) => a.error)).toEqual([]);
      expect(allApplied(forward).filter((a) => a.warnings.length > 0)).toEqual([]);
      const moved = allApplied(back).length;
      report(
        `rollback to ${previous.commit.slice(0, 7)} and forward: ${moved} objects, ${flagged.length} refused, ${forward.syncs.flatMap((s) => s.pruned).length} pruned forward`,
      );
    }
  });

  // Changes a commit of this project can make, each tried on the live object: the API server's answer
  // must be the model's (validation/immutable-fields.ts), which synth and publish:deploy enforce.
  const statefulSet = () =>
    first('StatefulSet', (o) => Array.isArray((o.spec as { volumeClaimTemplates?: unknown[] }).volumeClaimTemplates));
  /** The parts of a spec the fixtures touch; each fixture touches only what its kind has. */
  interface FixtureSpec {
    type?: string;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: { image: string }[] };
    };
    volumeClaimTemplates: { metadata?: { labels?: Record<string, string> } }[];
  }
  const fixtures: { change: string; base: () => Manifest; mutate: (spec: FixtureSpec) => void }[] = [
    {
      change: "a label on a StatefulSet's volume claim template",
      base: statefulSet,
      mutate: (spec) => {
        const claim = spec.volumeClaimTemplates[0];
        claim.metadata = { ...claim.metadata, labels: { ...claim.metadata?.labels, tier: 'data' } };
      },
    },
    {
      change: 'a StatefulSet whose pods change (template only)',
      base: statefulSet,
      mutate: (spec) => (spec.template.metadata.annotations = { ...spec.template.metadata.annotations, 'titanium.dev/touched': 'yes' }),
    },
    {
      change: 'a Deployment selector with one more label',
      base: () => first('Deployment'),
      mutate: (spec) => {
        spec.selector.matchLabels = { ...spec.selector.matchLabels, track: 'stable' };
        spec.template.metadata.labels = { ...spec.template.metadata.labels, track: 'stable' };
      },
    },
    {
      change: 'a Deployment with a new image tag',
      base: () => first('Deployment'),
      mutate: (spec) => (spec.template.spec.containers[0].image = `${spec.template.spec.containers[0].image.split(':')[0]}:fixture`),
    },
    {
      change: 'a Service type from ClusterIP to NodePort',
      base: () => first('Service', (o) => ((o.spec as { type?: string }).type ?? 'ClusterIP') === 'ClusterIP'),
      mutate: (spec) => (spec.type = 'NodePort'),
    },
  ];

  test.each(fixtures)('$change: the API server and the model agree', async ({ base, mutate }) => {
    const manifest = base();
    const spec = structuredClone(manifest.object.spec) as FixtureSpec;
    mutate(spec);
    const changed: Manifest = { ...manifest, object: { ...manifest.object, spec } };
    const app = appOf(manifest);
    const result = await applyObject(kubectl, app.name, changed, app.destinationNamespace);
    const model = immutableFieldsChanged(manifest.object, changed.object);
    if (model.length > 0) {
      expect(result.error).toMatch(/field is immutable|Forbidden: updates to statefulset spec/);
    } else {
      expect(result.error).toBeUndefined();
    }
    // Back to the render, for the next fixture.
    const back = await applyObject(kubectl, app.name, manifest, app.destinationNamespace);
    expect(back.error).toBeUndefined();
  });
});

import { LoadGenerator, type LoadGeneratorProps } from '../../../constructs/workloads/load-generator';
import { at, containerOf, one, podSpecOf, refs, synth } from '../../support/construct-harness';
import { exerciseK6Scripts, failedUnder } from '../../support/k6';

const assumed = { kind: 'assumption', assumption: 'a test' } as const;

const props: LoadGeneratorProps = {
  namespace: 'shop',
  partOf: 'demo',
  definition: {
    name: 'load',
    spikeName: 'load-spike',
    image: { repository: 'grafana/k6', tag: '0.50.0' },
    target: 'http://gateway.ingress',
    requests: [
      { name: 'home', method: 'GET', path: '/', weight: 3, expect: [{ status: 200, source: assumed }] },
      {
        name: 'login',
        method: 'POST',
        path: '/login',
        body: { user: 'x' },
        weight: 1,
        expect: [
          { status: 401, source: assumed },
          { status: 429, source: assumed },
        ],
      },
    ],
    spike: { rampUp: '1m', hold: '2m', rampDown: '30s' },
    runAsUser: 12345,
  },
  steadyRatePerSecond: 5,
  spikePeakRatePerSecond: 50,
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  spikeResources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
};

const render = (extra: Partial<LoadGeneratorProps> = {}) => synth((chart) => new LoadGenerator(chart, 'load', { ...props, ...extra }));

describe('LoadGenerator', () => {
  const objects = render();
  const deployment = one(objects, 'Deployment');
  const cronJob = one(objects, 'CronJob');

  test('creates a ServiceAccount, the scripts ConfigMap, a steady Deployment and the spike CronJob named by the definition', () => {
    expect(refs(objects)).toEqual(['ServiceAccount/load', 'ConfigMap/load-scripts', 'Deployment/load', 'CronJob/load-spike']);
    expect(objects.every((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'load-generator')).toBe(true);
  });

  test('the ConfigMap holds the request mix and both k6 scripts, generated from the definition', () => {
    const data = at(one(objects, 'ConfigMap'), 'data') as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['requests.js', 'spike.js', 'steady.js']);
    expect(data['requests.js']).toContain('"path": "/"');
    expect(data['spike.js']).toContain("duration: '2m'");
  });

  test("the mix counts an answer outside a request's expected statuses as unexpected_status, by name and status, and fails only 5xx or none", () => {
    const run = exerciseK6Scripts(at(one(objects, 'ConfigMap'), 'data') as Record<string, string>, [404, 500, 0]);
    const sent = (name: string, status: number) => run.sends.find((s) => s.name === name && s.status === status)!;
    expect(sent('login', 429)).toMatchObject({ method: 'POST', url: 'http://target/login', body: '{"user":"x"}', samples: [] });
    expect(sent('login', 429).headers).toEqual({ 'Content-Type': 'application/json' });
    expect(sent('home', 200).samples).toEqual([]);
    expect(sent('home', 404).samples).toEqual([{ metric: 'unexpected_status', value: 1, tags: { name: 'home', status: '404' } }]);
    expect(sent('login', 0).samples).toEqual([{ metric: 'unexpected_status', value: 1, tags: { name: 'login', status: '0' } }]);
    expect([401, 429, 404, 500, 0].map((status) => failedUnder(sent('login', status).expectedStatuses, status))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(run.options.steady.thresholds).toEqual({
      'unexpected_status{name:home}': ['count>=0'],
      'unexpected_status{name:login}': ['count>=0'],
    });
    expect(run.options.spike.thresholds).toEqual(run.options.steady.thresholds);
    expect(run.picks).toEqual({ home: 750, login: 250 });
  });

  test('the steady Deployment runs one k6 pod at the steady rate against the target, scripts mounted read-only', () => {
    expect(at(deployment, 'spec', 'replicas')).toBe(1);
    expect(at(deployment, 'spec', 'selector', 'matchLabels')).toEqual({ 'app.kubernetes.io/name': 'load' });
    const container = containerOf(deployment);
    expect(container).toMatchObject({
      image: 'grafana/k6:0.50.0',
      args: ['run', '--address', '0.0.0.0:6565', '/scripts/steady.js'],
      resources: { requests: { cpu: '50m' } },
    });
    expect(at(container, 'env')).toEqual(
      expect.arrayContaining([
        { name: 'TARGET', value: 'http://gateway.ingress' },
        { name: 'RATE', value: '5' },
        { name: 'PEAK_RATE', value: '50' },
      ]),
    );
    expect(at(container, 'volumeMounts')).toEqual(expect.arrayContaining([{ name: 'scripts', mountPath: '/scripts', readOnly: true }]));
  });

  test("a changed request mix changes the pods' scripts checksum, so the steady k6 restarts with it", () => {
    const checksum = (o: typeof objects) => at(one(o, 'Deployment'), 'spec', 'template', 'metadata', 'annotations', 'checksum/scripts');
    expect(checksum(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(render())).toBe(checksum(objects));
    const [home, login] = props.definition.requests;
    expect(checksum(render({ definition: { ...props.definition, requests: [{ ...home, weight: 4 }, login] } }))).not.toBe(
      checksum(objects),
    );
  });

  test("runs without a sidecar, as the definition's numeric user", () => {
    for (const workload of [deployment, cronJob]) {
      const template =
        workload.kind === 'CronJob' ? at(workload, 'spec', 'jobTemplate', 'spec', 'template') : at(workload, 'spec', 'template');
      expect(at(template, 'metadata', 'annotations', 'sidecar.istio.io/inject')).toBe('false');
      expect(at(podSpecOf(workload), 'securityContext')).toMatchObject({ runAsUser: 12345, runAsGroup: 12345, runAsNonRoot: true });
    }
  });

  test('the spike is suspended, never retried, sized by spikeResources and cut off 120 s after its ramp-hold-ramp', () => {
    expect(at(cronJob, 'spec')).toMatchObject({ suspend: true, concurrencyPolicy: 'Forbid' });
    // 1m + 2m + 30s = 210 s, plus the 120 s backstop.
    expect(at(cronJob, 'spec', 'jobTemplate', 'spec')).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 330 });
    expect(at(podSpecOf(cronJob), 'restartPolicy')).toBe('Never');
    expect(containerOf(cronJob)).toMatchObject({
      args: ['run', '--address', '0.0.0.0:6565', '/scripts/spike.js'],
      resources: { limits: { cpu: '1', memory: '512Mi' } },
    });
  });

  test('the spike pods carry the same name label as the steady ones, so one NetworkPolicy covers both', () => {
    const steady = at(deployment, 'spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/name');
    expect(at(cronJob, 'spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/name')).toBe(steady);
    const gateway = {
      name: 'gateway',
      namespace: 'ingress',
      serviceAccount: 'gateway',
      podLabels: { app: 'gateway' },
      ports: [8080],
      internal: false,
    };
    const withAccess = render({ access: { inbound: [], outbound: [{ peer: gateway, ports: [8080] }] } });
    expect(refs(withAccess)).not.toContain('AuthorizationPolicy/load');
    expect(at(one(withAccess, 'NetworkPolicy'), 'spec')).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'load' } },
      policyTypes: ['Egress'],
    });
  });

  test('a spike duration that is not a k6 duration is refused', () => {
    expect(() => render({ definition: { ...props.definition, spike: { rampUp: '1 minute', hold: '1m', rampDown: '1m' } } })).toThrow(
      /not a k6 duration/,
    );
  });
});

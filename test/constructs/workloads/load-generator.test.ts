import { LoadGenerator, type LoadGeneratorProps } from '../../../constructs/workloads/load-generator';
import { at, containerOf, one, podSpecOf, refs, synth } from '../../support/construct-harness';

const props: LoadGeneratorProps = {
  namespace: 'shop',
  partOf: 'demo',
  definition: {
    name: 'load',
    spikeName: 'load-spike',
    image: { repository: 'grafana/k6', tag: '0.50.0' },
    target: 'http://gateway.ingress',
    requests: [{ name: 'home', method: 'GET', path: '/', weight: 1, expect: [200] }],
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

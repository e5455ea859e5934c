import { Microservice, type MicroserviceProps } from '../../../constructs/workloads/microservice';
import { at, containerOf, one, podSpecOf, refs, synth } from '../../support/construct-harness';

const props: MicroserviceProps = {
  namespace: 'shop',
  partOf: 'demo',
  image: { repository: 'example/cart', tag: 'v1' },
  port: 8080,
  healthPath: '/healthz',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilizationPercent: 70 },
};

const render = (extra: Partial<MicroserviceProps> = {}) => synth((chart) => new Microservice(chart, 'cart', { ...props, ...extra }));

describe('Microservice', () => {
  const objects = render();
  const deployment = one(objects, 'Deployment');
  const container = containerOf(deployment);

  test('creates a ServiceAccount, Deployment, Service, DestinationRule, HPA and PDB, all named after the id, in its namespace', () => {
    expect(refs(objects)).toEqual([
      'ServiceAccount/cart',
      'Deployment/cart',
      'Service/cart',
      'DestinationRule/cart',
      'HorizontalPodAutoscaler/cart',
      'PodDisruptionBudget/cart',
    ]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['shop']));
  });

  test('labels every object with the standard labels: component backend by default, the image tag as version', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'cart',
        'app.kubernetes.io/part-of': 'demo',
        'app.kubernetes.io/component': 'backend',
        'app.kubernetes.io/version': 'v1',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
    const frontend = one(render({ component: 'frontend' }), 'Service');
    expect(frontend.metadata.labels?.['app.kubernetes.io/component']).toBe('frontend');
  });

  test('selects its pods by the name label only, and the pod template carries it plus Istio app/version', () => {
    const selector = { 'app.kubernetes.io/name': 'cart' };
    expect(at(deployment, 'spec', 'selector', 'matchLabels')).toEqual(selector);
    expect(at(one(objects, 'Service'), 'spec', 'selector')).toEqual(selector);
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels')).toEqual(selector);
    expect(at(deployment, 'spec', 'template', 'metadata', 'labels')).toMatchObject({ ...selector, app: 'cart', version: 'v1' });
  });

  test('leaves the replica count to the HPA, which scales the Deployment on CPU within the given bounds', () => {
    expect(at(deployment, 'spec', 'replicas')).toBeUndefined();
    expect(at(deployment, 'spec', 'strategy', 'rollingUpdate')).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(one(objects, 'HorizontalPodAutoscaler')).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  });

  test('exposes the port as Service port `http` targeting the named container port', () => {
    expect(at(one(objects, 'Service'), 'spec')).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'cart' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(at(container, 'ports')).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('runs the image with the given resources, probing the health path on the http port', () => {
    expect(container).toMatchObject({
      name: 'cart',
      image: 'example/cart:v1',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
    });
  });

  test('slowStart: no startup probe by default; with it, a two-minute startup probe and no liveness delay', () => {
    expect(at(container, 'startupProbe')).toBeUndefined();
    const slow = containerOf(one(render({ slowStart: true }), 'Deployment'));
    expect(at(slow, 'startupProbe')).toEqual({
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 24,
    });
    expect(at(slow, 'livenessProbe', 'initialDelaySeconds')).toBeUndefined();
  });

  test('runAsUser: uid and gid 10001 by default, the given number otherwise, under a restricted security context', () => {
    expect(at(podSpecOf(deployment), 'securityContext')).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 });
    expect(at(container, 'securityContext')).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const custom = podSpecOf(one(render({ runAsUser: 2000 }), 'Deployment'));
    expect(at(custom, 'securityContext')).toMatchObject({ runAsUser: 2000, runAsGroup: 2000 });
  });

  test('metricsPath: the sidecar merges /metrics of the app port by default, the given path otherwise', () => {
    const annotations = at(deployment, 'spec', 'template', 'metadata', 'annotations');
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    const custom = one(render({ metricsPath: '/stats' }), 'Deployment');
    expect(at(custom, 'spec', 'template', 'metadata', 'annotations', 'prometheus.io/path')).toBe('/stats');
  });

  test('no env, envFrom, config checksum or sidecar sizing by default', () => {
    expect(at(container, 'env')).toBeUndefined();
    expect(at(container, 'envFrom')).toBeUndefined();
    const annotations = at(deployment, 'spec', 'template', 'metadata', 'annotations') as Record<string, string>;
    expect(Object.keys(annotations).filter((k) => k.startsWith('checksum/') || k.startsWith('sidecar.istio.io/'))).toEqual([]);
  });

  test('configMapName, configChecksum, env and secretEnv reach the container and the pod annotations', () => {
    const custom = one(
      render({
        configMapName: 'shared-env',
        configChecksum: 'abc123',
        env: { MODE: 'fast' },
        secretEnv: { TOKEN: { secret: 'cart-secrets', key: 'token' } },
        sidecarResources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      }),
      'Deployment',
    );
    expect(at(containerOf(custom), 'envFrom')).toEqual([{ configMapRef: { name: 'shared-env' } }]);
    expect(at(containerOf(custom), 'env')).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'cart-secrets', key: 'token' } } },
    ]);
    expect(at(custom, 'spec', 'template', 'metadata', 'annotations')).toMatchObject({
      'checksum/config': 'abc123',
      'sidecar.istio.io/proxyCPU': '10m',
      'sidecar.istio.io/proxyMemoryLimit': '64Mi',
    });
  });

  test('trafficPolicy: a DestinationRule for the FQDN by default, with outlier detection only from two replicas; none when off', () => {
    const rule = one(objects, 'DestinationRule');
    expect(at(rule, 'spec', 'host')).toBe('cart.shop.svc.cluster.local');
    expect(at(rule, 'spec', 'trafficPolicy', 'outlierDetection')).toBeDefined();
    const single = one(render({ autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuUtilizationPercent: 70 } }), 'DestinationRule');
    expect(at(single, 'spec', 'trafficPolicy', 'outlierDetection')).toBeUndefined();
    expect(refs(render({ trafficPolicy: false }))).not.toContain('DestinationRule/cart');
  });

  test('spreads its replicas across nodes softly, by the name label, so a one-node cluster still schedules them all', () => {
    expect(at(podSpecOf(deployment), 'topologySpreadConstraints')).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } },
      },
    ]);
  });

  test('a PodDisruptionBudget that lets one pod go at a time and never waits on unhealthy ones', () => {
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec')).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('access: no policies of its own by default; with its edges, an AuthorizationPolicy and NetworkPolicy named after it', () => {
    expect(refs(objects).filter((r) => r.includes('Policy/'))).toEqual([]);
    const caller = {
      name: 'web',
      namespace: 'shop',
      serviceAccount: 'web',
      podLabels: { 'app.kubernetes.io/name': 'web' },
      ports: [80],
      internal: true,
    };
    const withAccess = render({ access: { inbound: [{ peer: caller, ports: [8080] }], outbound: [] }, trustDomain: 'example.org' });
    expect(refs(withAccess)).toEqual(expect.arrayContaining(['AuthorizationPolicy/cart', 'NetworkPolicy/cart']));
    expect(at(one(withAccess, 'AuthorizationPolicy'), 'spec', 'rules', 0, 'from', 0, 'source', 'principals')).toEqual([
      'example.org/ns/shop/sa/web',
    ]);
  });

  test('exposes its name, port, Deployment and Service for other constructs to refer to', () => {
    let service: Microservice | undefined;
    synth((chart) => (service = new Microservice(chart, 'cart', props)));
    expect(service!.name).toBe('cart');
    expect(service!.port).toBe(8080);
    expect(service!.deployment.name).toBe('cart');
    expect(service!.service.kind).toBe('Service');
  });
});

import { Redis, type RedisProps } from '../../../constructs/workloads/redis';
import { at, containerOf, one, podSpecOf, refs, synth } from '../../support/construct-harness';

const props: RedisProps = {
  namespace: 'shop',
  partOf: 'demo',
  image: { repository: 'redis', tag: '7-alpine' },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
  maxMemory: '96mb',
};

const render = (extra: Partial<RedisProps> = {}) => synth((chart) => new Redis(chart, 'cache', { ...props, ...extra }));

describe('Redis', () => {
  const objects = render();
  const deployment = one(objects, 'Deployment');

  test('creates a ServiceAccount, a one-replica Deployment and a Service, named after the id', () => {
    expect(refs(objects)).toEqual(['ServiceAccount/cache', 'Deployment/cache', 'Service/cache']);
    expect(at(deployment, 'spec', 'replicas')).toBe(1);
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
  });

  test('labels it as the cache component and selects its pods by the name label', () => {
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'cache', 'app.kubernetes.io/version': '7-alpine' });
    expect(at(deployment, 'spec', 'selector', 'matchLabels')).toEqual({ 'app.kubernetes.io/name': 'cache' });
    expect(at(one(objects, 'Service'), 'spec', 'selector')).toEqual({ 'app.kubernetes.io/name': 'cache' });
  });

  test('port: 6379 by default on Service port tcp-redis, the server and its ping probe', () => {
    expect(at(one(objects, 'Service'), 'spec', 'ports')).toEqual([
      { name: 'tcp-redis', port: 6379, targetPort: 'tcp-redis', protocol: 'TCP' },
    ]);
    expect(at(containerOf(deployment), 'args')).toEqual([
      'redis-server',
      '--port',
      '6379',
      '--maxmemory',
      '96mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    expect(at(containerOf(deployment), 'readinessProbe', 'exec', 'command', 2)).toBe('redis-cli -p 6379 ping | grep -q PONG');
  });

  test('port: a non-default port moves the Service, the container port, the server and the probe together', () => {
    let redis: Redis | undefined;
    const custom = synth((chart) => (redis = new Redis(chart, 'cache', { ...props, port: 6380 })));
    const container = containerOf(one(custom, 'Deployment'));
    expect(redis!.port).toBe(6380);
    expect(at(one(custom, 'Service'), 'spec', 'ports', 0, 'port')).toBe(6380);
    expect(at(container, 'ports', 0, 'containerPort')).toBe(6380);
    expect(at(container, 'args')).toEqual(expect.arrayContaining(['--port', '6380']));
    expect(at(container, 'livenessProbe', 'exec', 'command', 2)).toContain('-p 6380');
  });

  test('identity: uid 999 and gid 1000 by default, the given ones otherwise', () => {
    expect(at(podSpecOf(deployment), 'securityContext')).toMatchObject({ runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    const custom = one(render({ identity: { runAsUser: 1001, runAsGroup: 1002 } }), 'Deployment');
    expect(at(podSpecOf(custom), 'securityContext')).toMatchObject({ runAsUser: 1001, runAsGroup: 1002 });
  });

  test('writes only to /data, an emptyDir of 512Mi, under a read-only root', () => {
    expect(at(podSpecOf(deployment), 'volumes')).toEqual([{ name: 'data', emptyDir: { sizeLimit: '512Mi' } }]);
    expect(at(containerOf(deployment), 'volumeMounts')).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(at(containerOf(deployment), 'securityContext', 'readOnlyRootFilesystem')).toBe(true);
  });

  test('sidecarResources: Istio defaults (no annotations) unless given', () => {
    const annotations = at(deployment, 'spec', 'template', 'metadata', 'annotations');
    expect(annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'cache' });
    const sized = one(
      render({ sidecarResources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } } }),
      'Deployment',
    );
    expect(at(sized, 'spec', 'template', 'metadata', 'annotations', 'sidecar.istio.io/proxyCPULimit')).toBe('50m');
  });

  test('access: with inbound edges, policies open its port to the callers only', () => {
    const caller = {
      name: 'cart',
      namespace: 'shop',
      serviceAccount: 'cart',
      podLabels: { 'app.kubernetes.io/name': 'cart' },
      ports: [8080],
      internal: true,
    };
    const withAccess = render({ access: { inbound: [{ peer: caller, ports: [6379] }], outbound: [] } });
    expect(refs(withAccess)).toEqual(expect.arrayContaining(['AuthorizationPolicy/cache', 'NetworkPolicy/cache']));
    expect(at(one(withAccess, 'NetworkPolicy'), 'spec', 'ingress')).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
  });
});

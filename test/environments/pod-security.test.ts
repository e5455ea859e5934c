// Pod Security "restricted" (Kubernetes 1.31), checked field by field on every container of every
// workload, plus the project's own rules: requests and limits, probes, read-only root, pinned images.
import { platformConfig } from '../../config';
import { images } from '../../config/images';
import { environmentNames, objects, ofKind, workloads, type Container, type PodTemplate } from '../support/helpers';

const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** A field as the kubelet resolves it: the container's value, else the pod's. */
function effective(pod: PodTemplate, container: Container, field: string): unknown {
  return container.securityContext?.[field] ?? pod.spec.securityContext?.[field];
}

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);
  const pods = workloads(all);
  const containers = pods.flatMap(({ object, pod }) =>
    [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map(
      (container) => [`${object.kind}/${object.metadata?.name}/${container.name}`, pod, container] as [string, PodTemplate, Container],
    ),
  );

  test('the application namespace enforces restricted and injects sidecars', () => {
    const namespace = ofKind(all, 'Namespace').find((n) => n.metadata?.name === platformConfig(environment).environment.namespace)!;
    expect(namespace.metadata?.labels).toMatchObject({
      'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.31',
    });
  });

  test('renders every workload: each service, both data stores, the load generator and its spike', () => {
    const config = platformConfig(environment);
    const expected = [
      ...config.services.map((s) => s.name),
      config.redis.name,
      config.postgresql.name,
      config.loadGenerator.name,
      config.loadGenerator.spikeName,
    ];
    expect(pods.map((w) => w.object.metadata?.name).sort()).toEqual(expected.sort());
  });

  test.each(containers)('%s passes restricted', (_id, pod, container) => {
    expect(effective(pod, container, 'runAsNonRoot')).toBe(true);
    const uid = effective(pod, container, 'runAsUser');
    expect(typeof uid === 'number' && uid > 0).toBe(true);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext?.privileged ?? false).toBe(false);
    expect(container.securityContext?.capabilities?.drop).toContain('ALL');
    expect((container.securityContext?.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE')).toEqual([]);
    expect((effective(pod, container, 'seccompProfile') as { type?: string })?.type).toBe('RuntimeDefault');
  });

  test.each(containers)('%s has a read-only root, requests, limits and probes', (_id, _pod, container) => {
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    for (const kind of ['requests', 'limits'] as const) {
      expect(container.resources?.[kind]?.cpu).toBeTruthy();
      expect(container.resources?.[kind]?.memory).toBeTruthy();
    }
    expect(container.readinessProbe).toBeDefined();
    expect(container.livenessProbe).toBeDefined();
  });

  test.each(containers)('%s runs a pinned image from config/images.ts', (_id, _pod, container) => {
    const [, tag] = container.image.split(':');
    expect(tag).toBeTruthy();
    expect(tag).not.toBe('latest');
    expect(Object.values(images).map((i) => `${i.repository}:${i.tag}`)).toContain(container.image);
  });

  test.each(pods.map((w) => [`${w.object.kind}/${w.object.metadata?.name}`, w.pod] as [string, PodTemplate]))(
    '%s uses no host namespaces and only restricted volume types',
    (_id, pod) => {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod.spec[field] ?? false).toBe(false);
      for (const volume of pod.spec.volumes ?? []) {
        const types = Object.keys(volume).filter((k) => k !== 'name');
        expect(types.every((t) => ALLOWED_VOLUME_TYPES.includes(t))).toBe(true);
      }
      // Every mount resolves to a volume of the pod or a claim of its StatefulSet.
      const volumes = new Set((pod.spec.volumes ?? []).map((v) => v.name as string));
      const owner = workloads(all).find((w) => w.pod === pod)!.object;
      const templates = (owner.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? [];
      const claims = new Set(templates.map((t) => t.metadata.name));
      for (const mount of pod.spec.containers.flatMap((c) => c.volumeMounts ?? [])) {
        expect(volumes.has(mount.name) || claims.has(mount.name)).toBe(true);
      }
    },
  );

  test('slow starters have a startup probe; api-gateway (a static Go binary) does not need one', () => {
    const container = (name: string) => pods.find((w) => w.object.metadata?.name === name)!.pod.spec.containers[0];
    for (const name of ['auth-service', 'user-service', 'blog-service', 'postgresql']) expect(container(name).startupProbe).toBeDefined();
    expect(container('api-gateway').startupProbe).toBeUndefined();
  });

  test('writable paths are emptyDirs: /tmp for the services, /data for Redis, socket dir and /tmp for PostgreSQL', () => {
    const mounts = (name: string) =>
      pods
        .find((w) => w.object.metadata?.name === name)!
        .pod.spec.containers[0].volumeMounts!.map((m) => m.mountPath)
        .sort();
    expect(mounts('user-service')).toEqual(['/tmp']);
    expect(mounts('redis')).toEqual(['/data']);
    expect(mounts('postgresql')).toEqual(['/docker-entrypoint-initdb.d', '/tmp', '/var/lib/postgresql/data', '/var/run/postgresql']);
  });

  test('no workload mounts the Kubernetes API token or gets Service-link variables', () => {
    for (const { pod } of pods) {
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(pod.spec.enableServiceLinks).toBe(false);
    }
  });

  test('every workload runs as its own ServiceAccount, named after it', () => {
    const accounts = new Set(ofKind(all, 'ServiceAccount').map((sa) => sa.metadata?.name));
    for (const { pod } of pods) {
      // The spike's pods are the load generator's: same name label, same account.
      expect(pod.spec.serviceAccountName).toBe(pod.metadata?.labels?.['app.kubernetes.io/name']);
      expect(accounts.has(pod.spec.serviceAccountName)).toBe(true);
    }
  });

  test('every injected pod sizes its Istio sidecar; only the load generator stays out of the mesh', () => {
    const outside = pods.filter((w) => w.pod.metadata?.annotations?.['sidecar.istio.io/inject'] === 'false');
    expect(outside.map((w) => w.object.metadata?.name).sort()).toEqual(['load-generator', 'load-spike']);
    for (const { pod } of pods.filter((w) => !outside.includes(w))) {
      for (const key of ['proxyCPU', 'proxyCPULimit', 'proxyMemory', 'proxyMemoryLimit']) {
        expect(pod.metadata?.annotations?.[`sidecar.istio.io/${key}`]).toBeTruthy();
      }
    }
  });
});

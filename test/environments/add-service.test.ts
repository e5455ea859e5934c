// Adding a fifth service is one config entry: every object and setting the four have, it gets too.
import { renderEnvironment } from '../../synth/synth';
import { environmentNames, fifthService, matchesSelector, podTemplate, withConfig, withServices } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

const notification = fifthService;
const { name } = notification;
const urlOf = `http://${name}:${notification.port}`;

describe.each(environmentNames)('a fifth service in %s', (environment) => {
  const config = withServices(
    withConfig(environment, () => ({})),
    notification,
  );
  const { manifests, findings } = renderEnvironment(config);
  const all = manifests.map((m) => m.object);
  const ns = config.environment.namespace;
  const find = (kind: string) => all.find((o) => o.kind === kind && o.metadata?.name === name) as KubeObject;

  test('renders without findings', () => {
    expect(findings).toEqual([]);
  });

  test('gets a ServiceAccount, Deployment, Service, HPA and PDB in its own files', () => {
    for (const kind of ['ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      expect(find(kind)).toBeDefined();
      expect(manifests.map((m) => m.path)).toContain(`${ns}/${kind.toLowerCase()}-${name}.yaml`);
    }
  });

  test('its Deployment is hardened, probed, sized and scaled like the others', () => {
    const deployment = find('Deployment');
    const pod = podTemplate(deployment)!;
    const [container] = pod.spec.containers;
    expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
    expect(container.image).toBe(`${notification.image.repository}:${notification.image.tag}`);
    expect(container.ports).toEqual([{ name: 'http', containerPort: notification.port, protocol: 'TCP' }]);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(container.resources).toEqual({
      requests: config.environment.services.resources.requests,
      limits: config.environment.services.resources.limits,
    });
    expect(JSON.stringify(container.readinessProbe)).toContain(notification.healthPath);
    expect(container.startupProbe).toBeDefined();
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'titanium-config' } }]);
    expect(container.env).toEqual([
      { name: 'INTERNAL_API_SECRET', valueFrom: { secretKeyRef: { name: 'internal-api-secret', key: 'secret' } } },
    ]);
    expect(pod.metadata?.annotations?.['sidecar.istio.io/proxyCPU']).toBe(config.environment.sidecar.requests.cpu);
    expect(pod.spec.serviceAccountName).toBe(name);
    const hpa = find('HorizontalPodAutoscaler').spec as { minReplicas: number; maxReplicas: number };
    expect(hpa.minReplicas).toBe(config.environment.services.autoscaling.minReplicas);
    expect(hpa.maxReplicas).toBe(config.environment.services.autoscaling.maxReplicas);
  });

  test('its Service selects its pods on port http; nobody may call it until the call graph says so', () => {
    const service = find('Service').spec as { selector: Record<string, string>; ports: { name: string; port: number }[] };
    expect(matchesSelector(podTemplate(find('Deployment'))!.metadata?.labels, service.selector)).toBe(true);
    expect(service.ports[0]).toMatchObject({ name: 'http', port: notification.port });
    const shared = all.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'titanium-config')!;
    expect((shared.data as Record<string, string>)[notification.urlEnvVar]).toBeUndefined();
    expect(find('AuthorizationPolicy')).toBeUndefined();
  });

  test('one edge in the call graph publishes its URL and opens exactly that call', () => {
    const caller = config.services[0].name;
    const called = withConfig(environment, (c) => ({
      ...withServices(c, notification),
      callGraph: { ...c.callGraph, edges: [...c.callGraph.edges, { from: caller, to: name }] },
    }));
    const objects = renderEnvironment(called).manifests.map((m) => m.object);
    const shared = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'titanium-config')!;
    expect((shared.data as Record<string, string>)[notification.urlEnvVar]).toBe(urlOf);
    const policy = objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === name)!;
    expect(JSON.stringify(policy.spec)).toContain(`cluster.local/ns/${ns}/sa/${caller}`);
  });

  test('leaves everything else as it was', () => {
    // With the same (possibly grown) quota: the service's own objects are all that is new.
    const before = renderEnvironment(withConfig(environment, () => ({ environment: config.environment }))).manifests;
    const changed = before
      .filter((m) => {
        const after = manifests.find((n) => n.file === m.file);
        return JSON.stringify(after?.object) !== JSON.stringify(m.object);
      })
      .map((m) => m.path);
    // The AppProject lists nothing new either: same namespaces, same kinds.
    expect(changed).toEqual([]);
  });
});

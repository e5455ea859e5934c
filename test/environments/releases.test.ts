// The values the platform depends on, read from the rendered Applications and compared with literal
// expectations (platform.md, charts.md), not with the code that produced them.
import { platformConfig } from '../../config';
import { environmentNames, rendered } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A structural check of Alloy's configuration language (there is no Alloy binary here): balanced
 * braces and brackets outside strings, and every block opening as `name "label" {` or `name {`.
 */
function alloyStructureProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
    if (/\{\s*$/.test(line) && !/^\s*([a-z_][\w.]*( "")?|[a-z_][\w.]*\s*=)\s*\{\s*$/.test(line))
      problems.push(`line ${i + 1}: not a block header: ${raw.trim()}`);
    for (const ch of line) {
      if (ch === '{' || ch === '[') stack.push(ch);
      if (ch === '}' && stack.pop() !== '{') problems.push(`line ${i + 1}: unbalanced }`);
      if (ch === ']' && stack.pop() !== '[') problems.push(`line ${i + 1}: unbalanced ]`);
    }
  });
  if (stack.length) problems.push(`${stack.length} unclosed`);
  return problems;
}

test('the Alloy structure check is real', () => {
  expect(alloyStructureProblems('a "b" {\n  x = 1\n}\n')).toEqual([]);
  expect(alloyStructureProblems('a "b" {\n  x = [1, 2\n}\n')).not.toEqual([]);
});

function release(environment: string, name: string): { values: Values; spec: Values } {
  const app = rendered(environment).manifests.find((m) => m.object.kind === 'Application' && m.object.metadata?.name === name)
    ?.object as KubeObject;
  if (!app) throw new Error(`no Application ${name}`);
  const spec = app.spec as Values;
  return { values: spec.source.helm.valuesObject, spec };
}

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const demo = environment === 'prod';

  test('Istio: base validates with Fail from the start; CNI on; metrics merging on; seccomp for injected containers', () => {
    expect(release(environment, 'istio-base').values).toEqual({ defaultRevision: 'default', base: { validationFailurePolicy: 'Fail' } });
    const istiod = release(environment, 'istiod').values;
    expect(istiod.cni).toEqual({ enabled: true });
    expect(istiod.meshConfig.enablePrometheusMerge).toBe(true);
    // The proxy is an ordinary container before Kubernetes 1.33: apps wait for it to be ready.
    expect(istiod.meshConfig.defaultConfig).toEqual({ holdApplicationUntilProxyStarts: true });
    expect(istiod.global.proxy.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(istiod.base.validationFailurePolicy).toBe('Fail');
    for (const forbidden of ['hub', 'tag', '_internal_defaults_do_not_set']) expect(istiod).not.toHaveProperty(forbidden);
    const cni = release(environment, 'istio-cni');
    expect(cni.spec.destination.namespace).toBe('istio-cni');
    expect(cni.values.cniConfDir).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d');
    expect(cni.values.cniBinDir).toBe(demo ? '/var/lib/rancher/k3s/data/cni' : '/bin');
  });

  test('the ingress gateway: NodePort 31304 for HTTP and nothing else exposed', () => {
    const { values, spec } = release(environment, 'istio-ingressgateway');
    expect(spec.source.helm.releaseName).toBe('istio-ingressgateway');
    expect(values.service).toEqual({
      type: 'NodePort',
      ports: [{ name: 'http2', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 31304 }],
    });
    expect(values.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  test(`Kiali: NodePort 31200, in-cluster Prometheus and Grafana, ${demo ? 'anonymous (the demo cluster)' : 'token login'}`, () => {
    const { values } = release(environment, 'kiali');
    expect(values.deployment.service_type).toBe('NodePort');
    expect(values.server.node_port).toBe(31200);
    expect(values.auth.strategy).toBe(demo ? 'anonymous' : 'token');
    expect(values.external_services.prometheus.url).toBe('http://kube-prometheus-stack-prometheus.monitoring:9090');
    expect(values.external_services.grafana.internal_url).toBe('http://kube-prometheus-stack-grafana.monitoring:80');
    expect(values.external_services.grafana.external_url).toBe(`http://${config.environment.publicHost}:30300`);
    expect(values.login_token.signing_key).toBe('secret:kiali-signing-key:key');
  });

  test('kube-prometheus-stack: NodePorts 30090 and 30300, Grafana from a Secret as 472, every monitor and rule picked up', () => {
    const { values } = release(environment, 'kube-prometheus-stack');
    expect(values.prometheus.service).toEqual({ type: 'NodePort', nodePort: 30090, reloaderWebNodePort: 30091 });
    expect(values.grafana.service).toEqual({ type: 'NodePort', nodePort: 30300 });
    expect(values.grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(values.grafana).not.toHaveProperty('adminPassword');
    expect(values.grafana.securityContext).toMatchObject({ runAsUser: 472, runAsGroup: 472, fsGroup: 472 });
    expect(values.grafana.initChownData).toEqual({ enabled: false });
    // No Alertmanager runs, so Grafana gets no Alertmanager data source pointing at nothing.
    expect(values.alertmanager).toEqual({ enabled: false });
    expect(values.grafana.sidecar.datasources).toEqual({ alertmanager: { enabled: false } });
    expect(values.grafana.sidecar.dashboards).toEqual({
      enabled: true,
      label: 'grafana_dashboard',
      labelValue: '1',
      searchNamespace: 'ALL',
    });
    expect(values.grafana.additionalDataSources).toEqual([
      { name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki.monitoring.svc.cluster.local:3100' },
    ]);
    for (const kind of ['serviceMonitor', 'podMonitor', 'rule', 'probe', 'scrapeConfig']) {
      expect(values.prometheus.prometheusSpec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
    }
    expect(values.crds).toEqual({ enabled: true, upgradeJob: { enabled: false } });
    // Each of these would put a Service into kube-system, a namespace the AppProject does not admit.
    for (const component of ['coreDns', 'kubeEtcd', 'kubeControllerManager', 'kubeScheduler', 'kubeProxy']) {
      expect([component, values[component]]).toEqual([component, { enabled: false }]);
    }
    if (demo) {
      expect(values.prometheus.prometheusSpec.retention).toBe('7d');
      expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('10Gi');
    }
  });

  test('Loki: single binary on the filesystem, retention with the compactor; Alloy: a DaemonSet shipping to it', () => {
    const loki = release(environment, 'loki').values;
    expect(loki.deploymentMode).toBe('Monolithic');
    expect(loki.loki.storage).toEqual({ type: 'filesystem' });
    expect(loki.loki.compactor).toEqual({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(loki.loki.schemaConfig.configs).toHaveLength(1);
    for (const part of ['read', 'write', 'backend']) expect(loki[part]).toEqual({ replicas: 0 });
    if (demo) {
      expect(loki.loki.limits_config.retention_period).toBe('168h');
      expect(loki.singleBinary.persistence.size).toBe('10Gi');
    }
    const alloy = release(environment, 'alloy').values;
    expect(alloy.controller).toEqual({ type: 'daemonset' });
    const pipeline: string = alloy.alloy.configMap.content;
    // Helm runs the text through tpl: a stray {{ would break the release.
    expect(pipeline).not.toContain('{{');
    for (const label of ['namespace', 'pod', 'container', 'app']) expect(pipeline).toContain(`target_label  = "${label}"`);
    expect(pipeline).toContain('loki.source.kubernetes "pods"');
    expect(pipeline).toContain('expressions = { level = "level" }');
    expect(pipeline).toContain('url = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"');
    expect(alloyStructureProblems(pipeline)).toEqual([]);
  });

  test('every Helm Application syncs server-side (the Prometheus CRD is far over the client-side limit)', () => {
    for (const name of ['istio-base', 'istio-cni', 'istiod', 'istio-ingressgateway', 'kiali', 'kube-prometheus-stack', 'loki', 'alloy']) {
      expect(release(environment, name).spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
  });
});

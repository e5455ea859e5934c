// The ingress gateway's own proxy is scraped like the sidecars, on :15020/stats/prometheus, where its
// pods are: namespace and labels come from config, and they are the labels Istio's gateway chart gives
// its pods. Nothing rendered keeps Prometheus from that port, the AppProject admits the monitor, and the
// scrape rule accepts it against the gateway's pods as the chart renders them (and refuses a wrong one).
import { platformConfig } from '../../config';
import { checkScrapes } from '../../validation/monitoring-rules';
import { ManifestSet, selects } from '../../validation/model';
import { objectRef, type KubeObject, type Manifest } from '../../validation/manifest';
import { networkAllows } from '../support/policy-eval';
import { environmentNames, rendered } from '../support/helpers';

interface PodMonitorSpec {
  selector: { matchLabels: Record<string, string> };
  namespaceSelector?: unknown;
  podMetricsEndpoints: { port: string; path: string; relabelings: { targetLabel: string; replacement?: string }[] }[];
}

interface ProjectSpec {
  destinations: { server: string; namespace: string }[];
  namespaceResourceWhitelist?: { group: string; kind: string }[];
  namespaceResourceBlacklist?: { group: string; kind: string }[];
}

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const { manifests } = rendered(environment);
  const all = manifests.map((m) => m.object);
  const gateway = config.callGraph.peers.find((p) => p.name === config.callGraph.ingressGateway)!;
  const chart = config.helmCharts.istioIngressGateway;
  const monitors = all.filter((o) => o.kind === 'PodMonitor' && o.metadata?.namespace === gateway.namespace);
  const monitor = monitors[0];
  const spec = monitor?.spec as PodMonitorSpec;
  // Istio 1.29.6's gateway chart (templates/_helpers.tpl, gateway.selectorLabels) labels its pods after
  // the release: `app: <release>`, `istio: <release without "istio-">`.
  const chartPodLabels = { app: chart.releaseName, istio: chart.releaseName.replace(/^istio-/, '') };

  /**
   * The chart's Deployment as the scrape rule sees it (templates/deployment.yaml at 1.29.6): one
   * container, istio-proxy, declaring only Envoy's 15090 as `http-envoy-prom`; 15020 is served, not declared.
   */
  const chartDeployment = (labels: Record<string, string>, portName = 'http-envoy-prom'): Manifest => ({
    file: `helm:${chart.chart}@${chart.version}`,
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: chart.releaseName, namespace: chart.namespace },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'true' } },
          spec: {
            containers: [{ name: 'istio-proxy', image: 'auto', ports: [{ name: portName, containerPort: 15090, protocol: 'TCP' }] }],
          },
        },
      },
    },
  });
  const scrapeFindings = (extra: Manifest) =>
    checkScrapes(new ManifestSet([...manifests, extra], config.environment.namespace), config.environment.namespace).filter(
      (f) => f.object === objectRef(monitor),
    );

  test("one PodMonitor scrapes the gateway's pods, in the gateway's namespace, by the labels config gives them", () => {
    expect(monitors).toHaveLength(1);
    expect(monitor.metadata?.name).toBe(gateway.name);
    expect(spec.selector).toEqual({ matchLabels: gateway.podLabels });
    // Only its own namespace: the sidecar monitor does not reach into it, and it does not reach out.
    expect(spec.namespaceSelector).toBeUndefined();
    // The pods the Gateway object binds the routes to are the ones scraped.
    const gatewayObject = all.find((o) => o.kind === 'Gateway') as KubeObject;
    expect((gatewayObject.spec as { selector: Record<string, string> }).selector).toEqual(spec.selector.matchLabels);
  });

  test("on :15020/stats/prometheus, one target per pod through the proxy's one declared port", () => {
    expect(spec.podMetricsEndpoints).toHaveLength(1);
    const [endpoint] = spec.podMetricsEndpoints;
    expect(endpoint).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
    expect(endpoint.relabelings.find((r) => r.targetLabel === '__address__')?.replacement).toBe('$1:15020');
  });

  test("its selector matches the labels Istio's gateway chart gives the release's pods, in the release's namespace", () => {
    expect(gateway.namespace).toBe(chart.namespace);
    expect(selects(spec.selector.matchLabels, chartPodLabels)).toBe(true);
  });

  test("nothing rendered keeps Prometheus from the gateway's :15020", () => {
    const prometheus = config.callGraph.peers.find((p) => config.callGraph.scrapes.some((s) => s.from === p.name))!;
    const from = { namespace: prometheus.namespace, labels: prometheus.podLabels };
    expect(networkAllows(all, { from, to: { namespace: gateway.namespace, labels: chartPodLabels }, port: 15020 })).toBe(true);
    // No policy of ours in the gateway's namespace (an AuthorizationPolicy there would also be mesh-wide:
    // it is Istio's root namespace). 15020 is served by the proxy's agent, outside Envoy's listeners, anyway.
    expect(
      all.filter((o) => ['NetworkPolicy', 'AuthorizationPolicy'].includes(o.kind) && o.metadata?.namespace === gateway.namespace),
    ).toEqual([]);
    // The chart's own NetworkPolicy stays off (it would admit 15020 from anywhere too).
    const release = all.find((o) => o.kind === 'Application' && o.metadata?.name === chart.releaseName) as KubeObject;
    const values = (release.spec as { source: { helm: { valuesObject: { global?: { networkPolicy?: { enabled?: boolean } } } } } }).source
      .helm.valuesObject;
    expect(values.global?.networkPolicy?.enabled).not.toBe(true);
  });

  test('the AppProject admits a PodMonitor in that namespace', () => {
    const project = all.find((o) => o.kind === 'AppProject')!.spec as ProjectSpec;
    expect(project.destinations).toContainEqual({ server: config.environment.cluster.server, namespace: gateway.namespace });
    const podMonitor = { group: 'monitoring.coreos.com', kind: 'PodMonitor' };
    if (project.namespaceResourceWhitelist) expect(project.namespaceResourceWhitelist).toContainEqual(podMonitor);
    expect(project.namespaceResourceBlacklist ?? []).not.toContainEqual(podMonitor);
  });

  test("the scrape rule accepts it against the chart's pods, and refuses a slip in their labels or an undeclared port name", () => {
    expect(scrapeFindings(chartDeployment(chartPodLabels))).toEqual([]);
    const slipped = { ...chartPodLabels, istio: `${chartPodLabels.istio}x` };
    expect(scrapeFindings(chartDeployment(slipped))).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'scrape',
        field: 'spec.selector',
        message: expect.stringMatching(/^selects no pods: the closest/),
      }),
    ]);
    // Unrelated labels may belong to pods outside these files: a note, not an error.
    expect(scrapeFindings(chartDeployment({ app: 'other-gateway', istio: 'other-gateway' }))).toEqual([
      expect.objectContaining({
        severity: 'note',
        rule: 'scrape',
        field: 'spec.selector',
        message: expect.stringMatching(/^selects no pods/),
      }),
    ]);
    expect(scrapeFindings(chartDeployment(chartPodLabels, 'metrics'))).toEqual([
      expect.objectContaining({ rule: 'scrape', field: 'spec.podMetricsEndpoints[0].port' }),
    ]);
  });
});

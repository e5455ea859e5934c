// Istio 1.29.6 from its upstream charts (base → cni → istiod → gateway), with typed values. Keys follow
// ../shared/docs/charts.md; hub and tag are never set (the charts pin their own images).
import type { PlatformConfig, ResourceRequirements } from '../../config/types';
import type { JustifiedIgnoreDifference } from '../../constructs/argocd/gitops-application';
import type { HelmRelease } from '../../constructs/argocd/helm-release';

/** The Kubernetes distribution profile Istio's charts know (`global.platform`). */
export type IstioPlatform = 'k3s' | 'k3d';

export interface IstioBaseValues {
  /** Makes `istiod-default-validator` point at the default revision. */
  readonly defaultRevision: 'default';
  /** `Fail` from the start, so the webhook does not flip from Ignore and show as drift. */
  readonly base: { readonly validationFailurePolicy: 'Fail' };
}

export interface IstioCniValues {
  readonly global: { readonly platform: IstioPlatform };
  /** k3s keeps its CNI configuration and binaries outside the usual paths; the chart does not take them from the profile. */
  readonly cniConfDir: string;
  readonly cniBinDir: string;
}

export interface IstiodValues {
  readonly global: {
    readonly platform: IstioPlatform;
    /** Seccomp for every injected container: Pod Security `restricted` requires it. */
    readonly proxy: { readonly seccompProfile: { readonly type: 'RuntimeDefault' } };
  };
  /** Injection adds the CNI-era `istio-validation` init container instead of the NET_ADMIN `istio-init`. */
  readonly cni: { readonly enabled: true };
  readonly meshConfig: {
    /** Sidecars serve app and Envoy metrics together on :15020/stats/prometheus (scraped under STRICT mTLS). */
    readonly enablePrometheusMerge: true;
    /** Access logs on the sidecars' stdout, for the logs panel during the demo. */
    readonly accessLogFile: '/dev/stdout';
    readonly accessLogEncoding: 'JSON';
    readonly defaultConfig: {
      /**
       * The app container starts only once Envoy is ready. Istio 1.29 runs the proxy as a native
       * sidecar (an init container that starts first) only on Kubernetes ≥ 1.33; on k3s 1.31 it is
       * an ordinary container, and with istio-cni redirecting from the first packet an app that
       * calls out at start (auth-service → user-service, the services → PostgreSQL) fails until
       * Envoy listens.
       */
      readonly holdApplicationUntilProxyStarts: true;
    };
  };
  readonly base: { readonly validationFailurePolicy: 'Fail' };
  readonly resources: ResourceRequirements;
  /** istiod's own container. */
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

export interface GatewayServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP';
  readonly nodePort: number;
}

export interface IngressGatewayValues {
  readonly service: { readonly type: 'NodePort'; readonly ports: readonly GatewayServicePort[] };
  readonly autoscaling: { readonly enabled: boolean; readonly minReplicas: number; readonly maxReplicas: number };
  readonly resources: ResourceRequirements;
  readonly podDisruptionBudget?: { readonly maxUnavailable: number };
  /**
   * The pod's security context. Setting it replaces the chart's default, so the sysctl that lets
   * the proxy bind port 80 without privileges is restated here.
   */
  readonly securityContext: {
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
    readonly sysctls: readonly { readonly name: 'net.ipv4.ip_unprivileged_port_start'; readonly value: '0' }[];
  };
}

/** istiod patches its CA bundle into the webhooks at run time (istio/istio#52785); not ours to compare. */
const WEBHOOK_CA_BUNDLES: JustifiedIgnoreDifference[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
  reason: 'istiod patches its own CA bundle into the webhooks at run time (istio/istio#52785)',
  group: 'admissionregistration.k8s.io',
  kind,
  jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
}));

/** Where each platform keeps CNI configuration and plugins (Istio's platform profiles, 1.29.6). */
const CNI_DIRECTORIES: Record<IstioPlatform, { readonly cniConfDir: string; readonly cniBinDir: string }> = {
  k3s: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/var/lib/rancher/k3s/data/cni' },
  k3d: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/bin' },
};

export function istioReleases(config: PlatformConfig): HelmRelease[] {
  const { mesh } = config.environment;
  const { helmCharts, syncWaves } = config;
  const platform = mesh.istioPlatform;
  const base: IstioBaseValues = { defaultRevision: 'default', base: { validationFailurePolicy: 'Fail' } };
  const cni: IstioCniValues = { global: { platform }, ...CNI_DIRECTORIES[platform] };
  const istiod: IstiodValues = {
    global: { platform, proxy: { seccompProfile: { type: 'RuntimeDefault' } } },
    cni: { enabled: true },
    meshConfig: {
      enablePrometheusMerge: true,
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      defaultConfig: { holdApplicationUntilProxyStarts: true },
    },
    base: { validationFailurePolicy: 'Fail' },
    resources: mesh.istiod.resources,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const gateway: IngressGatewayValues = {
    service: {
      type: 'NodePort',
      // Only the HTTP port: every port of a NodePort Service gets a node port, and an unpinned one is
      // allocated at random, possibly taking a number the registry reserved for another Service.
      ports: [{ name: 'http2', port: 80, targetPort: 80, protocol: 'TCP', nodePort: config.nodePorts.ingressHttp }],
    },
    autoscaling: {
      enabled: mesh.ingressGateway.maxReplicas > mesh.ingressGateway.minReplicas,
      minReplicas: mesh.ingressGateway.minReplicas,
      maxReplicas: mesh.ingressGateway.maxReplicas,
    },
    resources: mesh.ingressGateway.resources,
    podDisruptionBudget: mesh.ingressGateway.minReplicas > 1 ? { maxUnavailable: 1 } : undefined,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
  };
  return [
    {
      name: 'istio-base',
      chart: helmCharts.istioBase,
      values: base,
      syncWave: syncWaves.crds,
      // Its istiod-default-validator webhook gets the same CA bundle patch.
      ignoreDifferences: WEBHOOK_CA_BUNDLES.filter((d) => d.kind === 'ValidatingWebhookConfiguration'),
    },
    { name: 'istio-cni', chart: helmCharts.istioCni, values: cni, syncWave: syncWaves.meshControlPlane },
    {
      name: 'istiod',
      chart: helmCharts.istiod,
      values: istiod,
      syncWave: syncWaves.meshControlPlane,
      ignoreDifferences: WEBHOOK_CA_BUNDLES,
    },
    // After istiod is healthy: the gateway's image is `auto`, filled in by istiod's injector (istio/istio#53290).
    { name: 'istio-ingressgateway', chart: helmCharts.istioIngressGateway, values: gateway, syncWave: syncWaves.gateways },
  ];
}

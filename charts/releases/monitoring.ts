// Prometheus, Grafana, Loki and Alloy from their upstream charts, with typed values. Keys follow
// ../shared/docs/charts.md (each was seen to take effect in `helm template` at the pinned versions).
import type { PlatformConfig, ResourceRequirements } from '../../config/types';
import type { HelmRelease } from '../../constructs/argocd/helm-release';

interface VolumeClaimSpec {
  readonly storageClassName: string;
  readonly accessModes: readonly ['ReadWriteOnce'];
  readonly resources: { readonly requests: { readonly storage: string } };
}

const SELECT_ALL = {
  serviceMonitorSelectorNilUsesHelmValues: false,
  podMonitorSelectorNilUsesHelmValues: false,
  ruleSelectorNilUsesHelmValues: false,
  probeSelectorNilUsesHelmValues: false,
  scrapeConfigSelectorNilUsesHelmValues: false,
} as const;

export interface KubePrometheusStackValues {
  /** CRDs through the chart's subchart, applied server-side (the Prometheus CRD is ~830 KB). */
  readonly crds: { readonly enabled: true; readonly upgradeJob: { readonly enabled: false } };
  /** Off: no receiver is configured; alerts show in Prometheus and Grafana. */
  readonly alertmanager: { readonly enabled: false };
  /** Off: node-exporter needs host namespaces and hostPath; the Golden Signals need none of it. */
  readonly nodeExporter: { readonly enabled: false };
  /** k3s runs these inside its own binary: there is nothing to scrape, only TargetDown noise. */
  readonly kubeControllerManager: { readonly enabled: false };
  readonly kubeScheduler: { readonly enabled: false };
  readonly kubeEtcd: { readonly enabled: false };
  readonly kubeProxy: { readonly enabled: false };
  /** Its Service would go into kube-system, which the AppProject does not admit; DNS is not a Golden Signal. */
  readonly coreDns: { readonly enabled: false };
  readonly defaultRules: { readonly rules: Readonly<Record<string, boolean>> };
  readonly grafana: {
    readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly service: { readonly type: 'NodePort'; readonly nodePort: number };
    /** uid/gid 472 with fsGroup, so the volume is writable without a root chown. */
    readonly securityContext: {
      readonly runAsNonRoot: true;
      readonly runAsUser: 472;
      readonly runAsGroup: 472;
      readonly fsGroup: 472;
      readonly seccompProfile: { readonly type: 'RuntimeDefault' };
    };
    /** Runs as root with CHOWN; fsGroup does its job. */
    readonly initChownData: { readonly enabled: false };
    readonly persistence: { readonly enabled: true; readonly size: string; readonly storageClassName: string };
    /** A ReadWriteOnce volume cannot be attached to a surge pod on another node. */
    readonly deploymentStrategy: { readonly type: 'Recreate' };
    readonly resources: ResourceRequirements;
    readonly sidecar: {
      readonly dashboards: { readonly enabled: true; readonly label: string; readonly labelValue: string; readonly searchNamespace: 'ALL' };
      /**
       * The chart's Alertmanager data source points at the release's Alertmanager Service, which
       * does not exist with `alertmanager.enabled: false`: Grafana would show a broken data source.
       */
      readonly datasources: { readonly alertmanager: { readonly enabled: false } };
    };
    readonly additionalDataSources: readonly {
      readonly name: string;
      readonly type: 'loki';
      readonly uid: string;
      readonly access: 'proxy';
      readonly url: string;
    }[];
  };
  readonly prometheus: {
    readonly service: { readonly type: 'NodePort'; readonly nodePort: number; readonly reloaderWebNodePort: number };
    readonly prometheusSpec: typeof SELECT_ALL & {
      readonly retention: string;
      readonly resources: ResourceRequirements;
      readonly storageSpec: { readonly volumeClaimTemplate: { readonly spec: VolumeClaimSpec } };
    };
  };
}

export interface LokiValues {
  readonly deploymentMode: 'Monolithic';
  readonly loki: {
    readonly auth_enabled: false;
    readonly commonConfig: { readonly replication_factor: 1 };
    readonly storage: { readonly type: 'filesystem' };
    readonly schemaConfig: {
      readonly configs: readonly {
        readonly from: string;
        readonly store: 'tsdb';
        readonly object_store: 'filesystem';
        readonly schema: 'v13';
        readonly index: { readonly prefix: string; readonly period: '24h' };
      }[];
    };
    /** Retention needs both the limit and the compactor. */
    readonly limits_config: { readonly retention_period: string };
    readonly compactor: { readonly retention_enabled: true; readonly delete_request_store: 'filesystem' };
  };
  readonly singleBinary: {
    readonly replicas: 1;
    readonly persistence: { readonly size: string; readonly storageClass: string };
    readonly resources: ResourceRequirements;
  };
  readonly read: { readonly replicas: 0 };
  readonly write: { readonly replicas: 0 };
  readonly backend: { readonly replicas: 0 };
  readonly gateway: { readonly enabled: false };
  readonly chunksCache: { readonly enabled: false };
  readonly resultsCache: { readonly enabled: false };
  readonly minio: { readonly enabled: false };
  readonly lokiCanary: { readonly enabled: false };
  readonly test: { readonly enabled: false };
}

export interface AlloyValues {
  readonly controller: { readonly type: 'daemonset' };
  readonly alloy: {
    readonly configMap: { readonly content: string };
    readonly resources: ResourceRequirements;
    readonly securityContext: {
      readonly runAsNonRoot: true;
      readonly runAsUser: number;
      readonly runAsGroup: number;
      readonly allowPrivilegeEscalation: false;
      readonly capabilities: { readonly drop: readonly ['ALL'] };
      readonly seccompProfile: { readonly type: 'RuntimeDefault' };
    };
  };
  readonly global: {
    readonly podSecurityContext: { readonly fsGroup: number; readonly seccompProfile: { readonly type: 'RuntimeDefault' } };
  };
}

/**
 * The Alloy pipeline: this node's pods (through the API, no hostPath) → labels namespace, pod,
 * container, app → the services' JSON `level` → Loki. Helm passes the text through `tpl`, so it must
 * contain no `{{`.
 */
export function alloyPipeline(options: { readonly lokiUrl: string; readonly appNamespace: string }): string {
  return `// Generated by charts/releases/monitoring.ts.
discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("HOSTNAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app"]
    target_label  = "app"
  }
  // The standard name label wins where a pod has it.
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    regex         = "(.+)"
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  // The services log JSON lines with "level" and "message".
  stage.match {
    selector = "{namespace=\\"${options.appNamespace}\\"}"
    stage.json {
      expressions = { level = "level" }
    }
    stage.labels {
      values = { level = "" }
    }
  }
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${options.lokiUrl}/loki/api/v1/push"
  }
}
`;
}

export function monitoringReleases(config: PlatformConfig): HelmRelease[] {
  const { environment, nodePorts, observability, helmCharts, syncWaves } = config;
  const { grafanaAdmin } = config.secrets;
  const o = environment.observability;
  const claim = (size: string): VolumeClaimSpec => ({
    storageClassName: environment.postgresql.storageClassName,
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: size } },
  });

  const kubePrometheusStack: KubePrometheusStackValues = {
    crds: { enabled: true, upgradeJob: { enabled: false } },
    alertmanager: { enabled: false },
    nodeExporter: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    coreDns: { enabled: false },
    defaultRules: {
      rules: {
        alertmanager: false,
        etcd: false,
        kubeControllerManager: false,
        kubeProxy: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        node: false,
        nodeExporterAlerting: false,
        nodeExporterRecording: false,
        kubePrometheusNodeRecording: false,
        windows: false,
      },
    },
    grafana: {
      admin: { existingSecret: grafanaAdmin.name, userKey: 'admin-user', passwordKey: 'admin-password' },
      service: { type: 'NodePort', nodePort: nodePorts.grafana },
      securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' } },
      initChownData: { enabled: false },
      persistence: { enabled: true, size: o.grafana.storageSize, storageClassName: environment.postgresql.storageClassName },
      deploymentStrategy: { type: 'Recreate' },
      resources: o.grafana.resources,
      sidecar: {
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' },
        datasources: { alertmanager: { enabled: false } },
      },
      additionalDataSources: [
        { name: 'Loki', type: 'loki', uid: observability.datasources.loki, access: 'proxy', url: observability.lokiUrl },
      ],
    },
    prometheus: {
      service: { type: 'NodePort', nodePort: nodePorts.prometheus, reloaderWebNodePort: nodePorts.prometheusReloader },
      prometheusSpec: {
        ...SELECT_ALL,
        retention: o.prometheus.retention,
        resources: o.prometheus.resources,
        storageSpec: { volumeClaimTemplate: { spec: claim(o.prometheus.storageSize) } },
      },
    },
  };

  const loki: LokiValues = {
    deploymentMode: 'Monolithic',
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: {
        configs: [
          { from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } },
        ],
      },
      limits_config: { retention_period: o.loki.retentionPeriod },
      compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
    },
    singleBinary: {
      replicas: 1,
      persistence: { size: o.loki.storageSize, storageClass: environment.postgresql.storageClassName },
      resources: o.loki.resources,
    },
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    gateway: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    minio: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };

  const alloy: AlloyValues = {
    controller: { type: 'daemonset' },
    alloy: {
      configMap: { content: alloyPipeline({ lokiUrl: observability.lokiUrl, appNamespace: environment.namespace }) },
      resources: o.alloy.resources,
      // The image's `alloy` user; it reads logs through the API and needs no root.
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 473,
        runAsGroup: 473,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    },
    global: { podSecurityContext: { fsGroup: 473, seccompProfile: { type: 'RuntimeDefault' } } },
  };

  return [
    // Its CRDs come with it, so it goes with the other CRDs; everything scraped is added later.
    { name: 'kube-prometheus-stack', chart: helmCharts.kubePrometheusStack, values: kubePrometheusStack, syncWave: syncWaves.crds },
    { name: 'loki', chart: helmCharts.loki, values: loki, syncWave: syncWaves.addons },
    { name: 'alloy', chart: helmCharts.alloy, values: alloy, syncWave: syncWaves.addons },
  ];
}

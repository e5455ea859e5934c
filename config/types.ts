// The typed configuration model. Everything the charts render comes from values of these types;
// `config/index.ts` assembles them per environment.

/** A container image. The tag is pinned: never `latest`, never missing. */
export interface ImageRef {
  /** Repository on Docker Hub, e.g. `dongju101/api-gateway` or `redis`. */
  readonly repository: string;
  /** Pinned tag, e.g. `main-d631646`. */
  readonly tag: string;
}

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '100m', memory: '128Mi' }`. */
export interface ComputeResources {
  readonly cpu: string;
  readonly memory: string;
}

export interface ResourceRequirements {
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
}

export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilisation, in percent of the pods' CPU requests, that the HPA aims for. */
  readonly targetCpuUtilizationPercent: number;
}

/** One key of a Secret that is created outside git (see `config/secrets.ts`). */
export interface SecretKeyRef {
  readonly secret: string;
  readonly key: string;
}

/**
 * A Secret this project never renders: an operator creates it once with `kubectl create secret`
 * (docs/bootstrap.md: "Secrets" lists the commands). Every `secretKeyRef` in the output must name one of these.
 */
export interface ExternalSecret {
  readonly name: string;
  /** The keys the platform reads; the create command gets one placeholder per key. */
  readonly keys: readonly string[];
  /** What the Secret is for and who reads it, for the reader of the config. */
  readonly description: string;
  /**
   * Namespace the Secret lives in.
   * @default the environment's application namespace
   */
  readonly namespace?: string;
  /**
   * Labels the Secret needs, e.g. `app.kubernetes.io/part-of: argocd` for Secrets Argo CD reads.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One HTTP microservice of the application tier. Adding an entry adds every object it needs. */
export interface ServiceDefinition {
  /** DNS-1035 name of the Deployment, Service, ServiceAccount, HPA and PDB. */
  readonly name: string;
  /** Value of `app.kubernetes.io/component`. */
  readonly component: string;
  readonly description: string;
  readonly image: ImageRef;
  /** Container and Service port; the Service port is named `http`. */
  readonly port: number;
  /** Path that answers 200 when the service is healthy (readiness, liveness, startup). */
  readonly healthPath: string;
  /** Name of the shared-ConfigMap variable that holds `http://<name>:<port>`, e.g. `USER_SERVICE_URL`. */
  readonly urlEnvVar: string;
  /**
   * Adds a startup probe, for runtimes that take a while before `/health` answers.
   * @default false
   */
  readonly slowStart?: boolean;
  /**
   * Literal environment variables this service reads besides the shared ConfigMap.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secrets created outside git.
   * @default none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Overrides the environment's default container resources for this service.
   * @default the environment's `services.resources`
   */
  readonly resources?: ResourceRequirements;
  /**
   * Overrides parts of the environment's autoscaling defaults for this service.
   * @default the environment's `services.autoscaling`
   */
  readonly autoscaling?: Partial<AutoscalingSpec>;
}

/** Redis, the cache. */
export interface RedisDefinition {
  readonly name: string;
  readonly image: ImageRef;
  readonly port: number;
  /** Logical database the services use (`REDIS_DB`). */
  readonly database: number;
  /** The `redis` user of the alpine image. */
  readonly runAsUser: number;
  readonly runAsGroup: number;
}

/** PostgreSQL, the database. */
export interface PostgresqlDefinition {
  readonly name: string;
  readonly image: ImageRef;
  readonly port: number;
  /** Database created at first start (`POSTGRES_DB`). */
  readonly database: string;
  /** The `postgres` user of the alpine image (uid and gid 70). */
  readonly runAsUser: number;
  readonly runAsGroup: number;
  /** Where the superuser name and password come from. */
  readonly credentials: { readonly username: SecretKeyRef; readonly password: SecretKeyRef };
  /** SQL run once, when the data volume is empty (schema and seed rows). */
  readonly initSql: string;
}

/** Values of the shared ConfigMap that differ per environment. */
export interface AppSettings {
  /** `ENVIRONMENT`, e.g. `production`. */
  readonly environment: string;
  /** `LOG_LEVEL`. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  /** `DEBUG_MODE`. */
  readonly debugMode: boolean;
}

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Istio's control plane, ingress gateway and Kiali, sized per environment. */
export interface MeshEnvironmentConfig {
  /** Istio's platform profile: where the node keeps its CNI configuration and plugins. */
  readonly istioPlatform: 'k3s' | 'k3d';
  readonly istiod: { readonly resources: ResourceRequirements };
  readonly ingressGateway: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly resources: ResourceRequirements;
  };
  /** Kiali without login: only for the demo cluster, where the audience watches the graph. */
  readonly kialiAnonymous: boolean;
}

/** Sizes of the monitoring stack in one environment. */
export interface ObservabilityEnvironmentConfig {
  readonly prometheus: { readonly retention: string; readonly storageSize: string; readonly resources: ResourceRequirements };
  readonly grafana: { readonly storageSize: string; readonly resources: ResourceRequirements };
  readonly loki: { readonly retentionPeriod: string; readonly storageSize: string; readonly resources: ResourceRequirements };
  readonly alloy: { readonly resources: ResourceRequirements };
}

/** The load generator's rates in one environment. */
export interface LoadGeneratorEnvironmentConfig {
  /** Requests per second it keeps up all the time. */
  readonly steadyRatePerSecond: number;
  /** Requests per second the on-demand spike ramps up to. */
  readonly spikePeakRatePerSecond: number;
  readonly resources: ResourceRequirements;
  readonly spikeResources: ResourceRequirements;
}

export interface ResourceQuotaSpec {
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
  readonly pods: number;
}

/** The cluster an environment's Argo CD Applications deploy to. */
export interface ClusterRef {
  /** Human name, for the reader of the config. */
  readonly name: string;
  /** API server URL as Argo CD knows it; `https://kubernetes.default.svc` is the cluster Argo CD runs in. */
  readonly server: string;
}

/** Everything that differs between clusters. One file per environment under `config/environments/`. */
export interface EnvironmentConfig {
  /** Folder name under `dist/` and `argocd/`, and under the `deploy` branch, e.g. `prod`. */
  readonly name: string;
  readonly description: string;
  readonly cluster: ClusterRef;
  /** The application namespace; also the name of its rendered folder and of its Argo CD Application. */
  readonly namespace: string;
  /**
   * Host name operators use to reach the NodePorts (any node answers on every NodePort), e.g. a name
   * mapped to a node's address in /etc/hosts. Used for `ALLOWED_ORIGINS` and Kiali's Grafana links.
   */
  readonly publicHost: string;
  /** Pod Security Standards version the namespace enforces, matching the cluster, e.g. `v1.31`. */
  readonly podSecurityVersion: string;
  readonly settings: AppSettings;
  readonly services: {
    readonly resources: ResourceRequirements;
    readonly autoscaling: AutoscalingSpec;
  };
  /** The Istio sidecar's requests and limits, set per pod through annotations. */
  readonly sidecar: ResourceRequirements;
  readonly mesh: MeshEnvironmentConfig;
  readonly observability: ObservabilityEnvironmentConfig;
  readonly loadGenerator: LoadGeneratorEnvironmentConfig;
  readonly redis: {
    readonly resources: ResourceRequirements;
    /** Redis `maxmemory`, below the container's memory limit. */
    readonly maxMemory: string;
  };
  readonly postgresql: {
    readonly resources: ResourceRequirements;
    readonly storageSize: string;
    readonly storageClassName: string;
  };
  /**
   * The namespace's ResourceQuota (sidecars count towards it).
   * @default no quota
   */
  readonly resourceQuota?: ResourceQuotaSpec;
}

/** Release-wide facts shared by every environment. */
export interface PlatformInfo {
  /** `app.kubernetes.io/part-of` and `APP_NAME`. */
  readonly name: string;
  /** `APP_VERSION` and the version label of objects that belong to no single workload. */
  readonly version: string;
}

export interface RetryBackoff {
  /** First wait, e.g. `5s`. */
  readonly duration: string;
  readonly factor: number;
  readonly maxDuration: string;
}

/** How rendered output reaches the clusters (see `config/delivery.ts`). */
export interface DeliveryConfig {
  /** The git repository Argo CD reads the `deploy` branch of. */
  readonly repoURL: string;
  /** Branch that holds only rendered YAML, one folder per environment. */
  readonly deployBranch: string;
  readonly argocd: {
    /** Argo CD release the bootstrap installs. */
    readonly version: string;
    readonly namespace: string;
    /** The AppProject every Application belongs to. */
    readonly project: string;
    /** Name of the app-of-apps Application. */
    readonly rootApplication: string;
    /** `timeout.reconciliation`: how often Argo CD polls git when no webhook arrives. */
    readonly reconciliationTimeout: string;
    /** `timeout.reconciliation.jitter`. */
    readonly reconciliationJitter: string;
  };
  readonly retry: { readonly limit: number; readonly backoff: RetryBackoff };
  /** The root Application's retries: enough for a cold start, where children take minutes to be healthy. */
  readonly rootRetry: { readonly limit: number; readonly backoff: RetryBackoff };
}

/** How a request path is matched: exactly, or by prefix. */
export type PathMatch = { readonly exact: string } | { readonly prefix: string };

/** One row of the ingress route table; rows are tried in order and the first match wins. */
export interface RouteDefinition {
  readonly name: string;
  readonly match: PathMatch;
  /** The workload that serves the request. */
  readonly service: string;
  /**
   * Replaces the matched part of the path (the whole path for an exact match).
   * @default the path is passed on unchanged
   */
  readonly rewrite?: string;
}

/** A workload outside the application namespace that calls, or is called by, the application. */
export interface ExternalPeer {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Labels of its pods, for NetworkPolicy selectors. */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * Container ports it accepts calls on, when application workloads call it.
   * @default none (it only calls in)
   */
  readonly ports?: readonly number[];
}

/** One allowed call: `from` opens connections to `to` (names of workloads or external peers). */
export interface CallEdge {
  readonly from: string;
  readonly to: string;
}

/** Infrastructure every pod of the namespace reaches (DNS, the mesh control plane). */
export interface PlatformEgress {
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' | 'UDP' }[];
}

/** Plaintext scraping of every pod's sidecar from outside the mesh (not subject to mTLS). */
export interface ScrapeAccess {
  /** An external peer. */
  readonly from: string;
  readonly port: number;
}

/** Who talks to whom: the single declaration behind AuthorizationPolicies and NetworkPolicies. */
export interface CallGraph {
  /** The external peer that serves the route table (its pods are the Gateway's selector). */
  readonly ingressGateway: string;
  readonly peers: readonly ExternalPeer[];
  readonly edges: readonly CallEdge[];
  readonly platformEgress: readonly PlatformEgress[];
  readonly scrapes: readonly ScrapeAccess[];
}

/** Every fixed NodePort of the platform, in one place. */
export interface NodePorts {
  readonly ingressHttp: number;
  readonly grafana: number;
  readonly kiali: number;
  readonly prometheus: number;
  /** Prometheus' config reloader: a second port of the NodePort Service, pinned so it takes no one else's. */
  readonly prometheusReloader: number;
}

/**
 * A place in platform.md (the platform's facts, `../shared/docs/platform.md`) that an expected answer
 * can rest on: the service table of "The application", the route table of "Ingress and routing", or
 * the line "Expected answers through the gateway" below it.
 */
export type PlatformFactPlace = 'service table' | 'route table' | 'expected answers';

/** One fact of platform.md, in its own words. */
export interface PlatformFact {
  readonly place: PlatformFactPlace;
  /** Words of platform.md at that place, verbatim (a fragment of one line or table row). */
  readonly quote: string;
}

/** Where an expected status comes from. */
export type StatusSource =
  /** platform.md states this answer for this request. */
  | { readonly kind: 'stated'; readonly fact: PlatformFact }
  /** Follows from facts of platform.md taken together; `reasoning` is the step between them. */
  | { readonly kind: 'derived'; readonly facts: readonly PlatformFact[]; readonly reasoning: string }
  /**
   * platform.md does not say: what is assumed and why. A live cluster shows a wrong one as the load
   * generator's `unexpected_status`.
   */
  | {
      readonly kind: 'assumption';
      readonly assumption: string;
      /**
       * Facts the assumption leans on without settling it.
       * @default none
       */
      readonly facts?: readonly PlatformFact[];
    };

/** An answer that counts as expected, and what says so. */
export interface ExpectedStatus {
  readonly status: number;
  readonly source: StatusSource;
}

/** One kind of request the load generator sends, with its share of the traffic. */
export interface LoadRequest {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** JSON body for POST. */
  readonly body?: Readonly<Record<string, string>>;
  /** Relative share of the traffic. */
  readonly weight: number;
  /**
   * The answers that are expected (a 401 for bad credentials, a 404 for a deliberate miss), each with
   * its source; any other is counted as `unexpected_status`.
   */
  readonly expect: readonly ExpectedStatus[];
}

/** The load generator: steady traffic over every route, and an on-demand spike. */
export interface LoadGeneratorDefinition {
  readonly name: string;
  readonly spikeName: string;
  readonly image: ImageRef;
  /** In-cluster base URL of the ingress gateway. */
  readonly target: string;
  readonly requests: readonly LoadRequest[];
  /** The spike's shape: ramp up, hold at the peak, ramp down (k6 durations). */
  readonly spike: { readonly rampUp: string; readonly hold: string; readonly rampDown: string };
  /** The k6 image's user. */
  readonly runAsUser: number;
}

/**
 * Sync waves of the child Applications in the app of apps (see `config/delivery.ts`): lower waves
 * are synced, and healthy, before higher ones.
 */
export interface SyncWaves {
  /** Every namespace, before anything lands in one. */
  readonly namespaces: number;
  /** CRDs and the components that install them. */
  readonly crds: number;
  readonly meshControlPlane: number;
  readonly gateways: number;
  /** Kiali, Loki, Alloy and the monitoring chart: after the CRDs they use. */
  readonly addons: number;
  /** The application tier, last. */
  readonly application: number;
}

/** A Kubernetes kind with its API group. */
export interface GroupKind {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly kind: string;
}

/** A pinned third-party Helm chart (see `config/helm-charts.ts`). */
export interface HelmChartRef {
  /** Helm repository, as Argo CD's `repoURL`. */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Set explicitly: in-cluster Service names derive from it. */
  readonly releaseName: string;
  readonly namespace: string;
  /** Cluster-scoped kinds the chart creates (read from its templates), for the AppProject. */
  readonly clusterKinds: readonly GroupKind[];
}

/** Every third-party Helm chart the platform installs, by role. */
export interface HelmCharts {
  readonly istioBase: HelmChartRef;
  readonly istioCni: HelmChartRef;
  readonly istiod: HelmChartRef;
  readonly istioIngressGateway: HelmChartRef;
  readonly kiali: HelmChartRef;
  readonly kubePrometheusStack: HelmChartRef;
  readonly loki: HelmChartRef;
  readonly alloy: HelmChartRef;
}

/** A platform namespace besides the application's (see `config/namespaces.ts`). */
export interface PlatformNamespace {
  readonly podSecurity: PodSecurityLevel;
  /** Why this level, for the reader of the config. */
  readonly reason: string;
}

/** What the monitoring stack watches and promises, shared by every environment (see `config/observability.ts`). */
export interface ObservabilityConfig {
  /** Namespace of the monitoring stack and of the monitoring chart's objects. */
  readonly namespace: string;
  /** Availability objective of every service: the share of requests that must not fail with 5xx. */
  readonly availabilityObjective: number;
  /** p95 latency above this, sustained, is an alert. */
  readonly latencyP95Milliseconds: number;
  /** Share of 5xx answers that is an alert on its own, whatever the burn rate. */
  readonly errorRatioThreshold: number;
  /** CPU and memory use, as a share of the container's limit, that is an alert. */
  readonly saturationThreshold: number;
  readonly dashboard: { readonly uid: string; readonly title: string };
  /** Data source uids the dashboard refers to. */
  readonly datasources: { readonly prometheus: string; readonly loki: string };
  /** Loki's in-cluster address, for Grafana's data source and Alloy's push. */
  readonly lokiUrl: string;
  /**
   * The values the labels of the services' own metrics take, where they are fixed: validation reports
   * a PromQL matcher that can never match them (`status="500"` on a label that holds classes).
   */
  readonly serviceMetricLabels: MetricLabelValues;
}

/** Metric name → label name → every value that label takes. */
export type MetricLabelValues = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/**
 * The declared Secrets the platform's own components read by name (Helm values, the Argo CD
 * bootstrap). Each is one of `PlatformConfig.externalSecrets`, which references are checked against.
 */
export interface PlatformSecrets {
  /** Grafana's admin login (kube-prometheus-stack `grafana.admin.existingSecret`). */
  readonly grafanaAdmin: ExternalSecret;
  /** Kiali's session signing key (`login_token.signing_key`). */
  readonly kialiSigningKey: ExternalSecret;
  /** The GitHub webhook secret `argocd-secret` refers to. */
  readonly githubWebhook: ExternalSecret;
}

/** The complete, resolved input of one environment's render. */
export interface PlatformConfig {
  readonly platform: PlatformInfo;
  readonly delivery: DeliveryConfig;
  readonly environment: EnvironmentConfig;
  readonly services: readonly ServiceDefinition[];
  readonly redis: RedisDefinition;
  readonly postgresql: PostgresqlDefinition;
  /** Every Secret created outside git; every Secret reference in the output must name one of these. */
  readonly externalSecrets: readonly ExternalSecret[];
  /** The declared Secrets the platform components read by name. */
  readonly secrets: PlatformSecrets;
  /** The ingress route table, first match wins. */
  readonly routes: readonly RouteDefinition[];
  readonly callGraph: CallGraph;
  readonly nodePorts: NodePorts;
  readonly loadGenerator: LoadGeneratorDefinition;
  /** Istio trust domain, the first part of every workload principal. */
  readonly trustDomain: string;
  readonly syncWaves: SyncWaves;
  readonly helmCharts: HelmCharts;
  /** The platform namespaces besides the application's, by name, with their Pod Security level. */
  readonly platformNamespaces: Readonly<Record<string, PlatformNamespace>>;
  readonly observability: ObservabilityConfig;
}

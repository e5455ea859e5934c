import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config/types';
import { dataChecksum, sharedEnvironment } from '../constructs/workloads/env-contract';
import { ConfigMap } from '../constructs/config-map';
import { standardLabels } from '../constructs/labels';
import { workloadAccess, meshPeers } from '../constructs/mesh/call-graph';
import { IngressRoutes, type RouteTarget } from '../constructs/mesh/ingress-routes';
import { NamespaceZeroTrust } from '../constructs/mesh/namespace-zero-trust';
import { LoadGenerator } from '../constructs/workloads/load-generator';
import { Microservice } from '../constructs/workloads/microservice';
import { PlatformChart } from '../constructs/platform-chart';
import { Postgresql } from '../constructs/workloads/postgresql';
import { Redis } from '../constructs/workloads/redis';

export interface TitaniumAppChartProps {
  readonly config: PlatformConfig;
}

/**
 * The application tier in its namespace: the shared ConfigMap, the microservices (one Microservice
 * per config entry), Redis, PostgreSQL and the load generator, each with its access policies from the call graph, the
 * namespace's zero-trust baseline (STRICT mTLS, deny-all) and the ingress routes. The namespace
 * itself comes from the namespaces chart.
 */
export class TitaniumAppChart extends PlatformChart {
  constructor(scope: Construct, props: TitaniumAppChartProps) {
    const { platform, environment, services, redis, postgresql, callGraph, trustDomain, loadGenerator, syncWaves } = props.config;
    const namespace = environment.namespace;
    super(scope, {
      appName: namespace,
      description: 'the application tier: the services, Redis, PostgreSQL, the load generator, their policies and routes',
      syncWave: syncWaves.application,
      namespace,
    });
    const access = workloadAccess(props.config);
    const peers = meshPeers(props.config);
    const meshLabels = (name: string) => standardLabels({ name, partOf: platform.name, component: 'mesh', version: platform.version });

    new NamespaceZeroTrust(this, 'zero-trust', {
      namespace,
      partOf: platform.name,
      version: platform.version,
      platformEgress: callGraph.platformEgress,
      scrapers: callGraph.scrapes.flatMap((s) => {
        const peer = peers.get(s.from);
        return peer ? [{ peer, port: s.port }] : [];
      }),
    });

    const targets = new Map<string, RouteTarget>(
      services.map((s) => [s.name, { host: `${s.name}.${namespace}.svc.cluster.local`, port: s.port }]),
    );
    new IngressRoutes(this, `${platform.name}-ingress`, {
      namespace,
      labels: meshLabels(`${platform.name}-ingress`),
      // Config checks guarantee the peer exists before anything renders.
      gatewaySelector: { ...peers.get(callGraph.ingressGateway)?.podLabels },
      routes: props.config.routes,
      targets,
    });

    const sharedConfigName = `${platform.name}-config`;
    const sharedData = sharedEnvironment(props.config);
    new ConfigMap(this, sharedConfigName, {
      metadata: {
        name: sharedConfigName,
        namespace,
        labels: standardLabels({ name: sharedConfigName, partOf: platform.name, component: 'config', version: platform.version }),
      },
      data: sharedData,
    });
    const configChecksum = dataChecksum(sharedData);

    for (const service of services) {
      new Microservice(this, service.name, {
        namespace,
        partOf: platform.name,
        component: service.component,
        image: service.image,
        port: service.port,
        healthPath: service.healthPath,
        resources: service.resources ?? environment.services.resources,
        autoscaling: { ...environment.services.autoscaling, ...service.autoscaling },
        sidecarResources: environment.sidecar,
        configMapName: sharedConfigName,
        configChecksum,
        env: service.env,
        secretEnv: service.secretEnv,
        slowStart: service.slowStart,
        access: access.get(service.name),
        trustDomain,
      });
    }

    new Redis(this, redis.name, {
      namespace,
      partOf: platform.name,
      image: redis.image,
      port: redis.port,
      identity: { runAsUser: redis.runAsUser, runAsGroup: redis.runAsGroup },
      resources: environment.redis.resources,
      maxMemory: environment.redis.maxMemory,
      sidecarResources: environment.sidecar,
      access: access.get(redis.name),
      trustDomain,
    });

    new Postgresql(this, postgresql.name, {
      namespace,
      partOf: platform.name,
      image: postgresql.image,
      port: postgresql.port,
      identity: { runAsUser: postgresql.runAsUser, runAsGroup: postgresql.runAsGroup },
      database: postgresql.database,
      credentials: postgresql.credentials,
      initSql: postgresql.initSql,
      resources: environment.postgresql.resources,
      storageSize: environment.postgresql.storageSize,
      storageClassName: environment.postgresql.storageClassName,
      sidecarResources: environment.sidecar,
      access: access.get(postgresql.name),
      trustDomain,
    });

    new LoadGenerator(this, loadGenerator.name, {
      namespace,
      partOf: platform.name,
      definition: loadGenerator,
      steadyRatePerSecond: environment.loadGenerator.steadyRatePerSecond,
      spikePeakRatePerSecond: environment.loadGenerator.spikePeakRatePerSecond,
      resources: environment.loadGenerator.resources,
      spikeResources: environment.loadGenerator.spikeResources,
      access: access.get(loadGenerator.name),
      trustDomain,
    });
  }
}

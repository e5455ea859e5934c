import type { Construct } from 'constructs';
import { syncWaves } from '../config/delivery';
import type { PlatformConfig } from '../config/types';
import { dataChecksum, sharedEnvironment } from '../lib/env-contract';
import { k8s } from '../lib/k8s';
import { standardLabels } from '../lib/labels';
import { Microservice } from '../lib/microservice';
import { PlatformChart } from '../lib/platform-chart';
import { Postgresql } from '../lib/postgresql';
import { Redis } from '../lib/redis';

export interface TitaniumAppChartProps {
  readonly config: PlatformConfig;
}

/**
 * The application tier in its namespace: the shared ConfigMap, the microservices (one Microservice
 * per config entry), Redis and PostgreSQL. The namespace comes from the namespaces chart; mesh and
 * monitoring objects from their own charts.
 */
export class TitaniumAppChart extends PlatformChart {
  constructor(scope: Construct, props: TitaniumAppChartProps) {
    const { platform, environment, services, redis, postgresql } = props.config;
    const namespace = environment.namespace;
    super(scope, { appName: namespace, syncWave: syncWaves.application, namespace });

    const sharedConfigName = `${platform.name}-config`;
    const sharedData = sharedEnvironment(props.config);
    new k8s.KubeConfigMap(this, sharedConfigName, {
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
    });
  }
}

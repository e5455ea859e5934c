import { Construct } from 'constructs';
import type { ImageRef, ResourceRequirements, SecretKeyRef } from '../../config/types';
import { environmentVariables } from './env-vars';
import { k8s } from '../k8s';
import { addAccessPolicy, type WorkloadMeshProps } from '../mesh/workload-access-policy';
import { selectorLabels, standardLabels, versionlessLabels, type LabelProps } from '../labels';
import { hardenedPodTemplate } from './pod-template';
import { quantity, resourceRequirements } from '../resources';

export interface PostgresqlProps extends WorkloadMeshProps {
  readonly namespace: string;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  readonly image: ImageRef;
  readonly resources: ResourceRequirements;
  /** Database created at first start (`POSTGRES_DB`). */
  readonly database: string;
  /** Superuser name and password, from a Secret created outside git. */
  readonly credentials: { readonly username: SecretKeyRef; readonly password: SecretKeyRef };
  /** SQL run once when the data volume is empty. */
  readonly initSql: string;
  /** Size of the ReadWriteOnce data volume, e.g. `10Gi`. */
  readonly storageSize: string;
  readonly storageClassName: string;
  /**
   * TCP port; the Service port is named `tcp-postgresql`.
   * @default 5432
   */
  readonly port?: number;
  /**
   * Numeric uid and gid of the image's `postgres` user.
   * @default { runAsUser: 70, runAsGroup: 70 } (the alpine image)
   */
  readonly identity?: { readonly runAsUser: number; readonly runAsGroup: number };
  /**
   * Requests and limits of the Istio sidecar.
   * @default Istio's global defaults
   */
  readonly sidecarResources?: ResourceRequirements;
}

const DATA_DIR = '/var/lib/postgresql/data';

/**
 * PostgreSQL as a one-replica StatefulSet with a persistent claim, an init-SQL ConfigMap and a TCP
 * Service that keeps it inside the mesh under STRICT mTLS.
 */
export class Postgresql extends Construct {
  readonly name: string;
  readonly port: number;

  constructor(scope: Construct, name: string, props: PostgresqlProps) {
    super(scope, name);
    this.name = name;
    this.port = props.port ?? 5432;
    const labelProps: LabelProps = { name, partOf: props.partOf, component: 'database', version: props.image.tag };
    const labels = standardLabels(labelProps);
    const metadata = { name, namespace: props.namespace, labels };
    const selector = selectorLabels(name);
    const initConfigMap = `${name}-init`;
    // Over TCP on loopback, so it fails while the entrypoint's socket-only init server runs.
    const ready: k8s.ExecAction = {
      command: ['sh', '-c', `exec pg_isready -h 127.0.0.1 -p ${this.port} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`],
    };

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });

    new k8s.KubeConfigMap(this, 'init-sql', {
      metadata: { name: initConfigMap, namespace: props.namespace, labels },
      data: { '01-schema.sql': props.initSql },
    });

    // `tcp-` tells Istio this is opaque TCP: still mTLS, no HTTP parsing.
    new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'tcp-postgresql', port: this.port, targetPort: k8s.IntOrString.fromString('tcp-postgresql'), protocol: 'TCP' }],
      },
    });

    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata,
      spec: {
        // The client Service governs the set: nothing addresses the single pod by its own DNS name, and a
        // second (headless) Service on the same TCP port would only add a node to the mesh graph.
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        // Deleting or scaling the StatefulSet keeps the data volume.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: hardenedPodTemplate({
          labels: labelProps,
          serviceAccountName: name,
          identity: props.identity ?? { runAsUser: 70, runAsGroup: 70 },
          sidecarResources: props.sidecarResources,
          // Unix socket and lock files, and temporary files.
          writablePaths: [{ path: '/var/run/postgresql' }, { path: '/tmp' }],
          volumes: [{ name: 'init-sql', configMap: { name: initConfigMap } }],
          container: {
            name,
            image: `${props.image.repository}:${props.image.tag}`,
            imagePullPolicy: 'IfNotPresent',
            env: environmentVariables(
              {
                POSTGRES_DB: props.database,
                // A subdirectory: the volume root may hold lost+found, which initdb refuses.
                PGDATA: `${DATA_DIR}/pgdata`,
                // The server and pg_isready both read it, so a non-default port needs no other change.
                PGPORT: String(this.port),
              },
              { POSTGRES_USER: props.credentials.username, POSTGRES_PASSWORD: props.credentials.password },
            ),
            ports: [{ name: 'tcp-postgresql', containerPort: this.port, protocol: 'TCP' }],
            resources: resourceRequirements(props.resources),
            volumeMounts: [
              { name: 'data', mountPath: DATA_DIR },
              { name: 'init-sql', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
            ],
            // initdb and the init SQL run before the server listens on TCP: allow up to five minutes.
            startupProbe: { exec: ready, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
            readinessProbe: { exec: ready, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
            livenessProbe: { exec: ready, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
          },
        }),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: versionlessLabels(labelProps) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: quantity(props.storageSize) } },
            },
          },
        ],
      },
    });

    addAccessPolicy(this, metadata, selector, props);
  }
}

import { Postgresql, type PostgresqlProps } from '../../../constructs/workloads/postgresql';
import { at, containerOf, one, podSpecOf, refs, synth } from '../../support/construct-harness';

const props: PostgresqlProps = {
  namespace: 'shop',
  partOf: 'demo',
  image: { repository: 'postgres', tag: '16-alpine' },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  database: 'orders',
  credentials: { username: { secret: 'db-auth', key: 'user' }, password: { secret: 'db-auth', key: 'password' } },
  initSql: 'CREATE TABLE t (id int);',
  storageSize: '1Gi',
  storageClassName: 'local-path',
};

const render = (extra: Partial<PostgresqlProps> = {}) => synth((chart) => new Postgresql(chart, 'db', { ...props, ...extra }));

describe('Postgresql', () => {
  const objects = render();
  const statefulSet = one(objects, 'StatefulSet');
  const container = containerOf(statefulSet);

  test('creates a ServiceAccount, the init-SQL ConfigMap, a Service and a one-replica StatefulSet governed by it', () => {
    expect(refs(objects)).toEqual(['ServiceAccount/db', 'ConfigMap/db-init', 'Service/db', 'StatefulSet/db']);
    expect(at(statefulSet, 'spec')).toMatchObject({
      serviceName: 'db',
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
    });
    expect(statefulSet.metadata.labels?.['app.kubernetes.io/component']).toBe('database');
  });

  test('runs the init SQL from its ConfigMap, mounted read-only where the image looks for it', () => {
    expect(at(one(objects, 'ConfigMap'), 'data')).toEqual({ '01-schema.sql': 'CREATE TABLE t (id int);' });
    expect(at(podSpecOf(statefulSet), 'volumes')).toEqual(expect.arrayContaining([{ name: 'init-sql', configMap: { name: 'db-init' } }]));
    expect(at(container, 'volumeMounts')).toEqual(
      expect.arrayContaining([{ name: 'init-sql', mountPath: '/docker-entrypoint-initdb.d', readOnly: true }]),
    );
  });

  test('keeps data on a ReadWriteOnce claim of the given size and class, retained on delete and scale, without a version label', () => {
    expect(at(statefulSet, 'spec', 'persistentVolumeClaimRetentionPolicy')).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const claim = at(statefulSet, 'spec', 'volumeClaimTemplates', 0);
    expect(claim).toMatchObject({
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '1Gi' } } },
    });
    expect(at(claim, 'metadata', 'labels')).not.toHaveProperty(['app.kubernetes.io/version']);
    expect(at(container, 'volumeMounts')).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]));
  });

  test('takes the database name literally and the superuser from the Secret, never as a value', () => {
    expect(at(container, 'env')).toEqual([
      { name: 'POSTGRES_DB', value: 'orders' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'PGPORT', value: '5432' },
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'db-auth', key: 'user' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-auth', key: 'password' } } },
    ]);
  });

  test('port: 5432 by default on Service port tcp-postgresql; another port reaches PGPORT, the Service and the probes', () => {
    expect(at(one(objects, 'Service'), 'spec', 'ports')).toEqual([
      { name: 'tcp-postgresql', port: 5432, targetPort: 'tcp-postgresql', protocol: 'TCP' },
    ]);
    let db: Postgresql | undefined;
    const custom = synth((chart) => (db = new Postgresql(chart, 'db', { ...props, port: 5433 })));
    const c = containerOf(one(custom, 'StatefulSet'));
    expect(db!.port).toBe(5433);
    expect(at(one(custom, 'Service'), 'spec', 'ports', 0, 'port')).toBe(5433);
    expect(at(c, 'env')).toEqual(expect.arrayContaining([{ name: 'PGPORT', value: '5433' }]));
    expect(at(c, 'readinessProbe', 'exec', 'command', 2)).toContain('-p 5433');
  });

  test('probes readiness over TCP on loopback, allowing five minutes for startup', () => {
    expect(at(container, 'startupProbe')).toMatchObject({ periodSeconds: 5, failureThreshold: 60 });
    expect(at(container, 'readinessProbe', 'exec', 'command', 2)).toMatch(/^exec pg_isready -h 127\.0\.0\.1 -p 5432 /);
  });

  test('identity: uid and gid 70 by default, the given ones otherwise; writable socket and tmp dirs', () => {
    expect(at(podSpecOf(statefulSet), 'securityContext')).toMatchObject({ runAsUser: 70, runAsGroup: 70, fsGroup: 70 });
    const custom = one(render({ identity: { runAsUser: 999, runAsGroup: 999 } }), 'StatefulSet');
    expect(at(podSpecOf(custom), 'securityContext')).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
    expect(at(container, 'volumeMounts')).toEqual(
      expect.arrayContaining([
        { name: 'var-run-postgresql', mountPath: '/var/run/postgresql' },
        { name: 'tmp', mountPath: '/tmp' },
      ]),
    );
  });

  test('sidecarResources and access: nothing extra by default; sizing annotations and policies when given', () => {
    expect(refs(objects).some((r) => r.includes('Policy/'))).toBe(false);
    const caller = {
      name: 'cart',
      namespace: 'shop',
      serviceAccount: 'cart',
      podLabels: { 'app.kubernetes.io/name': 'cart' },
      ports: [8080],
      internal: true,
    };
    const custom = render({
      sidecarResources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
      access: { inbound: [{ peer: caller, ports: [5432] }], outbound: [] },
    });
    expect(at(one(custom, 'StatefulSet'), 'spec', 'template', 'metadata', 'annotations', 'sidecar.istio.io/proxyMemory')).toBe('16Mi');
    expect(at(one(custom, 'AuthorizationPolicy'), 'spec', 'rules', 0, 'to')).toEqual([{ operation: { ports: ['5432'] } }]);
  });
});

// The init SQL holds platform.md's schema and seed rows, and PostgreSQL mounts it where the image's
// entrypoint runs it.
import { named, objects, podTemplate } from '../support/helpers';

const sql = (named(objects('prod'), 'ConfigMap', 'postgresql-init').data as Record<string, string>)['01-schema.sql'];

test('creates the three tables with their columns and constraints', () => {
  expect(sql).toMatch(
    /CREATE TABLE IF NOT EXISTS users \(\s*id SERIAL PRIMARY KEY,\s*username VARCHAR\(100\) UNIQUE NOT NULL,\s*email VARCHAR\(255\) NOT NULL,\s*password_hash VARCHAR\(255\) NOT NULL,\s*created_at TIMESTAMP DEFAULT NOW\(\)\s*\);/,
  );
  expect(sql).toMatch(
    /CREATE TABLE IF NOT EXISTS categories \(\s*id SERIAL PRIMARY KEY,\s*name VARCHAR\(50\) UNIQUE,\s*slug VARCHAR\(50\) UNIQUE\s*\);/,
  );
  expect(sql).toMatch(/category_id INTEGER NOT NULL REFERENCES categories \(id\)/);
  for (const column of ['title VARCHAR(200)', 'content TEXT', 'author VARCHAR(100)', 'created_at TIMESTAMP', 'updated_at TIMESTAMP'])
    expect(sql).toContain(column);
});

test('creates the indexes', () => {
  expect(sql).toContain('ON users (username)');
  expect(sql).toContain('ON posts (author)');
  expect(sql).toContain('ON posts (created_at DESC)');
  expect(sql).toContain('ON posts (category_id)');
});

test('seeds the three categories idempotently', () => {
  expect(sql).toContain("(1, '기술 스택', 'tech-stack')");
  expect(sql).toContain("(2, 'Troubleshooting', 'troubleshooting')");
  expect(sql).toContain("(3, 'Test', 'test')");
  expect(sql).toContain('ON CONFLICT DO NOTHING');
  expect(sql.match(/CREATE (TABLE|INDEX) (?!IF NOT EXISTS)/g)).toBeNull();
});

test('PostgreSQL mounts it into /docker-entrypoint-initdb.d and keeps data on a 10Gi claim', () => {
  const statefulSet = named(objects('prod'), 'StatefulSet', 'postgresql');
  const pod = podTemplate(statefulSet)!;
  expect(pod.spec.volumes).toContainEqual({ name: 'init-sql', configMap: { name: 'postgresql-init' } });
  expect(pod.spec.containers[0].volumeMounts).toContainEqual({
    name: 'init-sql',
    mountPath: '/docker-entrypoint-initdb.d',
    readOnly: true,
  });
  const [claim] = (statefulSet.spec as { volumeClaimTemplates: { spec: unknown }[] }).volumeClaimTemplates;
  expect(claim.spec).toEqual({
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'local-path',
    resources: { requests: { storage: '10Gi' } },
  });
});

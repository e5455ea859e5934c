// Redis and PostgreSQL (platform.md). Both stay in the mesh as plain TCP.
import { renderInitSql, seedCategories } from './database';
import { images } from './images';
import { postgresqlCredentials, secretKey } from './secrets';
import type { PostgresqlDefinition, RedisDefinition } from './types';

export const redis: RedisDefinition = {
  name: 'redis',
  image: images.redis,
  port: 6379,
  database: 0,
  // The alpine image's `redis` user and group.
  runAsUser: 999,
  runAsGroup: 1000,
};

export const postgresql: PostgresqlDefinition = {
  name: 'postgresql',
  image: images.postgresql,
  port: 5432,
  database: 'titanium',
  // The alpine image's `postgres` user and group.
  runAsUser: 70,
  runAsGroup: 70,
  credentials: {
    username: secretKey(postgresqlCredentials, 'username'),
    password: secretKey(postgresqlCredentials, 'password'),
  },
  initSql: renderInitSql(seedCategories),
};

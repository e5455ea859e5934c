// The application's HTTP microservices (platform.md, "The application"). One entry per service:
// the Microservice construct turns each into its ServiceAccount, Deployment, Service, HPA and PDB,
// and the shared ConfigMap gets its `<NAME>_URL` variable.
import { images } from './images';
import { internalApiSecret, postgresqlCredentials, secretKey } from './secrets';
import type { SecretKeyRef, ServiceDefinition } from './types';

const databaseCredentials: Readonly<Record<string, SecretKeyRef>> = {
  POSTGRES_USER: secretKey(postgresqlCredentials, 'username'),
  POSTGRES_PASSWORD: secretKey(postgresqlCredentials, 'password'),
};

export const services: readonly ServiceDefinition[] = [
  {
    name: 'api-gateway',
    component: 'gateway',
    description: 'Go reverse proxy for /api/… and /blog/api/…',
    image: images['api-gateway'],
    port: 8000,
    healthPath: '/health',
    urlEnvVar: 'API_GATEWAY_URL',
    env: { SERVICE_NAME: 'api-gateway', SERVICE_PORT: '8000' },
  },
  {
    name: 'auth-service',
    component: 'backend',
    description: 'FastAPI: POST /login, GET /verify; signs JWTs',
    image: images['auth-service'],
    port: 8002,
    healthPath: '/health',
    urlEnvVar: 'AUTH_SERVICE_URL',
    slowStart: true,
    secretEnv: { INTERNAL_API_SECRET: secretKey(internalApiSecret, 'secret') },
  },
  {
    name: 'user-service',
    component: 'backend',
    description: 'FastAPI: users and credential checks',
    image: images['user-service'],
    port: 8001,
    healthPath: '/health',
    urlEnvVar: 'USER_SERVICE_URL',
    slowStart: true,
    secretEnv: databaseCredentials,
  },
  {
    name: 'blog-service',
    component: 'backend',
    description: 'FastAPI: the single-page app and the posts and categories API',
    image: images['blog-service'],
    port: 8005,
    healthPath: '/health',
    urlEnvVar: 'BLOG_SERVICE_URL',
    slowStart: true,
    secretEnv: databaseCredentials,
  },
];

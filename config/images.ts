// Every image the platform runs, with its pinned tag: the one place tags live.
// `npm run set-image -- <workload>=<tag>` rewrites the tags in this file.
import type { ImageRef } from './types';

export const images = {
  'api-gateway': { repository: 'dongju101/api-gateway', tag: 'main-d631646' },
  'auth-service': { repository: 'dongju101/auth-service', tag: 'main-d631646' },
  'user-service': { repository: 'dongju101/user-service', tag: 'main-d631646' },
  'blog-service': { repository: 'dongju101/blog-service', tag: 'main-d631646' },
  // Patch-level tags: `redis:7-alpine` and `postgres:15-alpine` move under us.
  redis: { repository: 'redis', tag: '7.4.2-alpine' },
  postgresql: { repository: 'postgres', tag: '15.12-alpine' },
  'load-generator': { repository: 'grafana/k6', tag: '1.0.0' },
} satisfies Record<string, ImageRef>;

export type ImageName = keyof typeof images;

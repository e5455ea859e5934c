// The ingress route table (platform.md, "Ingress and routing"). Tried in order; the first match wins.
// Rewrites replace the matched part: `/api/auth/` → `/` turns `/api/auth/verify` into `/verify`
// (the old `/api/auth` → `/` rewrite produced `//verify`).
import type { RouteDefinition } from './types';

export const routes: readonly RouteDefinition[] = [
  { name: 'login', match: { exact: '/api/login' }, rewrite: '/login', service: 'auth-service' },
  { name: 'auth', match: { prefix: '/api/auth/' }, rewrite: '/', service: 'auth-service' },
  { name: 'users', match: { prefix: '/api/users' }, rewrite: '/users', service: 'user-service' },
  { name: 'blog', match: { prefix: '/blog' }, service: 'blog-service' },
  { name: 'api', match: { prefix: '/api/' }, service: 'api-gateway' },
  // Everything else is the single-page app; unknown paths answer 404 there (the demo's deliberate error).
  { name: 'default', match: { prefix: '/' }, service: 'blog-service' },
];

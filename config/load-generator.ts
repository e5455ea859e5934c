// The load generator (platform.md, "Load generator"): k6 sending a steady mix over every route of the
// ingress, with bad logins and a small share of deliberate 404s, so every Kiali edge and every error
// panel has data. It plays an outside user: it calls the gateway's in-cluster address from outside the
// mesh (no sidecar), exactly as a browser would come in through the NodePort.
import { images } from './images';
import type { LoadGeneratorDefinition } from './types';

export const loadGenerator: LoadGeneratorDefinition = {
  name: 'load-generator',
  spikeName: 'load-spike',
  image: images['load-generator'],
  target: 'http://istio-ingressgateway.istio-system.svc.cluster.local',
  requests: [
    { name: 'spa', method: 'GET', path: '/', weight: 15, expect: [200] },
    { name: 'blog-page', method: 'GET', path: '/blog/', weight: 10, expect: [200] },
    { name: 'posts', method: 'GET', path: '/blog/api/posts', weight: 27, expect: [200] },
    { name: 'categories', method: 'GET', path: '/blog/api/categories', weight: 15, expect: [200] },
    {
      name: 'bad-login',
      method: 'POST',
      path: '/api/login',
      body: { username: 'loadtest', password: 'not-the-password' },
      weight: 6,
      // auth-service rate-limits logins: under the spike some answers are 429, as they should be.
      expect: [401, 429],
    },
    { name: 'verify-without-token', method: 'GET', path: '/api/auth/verify', weight: 6, expect: [401, 403] },
    // No such user is ever registered: the lookup exercises the route and answers 404.
    { name: 'user', method: 'GET', path: '/api/users/loadtest', weight: 2, expect: [200, 404] },
    { name: 'gateway-posts', method: 'GET', path: '/api/posts', weight: 10, expect: [200] },
    { name: 'health', method: 'GET', path: '/health', weight: 5, expect: [200] },
    // The demo's deliberate errors: a page and an API path that do not exist.
    { name: 'missing-page', method: 'GET', path: '/nonexistent', weight: 2, expect: [404] },
    { name: 'missing-api', method: 'GET', path: '/api/nonexistent', weight: 2, expect: [404] },
  ],
  spike: { rampUp: '1m', hold: '3m', rampDown: '1m' },
  // The grafana/k6 image's `k6` user.
  runAsUser: 12345,
};

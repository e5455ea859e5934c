// The load generator (platform.md, "Load generator"): k6 sending a steady mix over every route of the
// ingress, with bad logins and a small share of deliberate 404s, so every Kiali edge and every error
// panel has data. It plays an outside user: it calls the gateway's in-cluster address from outside the
// mesh (no sidecar), exactly as a browser would come in through the NodePort.
//
// Every expected status names what it rests on: a fact platform.md states, facts it follows from, or an
// assumption where platform.md is silent. An answer outside them is counted as k6's `unexpected_status`.
import { images } from './images';
import type { LoadGeneratorDefinition, PlatformFact, StatusSource } from './types';

const answer = (quote: string): PlatformFact => ({ place: 'expected answers', quote });
const route = (quote: string): PlatformFact => ({ place: 'route table', quote });
const service = (quote: string): PlatformFact => ({ place: 'service table', quote });
const stated = (fact: PlatformFact): StatusSource => ({ kind: 'stated', fact });

export const loadGenerator: LoadGeneratorDefinition = {
  name: 'load-generator',
  spikeName: 'load-spike',
  image: images['load-generator'],
  target: 'http://istio-ingressgateway.istio-system.svc.cluster.local',
  requests: [
    { name: 'spa', method: 'GET', path: '/', weight: 15, expect: [{ status: 200, source: stated(answer('`/` 200')) }] },
    { name: 'blog-page', method: 'GET', path: '/blog/', weight: 10, expect: [{ status: 200, source: stated(answer('`/blog/` 200')) }] },
    {
      name: 'posts',
      method: 'GET',
      path: '/blog/api/posts',
      weight: 35,
      expect: [{ status: 200, source: stated(answer('`/blog/api/posts` 200')) }],
    },
    {
      name: 'categories',
      method: 'GET',
      path: '/blog/api/categories',
      weight: 15,
      expect: [{ status: 200, source: stated(answer('`/blog/api/categories` 200')) }],
    },
    {
      name: 'bad-login',
      method: 'POST',
      path: '/api/login',
      body: { username: 'loadtest', password: 'not-the-password' },
      weight: 6,
      expect: [
        { status: 401, source: stated(answer('`POST /api/login` with bad credentials 401')) },
        {
          status: 429,
          source: {
            kind: 'assumption',
            // Under the spike some answers are the limit's, as they should be.
            assumption: 'the rate limit answers 429 Too Many Requests; platform.md says logins are rate-limited, not with which status',
            facts: [service('`POST /login` (rate-limited)')],
          },
        },
      ],
    },
    {
      name: 'verify-without-token',
      method: 'GET',
      path: '/api/auth/verify',
      weight: 6,
      expect: [401, 403].map((status) => ({
        status,
        source: {
          kind: 'assumption',
          assumption:
            'a token check without a token answers 401 or 403 (FastAPI’s bearer-token check answers 403 in older releases, 401 in newer ones); platform.md names the endpoint, not its answer',
          facts: [route('e.g. `/api/auth/verify` → `/verify`'), service('`GET /verify`')],
        },
      })),
    },
    {
      name: 'user',
      method: 'GET',
      path: '/api/users/loadtest',
      weight: 2,
      expect: [
        {
          status: 404,
          source: {
            kind: 'assumption',
            // Nothing here registers it (no request goes to `*register`).
            assumption: 'a lookup of a user nobody registered answers 404; platform.md names the lookup, not its answer for a missing user',
            facts: [route('prefix `/api/users` | user-service:8001 | `/users…`'), service('`GET /users/{name}`')],
          },
        },
        {
          status: 200,
          source: { kind: 'assumption', assumption: 'someone registered `loadtest` by hand: the lookup finds it' },
        },
      ],
    },
    {
      // The one call that crosses api-gateway → blog-service; what comes back is blog-service's 404.
      name: 'gateway-posts',
      method: 'GET',
      path: '/api/posts',
      weight: 2,
      expect: [
        {
          status: 404,
          source: {
            kind: 'derived',
            facts: [
              route('prefix `/api/` | api-gateway:8000 | unchanged'),
              service('`/posts*` and `/categories*`→blog (full path kept)'),
              service('single-page app at `/` and `/blog/…` (always 200), API at `/blog/api/posts`'),
              route('unknown paths answer 404'),
            ],
            reasoning:
              'api-gateway gets `/api/posts` and hands blog-service the full path; blog-service serves its pages at `/` and `/blog/…` and its API under `/blog/api/`, so `/api/posts` is an unknown path there',
          },
        },
      ],
    },
    {
      name: 'health',
      method: 'GET',
      path: '/health',
      weight: 5,
      expect: [
        {
          status: 200,
          source: {
            kind: 'derived',
            facts: [
              route('anything else (`/`) | blog-service:8005 | unchanged'),
              service('8005 | `GET /health`'),
              service('8000 | `GET /health` → 200'),
            ],
            reasoning:
              'the catch-all route hands `/health` unchanged to blog-service, whose health check it is; the service table gives 200 as the answer of the same check on api-gateway',
          },
        },
      ],
    },
    // The demo's deliberate errors: a page and an API path that do not exist.
    {
      name: 'missing-page',
      method: 'GET',
      path: '/nonexistent',
      weight: 2,
      expect: [{ status: 404, source: stated(answer('`/nonexistent` 404')) }],
    },
    {
      name: 'missing-api',
      method: 'GET',
      path: '/api/nonexistent',
      weight: 2,
      expect: [{ status: 404, source: stated(answer('`/api/nonexistent` 404 (from api-gateway)')) }],
    },
  ],
  spike: { rampUp: '1m', hold: '3m', rampDown: '1m' },
  // The grafana/k6 image's `k6` user.
  runAsUser: 12345,
};

// How Istio routes a request through a VirtualService's HTTP routes: the first route whose match
// fits wins; a rewrite replaces the matched prefix (or, for an exact match, the whole path).
// Used by the route-table tests and the validation of rewrites.

export interface UriMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

export interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly { readonly uri?: UriMatch }[];
  readonly rewrite?: { readonly uri?: string };
  readonly route?: readonly { readonly destination: { readonly host: string; readonly port?: { readonly number: number } } }[];
}

export interface RoutedRequest {
  /** Name of the route that matched. */
  readonly route?: string;
  readonly host: string;
  readonly port?: number;
  /** The path the destination service sees. */
  readonly path: string;
}

/** Envoy's RE2 regex, full match; one JavaScript cannot compile matches nothing (the schema rule does not judge it). */
function regexMatches(regex: string, path: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(path);
  } catch {
    return false;
  }
}

function matches(uri: UriMatch | undefined, path: string): { prefix?: string } | undefined {
  if (!uri) return {};
  if (uri.exact !== undefined) return uri.exact === path ? {} : undefined;
  if (uri.prefix !== undefined) return path.startsWith(uri.prefix) ? { prefix: uri.prefix } : undefined;
  if (uri.regex !== undefined) return regexMatches(uri.regex, path) ? {} : undefined;
  return {};
}

/** The destination and path of a request, or undefined when no route matches (Istio answers 404). */
export function routeRequest(routes: readonly HttpRoute[], path: string): RoutedRequest | undefined {
  for (const route of routes) {
    if (!route) continue;
    const conditions = route.match?.length ? route.match : [{}];
    for (const condition of conditions) {
      const hit = matches(condition?.uri, path);
      if (!hit) continue;
      const destination = route.route?.[0]?.destination;
      if (!destination) return undefined;
      let seen = path;
      if (route.rewrite?.uri !== undefined) {
        seen = hit.prefix !== undefined ? route.rewrite.uri + path.slice(hit.prefix.length) : route.rewrite.uri;
      }
      return { route: route.name, host: destination.host, port: destination.port?.number, path: seen };
    }
  }
  return undefined;
}

/**
 * Paths that a prefix rewrite would turn into one with `//` although the request had none: a
 * rewrite ending in `/` after a prefix that does not, or the other way round, glues or doubles the
 * separator. Returns a sample request path for each broken route.
 */
export function doubledSlashRewrites(routes: readonly HttpRoute[]): { route?: string; request: string; path: string }[] {
  const broken: { route?: string; request: string; path: string }[] = [];
  for (const route of routes) {
    const rewrite = route?.rewrite?.uri;
    for (const condition of route?.match ?? []) {
      const prefix = condition?.uri?.prefix;
      if (typeof rewrite !== 'string' || typeof prefix !== 'string') continue;
      for (const rest of ['/x', 'x', '']) {
        const request = `${prefix}${rest}`;
        const path = rewrite + request.slice(prefix.length);
        if (!request.includes('//') && path.includes('//')) broken.push({ route: route.name, request, path });
      }
    }
  }
  return broken;
}

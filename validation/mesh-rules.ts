// Istio objects: VirtualService routes lead to Service ports that exist and never rewrite a clean
// path into one with `//`; mTLS has no exceptions and no client-side TLS setting contradicts STRICT.
import { doubledSlashRewrites, type HttpRoute } from './evaluators/routing';
import { findingFor, type Finding } from './finding';
import type { ManifestSet } from './model';

interface Destination {
  readonly host?: string;
  readonly port?: { readonly number?: number };
}

/** The Service a mesh host names: `name`, `name.namespace`, `name.namespace.svc[.cluster.local]`. */
function serviceOf(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { name: parts[0], namespace };
  if (parts.length === 2 || (parts[2] === 'svc' && (parts.length === 3 || parts.slice(3).join('.') === 'cluster.local'))) {
    return { name: parts[0], namespace: parts[1] };
  }
  return undefined; // an external host
}

export function checkVirtualServices(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of set.ofKind('VirtualService')) {
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const spec = (manifest.object.spec ?? {}) as { http?: HttpRoute[]; tcp?: { route?: { destination?: Destination }[] }[] };
    const routes = [
      ...(spec.http ?? []).map((r, i) => ({ route: r?.route ?? [], path: `spec.http[${i}]` })),
      ...(spec.tcp ?? []).map((r, i) => ({ route: r?.route ?? [], path: `spec.tcp[${i}]` })),
    ];
    for (const { route, path } of routes) {
      route.forEach((weighted, j) => {
        // A destination or host left out is the schema rule's finding (both are required).
        const destination = weighted?.destination;
        if (typeof destination?.host !== 'string') return;
        const target = serviceOf(destination.host, namespace);
        if (!target || !set.hasServicesIn(target.namespace)) return;
        const field = `${path}.route[${j}].destination`;
        const service = set.manifests.find(
          (m) =>
            m.object.kind === 'Service' &&
            m.object.metadata?.name === target.name &&
            (m.object.metadata?.namespace ?? defaultNamespace) === target.namespace,
        );
        if (!service) {
          findings.push(
            findingFor(manifest, 'error', 'route-destination', `${field}.host`, `no Service ${target.namespace}/${target.name}`),
          );
          return;
        }
        const ports = ((service.object.spec as { ports?: { port?: number }[] } | undefined)?.ports ?? []).map((p) => p.port);
        const port = destination.port?.number;
        if (port !== undefined && !ports.includes(port)) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'route-destination',
              `${field}.port.number`,
              `Service ${target.namespace}/${target.name} has no port ${port} (it has ${ports.join(', ')})`,
            ),
          );
        } else if (port === undefined && ports.length > 1) {
          findings.push(
            findingFor(
              manifest,
              'error',
              'route-destination',
              `${field}.port`,
              `Service ${target.namespace}/${target.name} has several ports: name one`,
            ),
          );
        }
      });
    }
    for (const broken of doubledSlashRewrites(spec.http ?? [])) {
      const index = (spec.http ?? []).findIndex((r) => r?.name === broken.route);
      findings.push(
        findingFor(
          manifest,
          'error',
          'route-rewrite',
          `spec.http[${index}].rewrite.uri`,
          `turns ${broken.request} into ${broken.path}: the service sees a path with //`,
        ),
      );
    }
  }
  return findings;
}

interface PeerAuthenticationSpec {
  readonly selector?: unknown;
  readonly mtls?: { readonly mode?: string };
  readonly portLevelMtls?: Readonly<Record<string, { readonly mode?: string }>>;
}

export function checkMtls(set: ManifestSet, defaultNamespace: string): Finding[] {
  const findings: Finding[] = [];
  const strict = new Set<string>();
  for (const manifest of set.ofKind('PeerAuthentication')) {
    const spec = (manifest.object.spec ?? {}) as PeerAuthenticationSpec;
    const mode = spec.mtls?.mode;
    if (!spec.selector && mode === 'STRICT') strict.add(set.namespaceOf(manifest, defaultNamespace));
    // Other values are typos, which the schema rule reports.
    if (mode === 'PERMISSIVE' || mode === 'DISABLE') {
      findings.push(
        findingFor(
          manifest,
          'error',
          'mtls',
          'spec.mtls.mode',
          `${mode} is an exception to STRICT mTLS${set.project ? ' (the old platform disabled mTLS for Redis and PostgreSQL; declare their ports as tcp- instead)' : ''}`,
        ),
      );
    }
    for (const [port, setting] of Object.entries(spec.portLevelMtls ?? {})) {
      if (setting?.mode === 'PERMISSIVE' || setting?.mode === 'DISABLE') {
        findings.push(
          findingFor(
            manifest,
            'error',
            'mtls',
            `spec.portLevelMtls["${port}"].mode`,
            `${setting.mode} on port ${port} is an exception to STRICT mTLS`,
          ),
        );
      }
    }
  }
  for (const manifest of set.ofKind('DestinationRule')) {
    const namespace = set.namespaceOf(manifest, defaultNamespace);
    const spec = (manifest.object.spec ?? {}) as {
      host?: string;
      trafficPolicy?: { tls?: { mode?: string }; portLevelSettings?: { tls?: { mode?: string } }[] };
    };
    const target = serviceOf(spec.host ?? '', namespace);
    if (!target || !strict.has(target.namespace)) continue;
    const modes = [
      { field: 'spec.trafficPolicy.tls.mode', mode: spec.trafficPolicy?.tls?.mode },
      ...(spec.trafficPolicy?.portLevelSettings ?? []).map((s, i) => ({
        field: `spec.trafficPolicy.portLevelSettings[${i}].tls.mode`,
        mode: s?.tls?.mode,
      })),
    ];
    for (const { field, mode } of modes) {
      if (mode === 'DISABLE' || mode === 'SIMPLE') {
        findings.push(
          findingFor(
            manifest,
            'error',
            'mtls',
            field,
            `${mode} sends ${mode === 'DISABLE' ? 'plaintext' : 'plain TLS'} to ${spec.host}, whose namespace ${target.namespace} requires STRICT mTLS: every request fails`,
          ),
        );
      }
    }
  }
  return findings;
}

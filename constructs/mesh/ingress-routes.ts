import { Construct } from 'constructs';
import type { RouteDefinition } from '../../config/types';
import { Gateway, VirtualService, type VirtualServiceSpecHttp } from '../../imports/networking.istio.io';

export interface RouteTarget {
  /** Fully qualified Service host. */
  readonly host: string;
  readonly port: number;
}

export interface IngressRoutesProps {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Labels of the ingress gateway pods the Gateway binds to. */
  readonly gatewaySelector: Record<string, string>;
  /** The route table, in order: the first match wins. */
  readonly routes: readonly RouteDefinition[];
  /** Where each routed service is reached. */
  readonly targets: ReadonlyMap<string, RouteTarget>;
}

/**
 * The ingress: a Gateway on port 80 for every host, and one VirtualService whose HTTP routes are the
 * route table in order. Rewrites replace only the matched part of the path.
 */
export class IngressRoutes extends Construct {
  readonly gatewayName: string;

  constructor(scope: Construct, name: string, props: IngressRoutesProps) {
    super(scope, name);
    this.gatewayName = name;
    const metadata = { name, namespace: props.namespace, labels: props.labels };

    new Gateway(this, 'gateway', {
      metadata,
      spec: {
        selector: props.gatewaySelector,
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    });

    const http: VirtualServiceSpecHttp[] = props.routes.map((route) => {
      const target = props.targets.get(route.service);
      if (!target) throw new Error(`route "${route.name}" names unknown service "${route.service}"`);
      return {
        name: route.name,
        match: [{ uri: 'exact' in route.match ? { exact: route.match.exact } : { prefix: route.match.prefix } }],
        rewrite: route.rewrite === undefined ? undefined : { uri: route.rewrite },
        route: [{ destination: { host: target.host, port: { number: target.port } } }],
        // Only failures before the request reached a replica are retried (including a pooled
        // connection to a pod that just went away): safe for POST as well.
        retries: { attempts: 2, perTryTimeout: '5s', retryOn: 'connect-failure,refused-stream,reset-before-request' },
        timeout: '15s',
      };
    });

    new VirtualService(this, 'virtual-service', {
      metadata,
      spec: { hosts: ['*'], gateways: [name], http },
    });
  }
}

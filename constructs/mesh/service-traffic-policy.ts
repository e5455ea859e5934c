import { Construct } from 'constructs';
import { DestinationRule } from '../../imports/networking.istio.io';

export interface ServiceTrafficPolicyProps {
  /** Name of the DestinationRule: the Service's. */
  readonly name: string;
  /** Fully qualified Service host, e.g. `user-service.titanium-prod.svc.cluster.local`. */
  readonly host: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /**
   * Connections a client sidecar keeps to the service, and requests it queues before failing fast.
   * @default 100 connections, 100 pending requests
   */
  readonly maxConnections?: number;
  /**
   * Eject a replica that keeps failing from load balancing for 30 s. Only with several replicas.
   * @default true
   */
  readonly outlierDetection?: boolean;
  /**
   * Consecutive 5xx answers after which a replica is ejected.
   * @default 5
   */
  readonly consecutive5xxErrors?: number;
}

/**
 * Client-side resilience for an HTTP service: bounded connection pools and, with several replicas,
 * outlier detection, so one failing replica stops receiving traffic. TLS is left to Istio's
 * automatic mTLS (a TLS block here could only weaken STRICT).
 */
export class ServiceTrafficPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ServiceTrafficPolicyProps) {
    super(scope, id);
    const connections = props.maxConnections ?? 100;
    new DestinationRule(this, 'destination-rule', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        host: props.host,
        trafficPolicy: {
          connectionPool: {
            tcp: { maxConnections: connections, connectTimeout: '3s' },
            http: { http1MaxPendingRequests: connections, idleTimeout: '60s' },
          },
          outlierDetection:
            props.outlierDetection === false
              ? undefined
              : {
                  consecutive5XxErrors: props.consecutive5xxErrors ?? 5,
                  interval: '10s',
                  baseEjectionTime: '30s',
                  // Never eject more than half: the rest must carry the traffic.
                  maxEjectionPercent: 50,
                },
        },
      },
    });
  }
}

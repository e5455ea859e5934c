// The one registry of fixed NodePorts. Every NodePort Service takes its number from here; synth
// refuses a clash or a number outside the NodePort range (the old platform lost hours to these
// numbers drifting between manifests).
import type { NodePorts } from './types';

export const nodePorts: NodePorts = {
  ingressHttp: 31304,
  grafana: 30300,
  kiali: 31200,
  prometheus: 30090,
  prometheusReloader: 30091,
};

/** Kubernetes' default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

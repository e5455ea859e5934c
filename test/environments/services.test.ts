// Every Service reaches pods: its selector matches a workload's pod labels in its namespace, and each
// target port exists on those pods. Every port name declares its protocol for Istio.
import { platformConfig } from '../../config';
import { environmentNames, matchesSelector, objects, ofKind, workloads } from '../support/helpers';
import type { KubeObject } from '../../validation/manifest';

interface ServiceSpec {
  selector?: Record<string, string>;
  clusterIP?: string;
  ports: { name?: string; port: number; targetPort?: string | number; protocol?: string }[];
}

// Istio picks the protocol from the port name prefix (or appProtocol); see platform.md.
const PROTOCOL_NAME = /^(http|http2|https|grpc|grpc-web|tcp|tls|mongo|mysql|redis)(-[a-z0-9-]+)?$/;

describe.each(environmentNames)('environment %s', (environment) => {
  const all = objects(environment);
  const services = ofKind(all, 'Service');
  const pods = workloads(all);

  test('renders a Service for every workload', () => {
    expect(services.length).toBeGreaterThanOrEqual(6);
  });

  test.each(services.map((s) => [s.metadata?.name, s] as [string, KubeObject]))(
    'Service %s selects pods and their ports',
    (_name, service) => {
      const spec = service.spec as ServiceSpec;
      expect(spec.selector && Object.keys(spec.selector).length).toBeTruthy();
      const selected = pods.filter(
        (w) => w.object.metadata?.namespace === service.metadata?.namespace && matchesSelector(w.pod.metadata?.labels, spec.selector!),
      );
      expect(selected.length).toBeGreaterThan(0);
      for (const port of spec.ports) {
        for (const { pod } of selected) {
          const containerPorts = pod.spec.containers.flatMap((c) => c.ports ?? []);
          const target = port.targetPort ?? port.port;
          const match =
            typeof target === 'string'
              ? containerPorts.find((p) => p.name === target)
              : containerPorts.find((p) => p.containerPort === target);
          expect(match).toBeDefined();
        }
      }
    },
  );

  test('every Service and container port name declares its protocol', () => {
    const bad: string[] = [];
    for (const service of services) {
      for (const port of (service.spec as ServiceSpec).ports) {
        if (!port.name || !PROTOCOL_NAME.test(port.name)) bad.push(`Service ${service.metadata?.name} port ${port.port} "${port.name}"`);
      }
    }
    for (const { object, pod } of pods) {
      for (const container of pod.spec.containers) {
        for (const port of container.ports ?? []) {
          if (!port.name || !PROTOCOL_NAME.test(port.name))
            bad.push(`${object.kind} ${object.metadata?.name} container port ${port.containerPort}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test('Redis and PostgreSQL are declared as TCP, every service as HTTP', () => {
    const portName = (name: string) => (services.find((s) => s.metadata?.name === name)!.spec as ServiceSpec).ports[0].name;
    expect(portName('redis')).toBe('tcp-redis');
    expect(portName('postgresql')).toBe('tcp-postgresql');
    for (const { name } of platformConfig(environment).services) expect(portName(name)).toBe('http');
  });
});

// One registry of NodePorts: every NodePort the platform asks for comes from it, synth refuses a
// clash or a number outside 30000–32767, and the endpoint table of docs/demo-runbook.md is generated
// from it.
import { platformReleases } from '../../charts/releases';
import { platformConfig } from '../../config';
import { checkConfig } from '../../validation/config-checks';
import { endpointsTable } from '../../synth/endpoints';
import { environmentNames, rendered, withConfig } from '../support/helpers';
import { readDoc } from '../support/docs';

/** Every value under a key that sets a node port, anywhere in the rendered objects. */
function nodePortsIn(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(nodePortsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    /^(nodePort|node_port|reloaderWebNodePort)$/.test(key) && typeof child === 'number' ? [child] : nodePortsIn(child),
  );
}

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);
  const used = nodePortsIn(rendered(environment).manifests.map((m) => m.object));

  test('every NodePort in the output is in the registry, and every registered one is used once', () => {
    expect(used.sort()).toEqual(Object.values(config.nodePorts).sort());
  });

  test('the demo ports are the fixed ones of platform.md', () => {
    expect(config.nodePorts).toMatchObject({ ingressHttp: 31304, grafana: 30300, kiali: 31200, prometheus: 30090 });
  });
});

test('a clash and a port out of range are config errors, reported together', () => {
  const broken = withConfig('prod', (c) => ({ nodePorts: { ...c.nodePorts, kiali: 30300, prometheus: 29999 } }));
  const findings = checkConfig(broken, platformReleases(broken)).map((f) => `${f.file} ${f.field}: ${f.message}`);
  expect(findings).toEqual([
    'config/node-ports.ts kiali: expected a port no other NodePort has, got 30300, which grafana has too',
    'config/node-ports.ts prometheus: expected an integer in the NodePort range 30000–32767, got 29999',
  ]);
});

test('the endpoint table of docs/demo-runbook.md is the registry', () => {
  const page = readDoc('docs/demo-runbook.md');
  expect(page).toContain(endpointsTable(platformConfig('prod')));
});

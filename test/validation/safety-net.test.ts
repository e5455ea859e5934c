// The rules' safety net: a rule that throws (a bug, on input nobody foresaw) costs its own findings
// and says so in one `internal` error; every other rule still reports. The route rule is replaced by
// one that throws, since no input is known to make a real rule throw any more.
import { join } from 'node:path';
import { readManifests } from '../../validation/read-manifests';
import { validateManifests } from '../../validation';
import type { Finding } from '../../validation/finding';

jest.mock('../../validation/mesh-rules', () => ({
  ...jest.requireActual<object>('../../validation/mesh-rules'),
  checkVirtualServices: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'split')");
  },
}));

const FIXTURE = join(__dirname, '..', 'support', 'fixtures', 'validate', 'route-without-destination.yaml');

test('a rule that throws is one internal error naming it; every other rule still reports', () => {
  const findings = validateManifests(readManifests([FIXTURE]).manifests, { externalSecrets: [], defaultNamespace: 'default' });
  expect(findings.map((f: Finding) => `${f.severity} ${f.rule} ${f.object ?? '-'} ${f.field ?? '-'}`)).toEqual([
    'error schema VirtualService/shop/storefront spec.http[0].route[0].destination.host',
    'error schema VirtualService/shop/storefront spec.http[1].route[0].destination',
    'error internal - -',
  ]);
  expect(findings[2]).toEqual({
    severity: 'error',
    rule: 'internal',
    message:
      "rule route-destination, route-rewrite stopped on unexpected input (TypeError: Cannot read properties of undefined (reading 'split')): its findings are missing, the other rules ran; please report this with the file",
  });
});

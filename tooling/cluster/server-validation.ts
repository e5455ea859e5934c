// `validate --server`: each object sent to a real API server as a server-side apply dry run with
// strict field validation, the same request test:cluster makes for real. The server's admission
// (Pod Security, quota, webhooks) and its schemas judge; nothing is persisted. Its warnings count as
// errors, as in test:cluster: a deprecated API or a Pod Security warning today is a failure tomorrow.
import type { Finding } from '../../validation/finding';
import type { Manifest } from '../../validation/manifest';
import { objectRef } from '../../validation/manifest';
import { errorText, inParallel, type Kubectl } from './kubectl';
import { applyObject } from './sync';

/** Who the dry run applies as: never Argo CD's manager, so a dry run cannot look like a sync. */
export const VALIDATE_FIELD_MANAGER = 'titanium-validate';

async function existingNamespaces(kubectl: Kubectl): Promise<Set<string>> {
  const result = await kubectl(['get', 'namespaces', '-o', 'name']);
  if (result.code !== 0) throw new Error(`cannot reach the cluster: ${errorText(result)}`);
  return new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().replace(/^namespace\//, ''))
      .filter(Boolean),
  );
}

export async function serverFindings(kubectl: Kubectl, manifests: readonly Manifest[], parallel = 4): Promise<Finding[]> {
  const namespaces = await existingNamespaces(kubectl);
  const createdHere = new Map(
    manifests
      .filter((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1')
      .map((m) => [m.object.metadata?.name ?? '', m.file]),
  );
  const findings: Finding[] = [];
  const toCheck = manifests.filter((m) => {
    const ns = m.object.metadata?.namespace;
    if (!ns || namespaces.has(ns)) return true;
    // A dry run persists nothing, so the namespace it would create first is not there for its objects.
    findings.push({
      severity: 'warning',
      rule: 'server',
      file: m.file,
      object: objectRef(m.object),
      message: `not sent to the API server: namespace ${ns} does not exist on the cluster${createdHere.has(ns) ? ` (${createdHere.get(ns)} creates it; apply that first)` : ''}`,
    });
    return false;
  });
  const results = await inParallel(toCheck, parallel, (m) =>
    applyObject(kubectl, '', m, undefined, { dryRun: true, asUser: VALIDATE_FIELD_MANAGER }),
  );
  results.forEach((result, index) => {
    const { file, object } = { file: toCheck[index].file, object: objectRef(toCheck[index].object) };
    if (result.error)
      findings.push({ severity: 'error', rule: 'server', file, object, message: `the API server refuses it: ${result.error}` });
    for (const warning of result.warnings) {
      findings.push({ severity: 'error', rule: 'server-warning', file, object, message: `the API server warns: ${warning}` });
    }
  });
  return findings;
}

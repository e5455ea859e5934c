// Every rule's work grows linearly with the objects (issue 15): validating ten times the services
// reads at most about ten times as much of the manifests and workloads, rule by rule. Work is counted
// (WorkCounter: every property read of a manifest or workload, at any depth), not timed, so the test
// says the same on any machine; a rule that scans every object for each object reads about a hundred
// times as much at ten times the size and fails here.
import { validateManifests, type ValidationContext } from '../../validation';
import type { Finding } from '../../validation/finding';
import { WorkCounter, type ValidationMode } from '../../validation/model';
import { SCALE_NAMESPACE, SCALE_SECRETS, scaleManifests } from '../support/scale-manifests';

const SMALL = 12;
const GROWTH = 10;
/** Linear work grows by GROWTH, plus a little for what does not scale with the objects; quadratic work by GROWTH². */
const ALLOWED = 12;

function validated(services: number, mode: ValidationMode): { findings: Finding[]; reads: ReadonlyMap<string, number> } {
  const work = new WorkCounter();
  const context: ValidationContext = { mode, externalSecrets: SCALE_SECRETS, defaultNamespace: SCALE_NAMESPACE, work };
  const findings = validateManifests(scaleManifests(services), context);
  return { findings, reads: work.reads };
}

const count = (findings: readonly Finding[]) => {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[`${f.severity} ${f.rule}`] = (counts[`${f.severity} ${f.rule}`] ?? 0) + 1;
  return counts;
};

// Foreign mode runs the rules' other branches: the namespace-context notes, argocd-path's repositories.
describe.each(['project', 'foreign'] as const)('validation work at scale, %s mode', (mode) => {
  const small = validated(SMALL, mode);
  const large = validated(SMALL * GROWTH, mode);

  it.each([
    ['small', SMALL, small.findings],
    ['large', SMALL * GROWTH, large.findings],
  ] as const)('the %s platform gets exactly its planted findings, so every rule ran on well-formed objects', (_, services, findings) => {
    // One error per pod whose app port is scraped in plaintext under STRICT, one for the typo'd selector.
    expect(count(findings)).toEqual({ 'error scrape': services, 'error service-selector': 1 });
    expect(findings.find((f) => f.rule === 'service-selector')?.message).toContain('the closest, Deployment svc-0, has app: svc-0');
  });

  it('counts the reads of every rule that visits the objects', () => {
    for (const rule of ['reading the set', 'service-selector, service-port, port-protocol', 'mtls', 'scrape', 'pdb', 'reference']) {
      expect(small.reads.get(rule) ?? 0).toBeGreaterThan(SMALL);
    }
  });

  it(`reads at most ${ALLOWED}× as much at ${GROWTH}× the services, rule by rule`, () => {
    const ratios = Object.fromEntries(
      [...large.reads].map(([rule, reads]) => [rule, Math.round((reads / Math.max(small.reads.get(rule) ?? 0, 1)) * 10) / 10]),
    );
    const superlinear = Object.entries(ratios).filter(([, ratio]) => ratio > ALLOWED);
    expect({ superlinear, all: ratios }).toEqual({ superlinear: [], all: ratios });
  });
});

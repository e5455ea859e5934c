// `npm run scan:images [-- --dist dist] [--trivy trivy]`
// Scans every image the rendered output references with Trivy. Fails when an image has a CRITICAL
// vulnerability that has a fix, or cannot be scanned at all (a tag that does not exist would fail
// in the cluster too); HIGH ones are reported. Writes a Markdown table to the job summary in CI.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { distinctImages } from '../tooling/images-in-output';
import { readManifests } from '../validation/read-manifests';

interface TrivyReport {
  Results?: { Vulnerabilities?: { Severity: string; VulnerabilityID: string }[] | null }[];
}

interface ImageResult {
  readonly image: string;
  readonly critical: number;
  readonly high: number;
  readonly error?: string;
}

function scan(trivy: string, image: string): ImageResult {
  const run = spawnSync(
    trivy,
    ['image', '--quiet', '--format', 'json', '--scanners', 'vuln', '--severity', 'HIGH,CRITICAL', '--ignore-unfixed', image],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.error || run.status !== 0) {
    const reason = run.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`);
    return { image, critical: 0, high: 0, error: reason };
  }
  const report = JSON.parse(run.stdout) as TrivyReport;
  const vulnerabilities = (report.Results ?? []).flatMap((r) => r.Vulnerabilities ?? []);
  const count = (severity: string) => new Set(vulnerabilities.filter((v) => v.Severity === severity).map((v) => v.VulnerabilityID)).size;
  return { image, critical: count('CRITICAL'), high: count('HIGH') };
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { dist: { type: 'string', default: 'dist' }, trivy: { type: 'string', default: 'trivy' } },
  });
  // Only the objects count: a missing folder, or a file that is not YAML, leaves its images out.
  const images = distinctImages(readManifests([values.dist ?? 'dist']).manifests.map((m) => m.object));
  if (images.length === 0) {
    console.error(`error   no images found under ${values.dist}/: run \`npm run synth -- --env all\` first`);
    return 1;
  }
  const results = images.map((image) => scan(values.trivy ?? 'trivy', image));
  const lines = [
    '### Image scan (Trivy: fixable HIGH and CRITICAL vulnerabilities)',
    '',
    '| image | critical | high | result |',
    '|---|---|---|---|',
    ...results.map((r) => {
      const verdict = r.error ? `❌ not scanned: ${r.error.replace(/\|/g, '\\|')}` : r.critical > 0 ? '❌ critical' : '✅';
      return `| \`${r.image}\` | ${r.error ? '' : r.critical} | ${r.error ? '' : r.high} | ${verdict} |`;
    }),
  ];
  const markdown = `${lines.join('\n')}\n`;
  process.stdout.write(markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  const failed = results.filter((r) => r.error || r.critical > 0);
  if (failed.length > 0) {
    console.error(`error   ${failed.length} of ${results.length} image(s) failed the scan: ${failed.map((r) => r.image).join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));

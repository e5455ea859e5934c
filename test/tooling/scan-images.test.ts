// The image scan runs Trivy once per image the output references and fails on fixable CRITICAL
// vulnerabilities or an image that cannot be scanned. A stand-in `trivy` plays the scanner here.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { images } from '../../config/images';
import { distinctImages } from '../../tooling/images-in-output';
import { runBuilt } from '../support/cli';
import { ANY_SOURCE, environmentNames, rendered, synthInto } from '../support/helpers';

const workdir = mkdtempSync(join(tmpdir(), 'titanium-scan-'));
const dist = join(workdir, 'dist');
const log = join(workdir, 'trivy.log');

/** A fake trivy: logs its arguments; redis has a critical CVE, postgres cannot be pulled. */
function fakeTrivy(): string {
  const path = join(workdir, 'trivy');
  writeFileSync(
    path,
    `#!/bin/sh
echo "$@" >> ${log}
for last; do :; done
case "$last" in
  redis:*) echo '{"Results":[{"Vulnerabilities":[{"VulnerabilityID":"CVE-1","Severity":"CRITICAL"},{"VulnerabilityID":"CVE-2","Severity":"HIGH"}]}]}' ;;
  postgres:*) echo "FATAL unable to find the specified image" >&2; exit 1 ;;
  *) echo '{"Results":[{"Vulnerabilities":null}]}' ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}

test('every image of the rendered output is listed once', () => {
  const objects = rendered('prod').manifests.map((m) => m.object);
  expect(distinctImages(objects)).toEqual(
    Object.values(images)
      .map((i) => `${i.repository}:${i.tag}`)
      .sort(),
  );
});

test('scans each image once and fails on a critical vulnerability or an unscannable image', () => {
  for (const environment of environmentNames) synthInto(dist, environment, ANY_SOURCE, join(workdir, 'argocd'));
  const run = runBuilt('scripts/scan-images.js', ['--dist', dist, '--trivy', fakeTrivy()], { env: { GITHUB_STEP_SUMMARY: '' } });
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('| `redis:7.4.2-alpine` | 1 | 1 | ❌ critical |');
  expect(run.stdout).toContain('| `postgres:15.12-alpine` |  |  | ❌ not scanned: FATAL unable to find the specified image |');
  expect(run.stdout).toContain('| `dongju101/api-gateway:main-d631646` | 0 | 0 | ✅ |');
  expect(run.stderr).toContain(`2 of ${Object.keys(images).length} image(s) failed the scan`);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  expect(calls).toHaveLength(Object.keys(images).length);
  expect(calls[0]).toContain('--ignore-unfixed');
});

// `npm run bench -- --scale` for real at two small sizes: it copies the project, writes the generated
// platform into the copy's config, builds and runs the real synth and validate commands there, and
// leaves the checkout and the temp folder as they were. About a minute: two type checks and builds.
// Also one round of the synth bench (`npm run bench`) against kubectl kustomize.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import { ROOT } from '../support/cli';

const status = () => spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;
const copies = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('titanium-bench-scale-')));

test('npm run bench -- --scale measures each size with the real commands and cleans up', () => {
  const own = platformConfig('prod').services.length;
  const plot = join(mkdtempSync(join(tmpdir(), 'titanium-bench-plot-')), 'scale.svg');
  const before = { status: status(), copies: copies() };
  try {
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--scale', '--sizes', `${own},${own + 4}`, '--svg', plot], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    // The goals at these sizes are start-up noise: a miss (exit 1) is possible, an error is not.
    expect(run.stderr).not.toMatch(/^error/m);
    expect([0, 1]).toContain(run.status);
    // At least a microservice's five objects each more: the generated ones are rendered, validated and counted.
    const rows = [
      ...run.stdout.matchAll(/^\| (\d+) \| ([\d,]+) \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \| [\d,]+ \| \d+ \| \d+ \|$/gm),
    ];
    expect(rows.map((r) => Number(r[1]))).toEqual([own, own + 4]);
    const objects = rows.map((r) => Number(r[2].replace(/,/g, '')));
    expect(objects[1] - objects[0]).toBeGreaterThanOrEqual(4 * 5);
    expect(run.stdout).toMatch(/^Growth exponent from \d+ to \d+ services/m);
    expect(run.stdout).toMatch(/^(pass|FAIL) {9}peak memory of either command ≤ 1 GiB: \d+ MiB at most$/m);
    expect(run.stdout).toMatch(/^not measured 2,500 services synthesized, validated and written in ≤ 10 s/m);
    expect(readFileSync(plot, 'utf8').match(/<circle /g)).toHaveLength(4);
    expect(status()).toBe(before.status);
    expect([...copies()].filter((name) => !before.copies.has(name))).toEqual([]);
  } finally {
    rmSync(join(plot, '..'), { recursive: true, force: true });
  }
}, 300_000);

// The synth bench for real, once (whole commands, so here and not in npm test: about 8 s).
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl) console.warn('npm run bench not exercised: no kubectl on this machine');

(kubectl ? test : test.skip)(
  'one round of npm run bench measures all four commands on the same objects',
  () => {
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--runs', '1', '--rebuilds', '0', '--budget', '1000'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ objects, 1 alternating runs each/);
    expect(run.stdout).toMatch(/^\| `npm run synth` \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^\| `node scripts\/run\.cjs main` \(what npm runs\) \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^\| `kubectl kustomize` \| \d\.\d{3} \| .* \| 1\.00× \|$/m);
    expect(run.stdout).toMatch(/^\| `node -e 0` \(Node start-up\) \| \d\.\d{3} \|/m);
    expect(run.stdout).toMatch(/^Before synth does anything: npm -?\d\.\d{3} s \+ Node \d\.\d{3} s = /m);
    expect(run.stdout).toMatch(/^`npm run synth`: \d+\.\d\d× `kubectl kustomize`, within the 1000× budget\.$/m);
    expect(run.stdout).toMatch(
      /^`node scripts\/run\.cjs main` \(what npm runs\): \d+\.\d\d× `kubectl kustomize`, within the 1000× budget\.$/m,
    );
  },
  60_000,
);

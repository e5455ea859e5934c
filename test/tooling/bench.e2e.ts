// `npm run bench -- --scale` for real at two small sizes: it copies the project, writes the generated
// platform into the copy's config, builds and runs the real synth and validate commands there, and
// leaves the checkout and the temp folder as they were. About a minute: two type checks and builds.
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

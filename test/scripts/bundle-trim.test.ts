// The code scripts/build.cjs leaves out of the bundles (TRIMMED) is code the commands never run.
// Checked against the installed packages, so a dependency update that starts using a trimmed module
// fails here, not in a user's synth.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goldenSignalsDashboard, type GoldenSignalsOptions } from '../../constructs/observability/golden-signals-dashboard';
import { ROOT } from '../support/cli';

interface Bundled {
  readonly exports: Record<string, unknown>;
  readonly inputs: string[];
}

const { TRIMMED, trimPlugin } = require('../../scripts/build.cjs') as {
  TRIMMED: readonly { request: RegExp; importer: RegExp; contents: string }[];
  trimPlugin: () => unknown;
};

const work = mkdtempSync(join(tmpdir(), 'titanium-trim-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An entry written in the test: bundled from esbuild's stdin, resolving packages from the project. */
interface Source {
  readonly name: string;
  readonly contents: string;
}

/**
 * Bundles `entry` (a project file, or a Source) as scripts/build.cjs does and loads the result.
 * A Source is never written to disk: a file in the system temp folder resolves no package (there is
 * no node_modules above it), so it goes in on stdin with the project root as its folder.
 */
async function bundle(entry: string | Source): Promise<Bundled> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = join(work, `${readdirSync(work).length}.js`);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, sourcefile: entry.name, resolveDir: ROOT, loader: 'ts' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['esbuild', 'typescript'],
    plugins: [trimPlugin() as import('esbuild').Plugin],
    metafile: true,
    logLevel: 'silent',
  });
  return { exports: require(outfile) as Record<string, unknown>, inputs: Object.keys(result.metafile.inputs) };
}

/** Every format name kubernetes-models' compiled validators look up. */
function formatsNamedBySchemas(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['kubernetes-models/_schemas', '@kubernetes-models/apimachinery/_schemas']) {
    const folder = join(ROOT, 'node_modules', dir);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.js'))) {
      for (const match of readFileSync(join(folder, file), 'utf8').matchAll(/formats(?:\.([\w$]+)|\["([^"]+)"\])/g)) {
        names.add(match[1] ?? match[2]);
      }
    }
  }
  return names;
}

describe('code left out of the bundles', () => {
  test('every trimmed request is one the installed packages make', async () => {
    const validate = { name: 'validate-entry.ts', contents: "export * from '@kubernetes-models/validate';\n" };
    const used = new Set([
      ...(await bundle(validate)).inputs,
      ...(await bundle('constructs/observability/golden-signals-dashboard.ts')).inputs,
    ]);
    expect(TRIMMED.map((_, index) => [...used].some((path) => path.startsWith(`titanium-trim:${index}:`)))).toEqual(
      TRIMMED.map(() => true),
    );
    // and what they stood for is gone
    const leftOut = [...used].filter((path) => /ajv-i18n\/localize\/(de|fr)\/|uri-js|smtp-address-parser|dashboardv2/.test(path));
    expect(leftOut).toEqual([]);
  });

  test('kubernetes-models still reports validation errors in English', async () => {
    const validate = { name: 'validate-errors.ts', contents: "export { runValidateFunc } from '@kubernetes-models/validate';\n" };
    const { runValidateFunc } = (await bundle(validate)).exports as { runValidateFunc: (fn: unknown, data: unknown) => void };
    const failing = Object.assign(() => false, {
      errors: [{ instancePath: '/spec/replicas', schemaPath: '#/type', keyword: 'type', params: { type: 'integer' } }],
    });
    expect(() => runValidateFunc(failing, {})).toThrow('data/spec/replicas must be integer');
  });

  test('every format a kubernetes-models schema names is still defined, and none was trimmed', async () => {
    const named = formatsNamedBySchemas();
    expect(named.size).toBeGreaterThan(3); // int32, int64, byte, ...: the scan found them
    const validate = { name: 'validate-formats.ts', contents: "export { formats } from '@kubernetes-models/validate';\n" };
    const { formats } = (await bundle(validate)).exports as { formats: Record<string, unknown> };
    expect([...named].filter((name) => !(name in formats))).toEqual([]);
    const draft2019 = Object.keys(require('ajv-formats-draft2019/formats/index.js') as object);
    expect(draft2019.filter((name) => named.has(name))).toEqual([]);
  });

  test('of the Grafana SDK only what is built on the dashboard schema v2 is left out: every other export remains', async () => {
    const sdk = join(ROOT, 'node_modules', '@grafana', 'grafana-foundation-sdk', 'dist');
    // The folders the dashboard imports, and `alerting`, whose QueryBuilder is not a v2 builder.
    for (const folder of ['alerting', 'common', 'dashboard', 'logs', 'loki', 'prometheus', 'table', 'timeseries']) {
      const onSchemaV2 = readdirSync(join(sdk, folder))
        .filter((file) => file.endsWith('.js'))
        .filter((file) => /require\("\.\.\/dashboardv2(beta1)?"\)/.test(readFileSync(join(sdk, folder, file), 'utf8')));
      const leftOut = new Set(onSchemaV2.flatMap((file) => Object.keys(require(join(sdk, folder, file)) as object)));
      const entry = { name: `grafana-${folder}.ts`, contents: `export * from '@grafana/grafana-foundation-sdk/${folder}';\n` };
      const bundled = Object.keys((await bundle(entry)).exports).sort();
      const installed = Object.keys(require(join(sdk, folder)) as object);
      expect({ folder, exports: bundled }).toEqual({ folder, exports: installed.filter((name) => !leftOut.has(name)).sort() });
    }
  });

  test('the Golden Signals dashboard bundled without the schema v2 builders is the one built from source', async () => {
    const options: GoldenSignalsOptions = {
      uid: 'golden',
      title: 'Golden Signals',
      namespace: 'titanium-prod',
      datasources: { prometheus: 'prometheus', loki: 'loki' },
      latencyObjectiveMs: 300,
    };
    const bundled = (await bundle('constructs/observability/golden-signals-dashboard.ts')).exports as {
      goldenSignalsDashboard: typeof goldenSignalsDashboard;
    };
    expect(JSON.stringify(bundled.goldenSignalsDashboard(options))).toBe(JSON.stringify(goldenSignalsDashboard(options)));
  });
});

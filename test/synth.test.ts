// The synth command end to end: layout, one object per file, determinism across runs and machines
// (time zone, locale, working directory), environment selection, and refusal without side effects.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { manifestYaml } from '../lib/render';
import { renderEnvironment } from '../lib/synth';
import { platformConfig } from '../config';
import { runBuilt } from './cli';

function tree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return files;
}

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `titanium-${prefix}-`));

/** Output flags that keep a test's files in its own temporary folder. */
const outputs = (root: string) => ['--out', join(root, 'dist'), '--argocd-out', join(root, 'argocd')];

describe('npm run synth', () => {
  const first = tmp('synth-a');
  const firstRun = runBuilt('main.js', ['--env', 'all', ...outputs(first)]);

  test('exits 0 and reports each environment', () => {
    expect(firstRun.stderr).toBe('');
    expect(firstRun.status).toBe(0);
    expect(firstRun.stdout).toMatch(/^prod: \d+ objects/m);
    expect(firstRun.stdout).toMatch(/^local: \d+ objects/m);
  });

  test('writes dist/<env>/<app>/<kind>-<name>.yaml with exactly one object per file', () => {
    const files = [...tree(join(first, 'dist')).keys()];
    expect(files).toContain('prod/titanium-prod/deployment-api-gateway.yaml');
    expect(files).toContain('local/titanium-local/statefulset-postgresql.yaml');
    expect(files).toContain('prod/argocd-apps/application-titanium-prod.yaml');
    for (const file of files) {
      expect(file).toMatch(/^(prod|local)\/[a-z0-9-]+\/[a-z]+-[a-z0-9-]+\.yaml$/);
      const docs = parseAllDocuments(readFileSync(join(first, 'dist', file), 'utf8'));
      expect(docs).toHaveLength(1);
      const object = docs[0].toJS() as { kind: string; metadata: { name: string } };
      expect(file.split('/')[2]).toBe(`${object.kind.toLowerCase()}-${object.metadata.name}.yaml`);
    }
  });

  test('renders byte-identical output in another time zone, locale and working directory', () => {
    const second = tmp('synth-b');
    const run = runBuilt('main.js', ['--env', 'all', ...outputs(second)], {
      cwd: second,
      env: { TZ: 'Asia/Seoul', LANG: 'ko_KR.UTF-8', LC_ALL: 'ko_KR.UTF-8' },
    });
    expect(run.status).toBe(0);
    expect(tree(second)).toEqual(tree(first));
  });

  test('writes what the in-memory render produces, apps to dist/ and the bootstrap to argocd/', () => {
    const { manifests, bootstrap, bootstrapFiles } = renderEnvironment(platformConfig('prod'));
    for (const manifest of [...manifests, ...bootstrap]) {
      expect(readFileSync(join(first, manifest.tree, 'prod', manifest.path), 'utf8')).toBe(manifestYaml(manifest));
    }
    for (const file of bootstrapFiles) expect(readFileSync(join(first, 'argocd', 'prod', file.path), 'utf8')).toBe(file.content);
    expect(tree(join(first, 'dist', 'prod')).size).toBe(manifests.length);
    expect(tree(join(first, 'argocd', 'prod')).size).toBe(bootstrap.length + bootstrapFiles.length);
  });

  test('defaults to prod, dist/ and argocd/ in the working directory', () => {
    const cwd = tmp('synth-default');
    const run = runBuilt('main.js', [], { cwd });
    expect(run.status).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['argocd', 'dist']);
    expect(readdirSync(join(cwd, 'dist'))).toEqual(['prod']);
    expect(readdirSync(join(cwd, 'argocd'))).toEqual(['prod']);
  });

  test('replaces an environment folder whole: a file from an earlier render disappears', () => {
    const out = tmp('synth-replace');
    expect(runBuilt('main.js', ['--env', 'local', ...outputs(out)]).status).toBe(0);
    const stale = join(out, 'dist', 'local', 'titanium-local', 'deployment-removed-service.yaml');
    writeFileSync(stale, 'kind: Deployment\n');
    expect(runBuilt('main.js', ['--env', 'local', ...outputs(out)]).status).toBe(0);
    expect(() => statSync(stale)).toThrow();
    expect(readdirSync(join(out, 'dist'))).toEqual(['local']);
  });

  test('an unknown environment is an error that names the known ones, and writes nothing', () => {
    const out = tmp('synth-unknown');
    const run = runBuilt('main.js', ['--env', 'staging', ...outputs(out)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown environment "staging"');
    expect(run.stderr).toContain('prod, local');
    expect(readdirSync(out)).toEqual([]);
  });

  test('an unknown option is an error with usage', () => {
    const run = runBuilt('main.js', ['--enviroment', 'prod']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run synth');
  });
});

test('rendering twice in one process gives the same bytes', () => {
  const text = () => renderEnvironment(platformConfig('prod')).manifests.map(manifestYaml).join('');
  expect(text()).toBe(text());
});

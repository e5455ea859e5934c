// The synth command end to end: layout, one object per file, determinism across runs and machines
// (time zone, locale, working directory), environment selection, and refusal without side effects.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { manifestYaml } from '../../synth/manifest-yaml';
import { renderEnvironment } from '../../synth/synth';
import { platformConfig } from '../../config';
import { git } from '../../tooling/git';
import { parseStatus, sourceRevision } from '../../synth/source-revision';
import { ROOT, runBuilt } from '../support/cli';
import { rendered } from '../support/helpers';

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
    expect(firstRun.stdout).toMatch(/^prod: \d+ objects, 0 warning\(s\)$/m);
    expect(firstRun.stdout).toMatch(/^local: \d+ objects, 0 warning\(s\)$/m);
    expect(firstRun.stdout).toMatch(/^done in \d+\.\d\d s$/m);
  });

  test('ends each environment with a table of objects per folder and kind that matches the files', () => {
    const { manifests, bootstrap } = rendered('prod');
    const written = [...tree(join(first, 'dist', 'prod')).keys()].filter((f) => f.endsWith('.yaml'));
    for (const folder of new Set(written.map((f) => f.split('/')[0]))) {
      const count = written.filter((f) => f.startsWith(`${folder}/`)).length;
      expect(firstRun.stdout).toMatch(new RegExp(`^  ${join(first, 'dist', 'prod', folder)}/ +${count}  [A-Z]`, 'm'));
    }
    const deployments = manifests.filter((m) => m.path.startsWith('titanium-prod/') && m.object.kind === 'Deployment').length;
    expect(firstRun.stdout).toMatch(new RegExp(`titanium-prod/ +\\d+  .*\\bDeployment ${deployments}\\b`));
    expect(firstRun.stdout).toMatch(new RegExp(`^  ${join(first, 'argocd', 'prod')}/ +${bootstrap.length}  `, 'm'));
    expect(firstRun.stdout).toContain(`prod: ${manifests.length + bootstrap.length} objects`);
  });

  test('writes dist/<env>/README.md naming the commit of the source checkout', () => {
    const readme = readFileSync(join(first, 'dist', 'prod', 'README.md'), 'utf8');
    const head = git(['rev-parse', 'HEAD'], { cwd: ROOT });
    expect(readme).toContain(`from source commit \`${head}\``);
    expect(readme).toContain('```mermaid');
    expect(readFileSync(join(first, 'dist', 'local', 'README.md'), 'utf8')).toContain('# titanium platform: local');
  });

  test('writes dist/<env>/<app>/<kind>-<name>.yaml with exactly one object per file', () => {
    const files = [...tree(join(first, 'dist')).keys()].filter((file) => !file.endsWith('/README.md'));
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
    const { manifests, bootstrap, bootstrapFiles } = rendered('prod');
    for (const manifest of [...manifests, ...bootstrap]) {
      expect(readFileSync(join(first, manifest.tree, 'prod', manifest.path), 'utf8')).toBe(manifestYaml(manifest));
    }
    for (const file of bootstrapFiles) expect(readFileSync(join(first, 'argocd', 'prod', file.path), 'utf8')).toBe(file.content);
    expect(tree(join(first, 'dist', 'prod')).size).toBe(manifests.length + 1); // and README.md
    expect(tree(join(first, 'argocd', 'prod')).size).toBe(bootstrap.length + bootstrapFiles.length);
  });

  test('through scripts/run.cjs, as `npm run synth` runs it, from another directory: the same files', () => {
    const out = tmp('synth-launcher');
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run.cjs'), 'main', '--env', 'all', ...outputs(out)], {
      cwd: out,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(tree(out)).toEqual(tree(first));
  });

  test('defaults to prod, dist/ and argocd/ in the working directory', () => {
    const cwd = tmp('synth-default');
    const run = runBuilt('main.js', [], { cwd });
    expect(run.status).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['argocd', 'dist']);
    expect(readdirSync(join(cwd, 'dist'))).toEqual(['prod']);
    expect(readdirSync(join(cwd, 'argocd'))).toEqual(['prod']);
  });

  /** The first run's local render, copied to `out` as an earlier synth there would have left it. */
  const earlierLocalRender = (out: string) => {
    for (const tree of ['dist', 'argocd']) cpSync(join(first, tree, 'local'), join(out, tree, 'local'), { recursive: true });
  };

  test('replaces an environment folder whole: a file from an earlier render disappears', () => {
    const out = tmp('synth-replace');
    earlierLocalRender(out);
    const stale = join(out, 'dist', 'local', 'titanium-local', 'deployment-removed-service.yaml');
    writeFileSync(stale, 'kind: Deployment\n');
    expect(runBuilt('main.js', ['--env', 'local', ...outputs(out)]).status).toBe(0);
    expect(() => statSync(stale)).toThrow();
    expect(readdirSync(join(out, 'dist'))).toEqual(['local']);
  });

  test('a render identical to what a folder holds rewrites nothing; one changed file replaces the folder', () => {
    const out = tmp('synth-unchanged');
    earlierLocalRender(out);
    const file = join(out, 'dist', 'local', 'titanium-local', readdirSync(join(out, 'dist', 'local', 'titanium-local')).sort()[0]);
    const before = statSync(file);
    const again = runBuilt('main.js', ['--env', 'local', ...outputs(out)]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`unchanged, not rewritten: ${join(out, 'dist', 'local')}/, ${join(out, 'argocd', 'local')}/`);
    expect(statSync(file).ino).toBe(before.ino);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);

    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}# edited by hand\n`);
    const repaired = runBuilt('main.js', ['--env', 'local', ...outputs(out)]);
    expect(repaired.stdout).not.toContain(`${join(out, 'dist', 'local')}/,`);
    expect(repaired.stdout).toContain(`unchanged, not rewritten: ${join(out, 'argocd', 'local')}/`);
    expect(readFileSync(file, 'utf8')).toBe(original);
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

test('the source revision comes from git status: commit, and dirty when anything is changed or untracked', () => {
  const head = '# branch.oid 0123456789abcdef0123456789abcdef01234567\n# branch.head main\n';
  expect(parseStatus(head)).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567', dirty: false });
  expect(parseStatus(`${head}1 .M N... 100644 100644 100644 a b config/images.ts\n`)?.dirty).toBe(true);
  expect(parseStatus(`${head}? constructs/new.ts\n`)?.dirty).toBe(true);
  expect(parseStatus('# branch.oid (initial)\n# branch.head main\n')).toBeUndefined();
  const sha256 = 'a'.repeat(64);
  expect(parseStatus(`# branch.oid ${sha256}\n`)).toEqual({ commit: sha256, dirty: false });
});

test('rendering twice in one process gives the same bytes', () => {
  const text = () => renderEnvironment(platformConfig('prod')).manifests.map(manifestYaml).join('');
  expect(text()).toBe(text());
});

test('a render is dirty only when what it reads has uncommitted changes, from any folder of the checkout', async () => {
  const repo = tmp('source-revision');
  const id = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
  git(['init', '--quiet', repo], { cwd: repo });
  mkdirSync(join(repo, 'config'));
  mkdirSync(join(repo, 'build'));
  writeFileSync(join(repo, 'config', 'images.ts'), 'export const images = {};\n');
  git(['add', '.'], { cwd: repo });
  git(['commit', '--quiet', '-m', 'init'], { cwd: repo, env: id });
  const commit = git(['rev-parse', 'HEAD'], { cwd: repo });
  writeFileSync(join(repo, 'NOTES.md'), 'scratch\n');
  expect(await sourceRevision(join(repo, 'build'))).toEqual({ commit, dirty: false });
  writeFileSync(join(repo, 'config', 'images.ts'), 'export const images = { a: 1 };\n');
  expect(await sourceRevision(join(repo, 'build'))).toEqual({ commit, dirty: true });
});

// `npm run import [-- --crds <dir>] [--check]`: regenerates imports/ (typed bindings for the Istio,
// Argo CD and prometheus-operator CRDs) from local CRD files, without the internet.
//
// The CRD files are the upstream ones named in cdk8s.yaml (../shared/crds holds them at the pinned
// versions). They are imported in one run over one concatenated file: importing them one at a time
// makes cdk8s overwrite a group's output with its last file. The bindings keep only each CRD's `v1`
// version where it has one (else its storage version): the older Istio versions add a megabyte of
// bindings that nothing here may use.
//
// It also writes imports/schemas.json: structural schemas of every Kubernetes kind (from
// kubernetes-models' type declarations) and of every served version of these CRDs (an Istio
// manifest may still say v1beta1 or v1alpha3), which validation walks to find unknown fields, wrong
// types and values outside an enum; with each CRD's served and deprecated versions, and the
// operator kinds whose CRD files are not pinned (tooling/schema-generation/unpinned-crds.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAll } from 'js-yaml';
import { crdShapes, type Crd as CrdSchema } from '../tooling/schema-generation/crd-shapes';
import { kubernetesShapes } from '../tooling/schema-generation/kubernetes-shapes';
import { unpinnedKinds } from '../tooling/schema-generation/unpinned-crds';
import { finished } from '../tooling/child-process';
import { replaceFolder } from '../synth/write-dist';

interface Crd extends CrdSchema {
  kind: string;
}

// The type check reads these bindings' declarations wherever our code uses them, but does not check
// cdk8s's generated bodies again: a megabyte that is not ours, 1.5 s of every `npm test`.
const NO_CHECK = '// @ts-nocheck\n';

/** Structural schemas as stable JSON: sorted keys, one line per shape is too long; two-space indent. */
function schemasJson(crds: readonly Crd[]): string {
  const ts = require('typescript') as typeof import('typescript');
  // The real path: the compiler resolves imports to real paths, and names types by their place
  // relative to this folder, so a linked node_modules (a copy of the project, pnpm) names them alike.
  const kubernetes = kubernetesShapes(ts, realpathSync(resolve('node_modules/kubernetes-models')));
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  const custom = crdShapes(crds);
  const set = {
    kinds: { ...kubernetes.kinds, ...custom.kinds },
    types: { ...kubernetes.types, ...custom.types },
    crds: custom.crds,
    unpinned: unpinnedKinds(new Set(crds.map((crd) => `${crd.spec.group}/${crd.spec.names.kind}`))),
  };
  return `${JSON.stringify(sorted(set))}\n`;
}

/** The versions the TypeScript bindings are generated for. */
export function selectVersions(crd: Crd): Crd {
  const v1 = crd.spec.versions.filter((v) => v.name === 'v1');
  const versions = v1.length > 0 ? v1 : crd.spec.versions.filter((v) => v.storage);
  return { ...crd, spec: { ...crd.spec, versions } };
}

function readCrds(directory: string): Crd[] {
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const crds: Crd[] = [];
  for (const file of files) {
    // js-yaml: five times faster than the yaml library's document model on these 1.4 MB of plain,
    // checksum-pinned YAML, with the same data.
    for (const doc of loadAll(readFileSync(join(directory, file), 'utf8'))) {
      const crd = doc as Crd | null;
      if (crd?.kind === 'CustomResourceDefinition') crds.push(crd);
    }
  }
  // Stable order whatever the file names: by group, then kind.
  return crds.sort((a, b) => `${a.spec.group}/${a.spec.names.kind}`.localeCompare(`${b.spec.group}/${b.spec.names.kind}`, 'en'));
}

function readFolder(directory: string): Map<string, string> {
  if (!existsSync(directory)) return new Map();
  return new Map(
    readdirSync(directory)
      .sort()
      .map((f) => [f, readFileSync(join(directory, f), 'utf8')]),
  );
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      crds: { type: 'string', default: '../shared/crds' },
      out: { type: 'string', default: 'imports' },
      check: { type: 'boolean', default: false },
    },
  });
  const crdDir = resolve(values.crds ?? '../shared/crds');
  const outDir = resolve(values.out ?? 'imports');
  if (!existsSync(crdDir)) {
    console.error(`error   no CRD folder at ${crdDir}: pass --crds <folder with the files cdk8s.yaml names>`);
    return 2;
  }
  const crds = readCrds(crdDir);
  if (crds.length === 0) {
    console.error(`error   ${crdDir} holds no CustomResourceDefinition`);
    return 2;
  }

  const work = mkdtempSync(join(tmpdir(), 'titanium-import-'));
  try {
    const input = join(work, 'crds.yaml');
    // JSON is YAML: one document per CRD, without the cost of writing YAML.
    writeFileSync(input, crds.map((crd) => JSON.stringify(selectVersions(crd))).join('\n---\n'));
    const generated = join(work, 'imports');
    const cdk8s = resolve('node_modules/.bin/cdk8s');
    // cdk8s runs in its own process while this one reads the schemas: the two take about as long.
    const importing = finished(
      spawn(cdk8s, ['import', '--language', 'typescript', '--no-save', '--output', generated, input], {
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      }),
    );
    const schemas = schemasJson(crds);
    const run = await importing;
    if (run.status !== 0) {
      console.error(`error   cdk8s import failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
      return 1;
    }
    writeFileSync(join(generated, 'schemas.json'), schemas);
    const fresh = new Map([...readFolder(generated)].map(([file, text]) => [file, file.endsWith('.ts') ? `${NO_CHECK}${text}` : text]));
    if (values.check) {
      const committed = readFolder(outDir);
      const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => fresh.get(f) !== committed.get(f));
      if (stale.length > 0) {
        console.error(`error   ${values.out}/ is stale (${stale.join(', ')}): run \`npm run import -- --crds ${values.crds}\``);
        return 1;
      }
      console.log(`${values.out}/ matches the CRDs in ${crdDir} (${fresh.size} files, ${crds.length} kinds)`);
      return 0;
    }
    replaceFolder(
      outDir,
      [...fresh].map(([path, content]) => ({ path, content })),
    );
    console.log(`wrote ${fresh.size} files for ${crds.length} kinds to ${values.out}/`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

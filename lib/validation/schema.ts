// Schema check of every object against kubernetes-models (Kubernetes core) and its CRD packages
// (Istio, Argo CD, prometheus-operator). The models validate types, enums and required fields.
import { createRequire } from 'node:module';
import type { Manifest } from '../manifest';
import { findingFor, type Finding } from './finding';

interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

interface Model {
  validate(): void;
}
type ModelClass = (new (data: unknown) => Model) & { readonly apiVersion: string };

interface ModelPackage {
  readonly name: string;
  readonly owns: (group: string) => boolean;
  /**
   * Versions the package does not ship, mapped to one with the same schema.
   * @kubernetes-models/istio 2.x predates Istio's `v1` APIs, whose schemas equal `v1beta1`'s.
   */
  readonly versionAliases?: Readonly<Record<string, string>>;
}

const MODEL_PACKAGES: readonly ModelPackage[] = [
  { name: '@kubernetes-models/istio', owns: (g) => g.endsWith('.istio.io'), versionAliases: { v1: 'v1beta1' } },
  { name: '@kubernetes-models/argo-cd', owns: (g) => g === 'argoproj.io' },
  { name: '@kubernetes-models/prometheus-operator', owns: (g) => g === 'monitoring.coreos.com' },
  { name: 'kubernetes-models', owns: (g) => g === '' || g.endsWith('.k8s.io') || !g.includes('.') },
];

const load = createRequire(__filename);
const modelCache = new Map<string, ModelClass | undefined>();

/** The model class for an apiVersion and kind, or undefined when no package knows it. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) modelCache.set(key, loadModel(apiVersion, kind));
  return modelCache.get(key);
}

function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const pkg = MODEL_PACKAGES.find((p) => p.owns(group));
  if (!pkg || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const resolvedVersion = pkg.versionAliases?.[version] ?? version;
  const modulePath = [pkg.name, group, resolvedVersion, kind].filter((part) => part !== '').join('/');
  try {
    const exported = load(modulePath) as Record<string, ModelClass | undefined>;
    return exported[kind];
  } catch {
    return undefined;
  }
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function describe(error: SchemaError): { field: string; message: string } {
  let field = fieldPath(error.instancePath);
  let message = error.message ?? error.keyword;
  if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
    message = `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
    field = field ? `${field}.${error.params.missingProperty}` : error.params.missingProperty;
    message = 'is required';
  }
  return { field, message };
}

export function checkSchemas(manifests: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of manifests) {
    const { apiVersion, kind } = manifest.object;
    const Model = modelFor(apiVersion, kind);
    if (!Model) {
      findings.push(findingFor(manifest, 'warning', 'schema', undefined, `no schema known for ${apiVersion} ${kind}; not checked`));
      continue;
    }
    try {
      // An aliased version validates as the model's own apiVersion (the schema pins it as a constant).
      new Model({ ...manifest.object, apiVersion: Model.apiVersion }).validate();
    } catch (error) {
      const errors = (error as { errors?: SchemaError[] }).errors;
      if (!Array.isArray(errors)) throw error;
      for (const e of errors) {
        const { field, message } = describe(e);
        findings.push(findingFor(manifest, 'error', 'schema', field, message));
      }
    }
  }
  return findings;
}

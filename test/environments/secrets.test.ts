// No Secret values anywhere; every Secret reference names a Secret declared in config/secrets.ts;
// synth refuses an undeclared one with a precise error and leaves dist/ as it was.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformConfig } from '../../config';
import { createSecretCommand } from '../support/secret-commands';
import { renderEnvironment, synthEnvironment } from '../../synth/synth';
import { SynthError } from '../../synth/write-environment';
import { checkNoSecretData, checkSecretReferences, secretReferences } from '../../validation/secrets';
import { environmentNames, objects, rendered, withConfig } from '../support/helpers';
import { readDoc } from '../support/docs';

describe.each(environmentNames)('environment %s', (environment) => {
  const config = platformConfig(environment);

  test('renders no Secret and no Secret value', () => {
    const all = objects(environment);
    expect(all.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/"stringData"|"password"\s*:\s*"[^<]/i);
  });

  test('every Secret reference names a declared Secret and key', () => {
    const refs = objects(environment).flatMap((o) => secretReferences(o).map((r) => ({ ...r, namespace: o.metadata?.namespace })));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const declared = config.externalSecrets.find(
        (s) => s.name === ref.name && (s.namespace ?? config.environment.namespace) === ref.namespace,
      );
      expect(declared).toBeDefined();
      for (const key of ref.keys ?? []) expect(declared!.keys).toContain(key);
    }
    expect(rendered(environment).findings.filter((f) => f.rule.startsWith('secret'))).toEqual([]);
  });
});

describe('a reference to an undeclared Secret', () => {
  const broken = withConfig('prod', (c) => ({
    services: c.services.map((s) =>
      s.name === 'user-service'
        ? {
            ...s,
            secretEnv: {
              ...s.secretEnv,
              API_KEY: { secret: 'payment-api', key: 'token' },
              POSTGRES_PASSWORD: { secret: 'postgresql-credentials', key: 'passwd' },
            },
          }
        : s,
    ),
  }));

  test('is reported with the config file and field it came from, all problems at once', () => {
    const errors = renderEnvironment(broken).findings.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'config',
          file: 'config/services.ts',
          object: 'user-service',
          field: 'services[2].secretEnv.API_KEY.secret',
          message:
            "expected a Secret declared in config/secrets.ts (declared: postgresql-credentials, internal-api-secret, argocd-github-webhook, kiali-signing-key, grafana-admin), got 'payment-api'",
        }),
        expect.objectContaining({
          field: 'services[2].secretEnv.POSTGRES_PASSWORD.key',
          message: "expected a key of Secret 'postgresql-credentials' (declared: username, password), got 'passwd'",
        }),
      ]),
    );
  });

  test('in rendered YAML, the same mistake names the object, the field and the construct', () => {
    const manifests = rendered('prod').manifests.map((m) =>
      m.file.endsWith('deployment-user-service.yaml')
        ? { ...m, object: JSON.parse(JSON.stringify(m.object).replace('"name":"postgresql-credentials"', '"name":"payment-api"')) }
        : m,
    );
    const errors = checkSecretReferences(manifests, platformConfig('prod').externalSecrets, 'titanium-prod');
    expect(errors).toEqual([
      expect.objectContaining({
        rule: 'secret-ref',
        object: 'Deployment/titanium-prod/user-service',
        file: 'dist/prod/titanium-prod/deployment-user-service.yaml',
        field: expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef$/),
        construct: 'titanium-prod/user-service/deployment',
        message: 'Secret "payment-api" in namespace "titanium-prod" is not declared in config/secrets.ts (externalSecrets)',
      }),
    ]);
  });

  test('makes synth refuse and leaves the existing output untouched', () => {
    const out = mkdtempSync(join(tmpdir(), 'titanium-secrets-'));
    mkdirSync(join(out, 'prod'));
    writeFileSync(join(out, 'prod', 'previous.yaml'), 'kept: true\n');
    expect(() => synthEnvironment(broken, { dist: out, argocd: join(out, 'argocd') })).toThrow(SynthError);
    expect(readdirSync(out)).toEqual(['prod']);
    expect(readdirSync(join(out, 'prod'))).toEqual(['previous.yaml']);
    expect(readFileSync(join(out, 'prod', 'previous.yaml'), 'utf8')).toBe('kept: true\n');
  });
});

test('a rendered Secret with data is refused', () => {
  const findings = checkNoSecretData([
    {
      file: 'x/secret-db.yaml',
      object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'x' }, data: { password: 'c2VjcmV0' } },
    },
  ]);
  expect(findings).toEqual([expect.objectContaining({ severity: 'error', field: 'data', object: 'Secret/x/db' })]);
});

test('docs/bootstrap.md gives the exact create command for every declared Secret', () => {
  const page = readDoc('docs/bootstrap.md');
  const config = platformConfig('prod');
  const commands = config.externalSecrets.map((secret) => createSecretCommand(secret, config.environment.namespace));
  // Placeholders only: an operator types the values, git never sees them.
  config.externalSecrets.forEach((secret, i) => {
    for (const key of secret.keys) expect(commands[i]).toContain(`--from-literal=${key}='<${key}>'`);
  });
  expect(commands.filter((command) => !page.includes(command))).toEqual([]);
});

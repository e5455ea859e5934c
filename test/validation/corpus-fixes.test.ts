// What a corpus of public manifests, judged by hand, showed the rules to get wrong (issue 14): Secrets
// of plain configuration, nulls the API server takes, Helm hook pods behind a Service, Istio's
// `image: auto`, Pod Security baseline, the keys of a Secret an ExternalSecret fills. Each fixture is
// our own reproduction; its findings are asserted word for word (validate.test.ts checks the
// `# expect:` lines, which are the findings in project mode).
import { join } from 'node:path';
import { validateManifests, type ValidationContext } from '../../validation';
import type { Finding } from '../../validation/finding';
import type { Manifest } from '../../validation/manifest';
import { readManifests } from '../../validation/read-manifests';

const FIXTURES = join(__dirname, '..', 'support', 'fixtures', 'validate');
const project: ValidationContext = { externalSecrets: [], defaultNamespace: 'default' };
const foreign: ValidationContext = { ...project, mode: 'foreign' };

function manifestsOf(fixture: string): Manifest[] {
  const read = readManifests([join(FIXTURES, fixture)]);
  expect(read.problems).toEqual([]);
  return read.manifests;
}

const line = (f: Finding) => `${f.severity} ${f.rule} ${f.object} ${f.field ?? ''}: ${f.message}`;

function findings(manifests: readonly Manifest[], context: ValidationContext, rules: readonly string[]): string[] {
  return validateManifests(manifests, context)
    .filter((f) => rules.includes(f.rule))
    .map(line)
    .sort();
}

const fixture = (name: string, context: ValidationContext, rules: readonly string[]) => findings(manifestsOf(name), context, rules);

describe('secret-data in foreign YAML: an error for what looks like a credential, a warning for plain configuration', () => {
  const never = 'Secret values never go into git';
  const advice = 'create the Secret outside git, or commit it encrypted (an ExternalSecret, a SealedSecret)';
  const plain =
    'holds its values in git; none looks like a credential (no password, token or key by name or type, no PEM block, ' +
    'no URL with a password or a webhook key) and nothing here reads it as one: fine only while none of them is sensitive';

  test('each sign of a credential is named with the field that shows it', () => {
    expect(fixture('secret-data-credentials.yaml', foreign, ['secret-data'])).toEqual([
      `error secret-data Secret/alerts/chat-router stringData["alertmanager.yaml"]: ${never}: its value is a webhook URL that is itself the key (Slack, Discord, PagerDuty); ${advice}`,
      `error secret-data Secret/alerts/notifier stringData["notifier.yaml"]: ${never}: its value is an embedded config that sets auth_token; ${advice}`,
      `error secret-data Secret/shop/ca-bundle stringData.bundle: ${never}: its value is a PEM block; ${advice}`,
      `error secret-data Secret/shop/db-login stringData.dbPassword: ${never}: key "dbPassword" is named like a credential; ${advice}`,
      `error secret-data Secret/shop/edge-cert data["edge.key"]: ${never}: key "edge.key" names a key or keystore file; ${advice}`,
      `error secret-data Secret/shop/orders-env stringData.DATABASE_URL: ${never}: its value is a URL with a password in it; ${advice}`,
      `error secret-data Secret/shop/registry type: ${never}: its type kubernetes.io/dockerconfigjson holds credentials; ${advice}`,
      `error secret-data Secret/shop/to-publish stringData: ${never}: PushSecret shop/publish pushes its values into a secret store; ${advice}`,
      `error secret-data Secret/shop/vault-login stringData: ${never}: SecretStore shop/vault reads it as its credentials; ${advice}`,
      // Alertmanager's routes, grafana.ini with an empty password and a password_file, a base64 settings file.
      `warning secret-data Secret/alerts/router-config stringData: ${plain}`,
      `warning secret-data Secret/alerts/settings data: ${plain}`,
      `warning secret-data Secret/dashboards/grafana-ini stringData: ${plain}`,
    ]);
  });

  test('this project keeps its own rule: no Secret values at all', () => {
    const own = fixture('secret-data-credentials.yaml', project, ['secret-data']);
    expect(own).toHaveLength(12);
    for (const f of own)
      expect(f).toMatch(
        /^error secret-data Secret\/\S+ (data|stringData): Secret values never go into git: create the Secret outside git and declare it in config\/secrets\.ts$/,
      );
  });
});

describe('schema: a null the API server takes is no type error', () => {
  const empty = 'is null: the API server stores it as an empty value; write "" if that is meant';

  test('null map values are a note, a null optional field nothing; a null required field and a wrong type stay errors', () => {
    expect(fixture('schema-null-values.yaml', foreign, ['schema'])).toEqual(
      [
        `note schema ConfigMap/default/feature-flags data.beta: ${empty}`,
        `note schema ConfigMap/default/feature-flags metadata.labels.team: ${empty}`,
        `note schema Secret/default/provider-login stringData.region: ${empty}`,
        'error schema Deployment/default/worker spec.template.spec.containers[0].ports[0].containerPort: must be a number, not string "8080"',
        'error schema Deployment/default/worker spec.template.spec.initContainers[0].name: is required (null leaves it unset)',
      ].sort(),
    );
  });

  test('a null list item is judged as the item type, and a custom resource drops a null map value', () => {
    const objects: Manifest[] = [
      {
        file: 'pod.yaml',
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'job', namespace: 'default' },
          spec: { containers: [{ name: 'job', image: 'busybox:1.36.1', args: [null, 'run'] }] },
        },
      },
      {
        file: 'monitor.yaml',
        object: {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'job', namespace: 'default' },
          spec: { selector: { matchLabels: { app: null } }, endpoints: [{ port: 'http' }] },
        },
      },
    ];
    expect(findings(objects, foreign, ['schema'])).toEqual([
      'error schema Pod/default/job spec.containers[0].args[0]: must be string',
      'note schema ServiceMonitor/default/job spec.selector.matchLabels.app: is null: the API server drops it as unset; leave it out or give it a value',
    ]);
  });
});

describe('service-port: a named targetPort is resolved per pod', () => {
  test('an error only when no selected pod declares the name, a note naming the pods left out; Helm hook pods do not count', () => {
    expect(fixture('service-port-some-pods.yaml', foreign, ['service-port', 'service-selector'])).toEqual([
      'error service-port Service/demo/api-admin spec.ports[0].targetPort: "admin" is no container port name of the pods it selects (Deployment api, Deployment api-canary): the Service has no endpoints on this port',
      'note service-port Service/demo/api spec.ports[1].targetPort: "grpc" is no container port name of Deployment api-canary: their pods get no traffic on this port, the other selected pods do',
    ]);
  });

  test('the message names no hook pod, so it is the same whatever suffix a render gives it', () => {
    const renamed = manifestsOf('service-port-some-pods.yaml').map((m) =>
      m.object.kind === 'Pod' ? { ...m, object: { ...m.object, metadata: { ...m.object.metadata, name: 'api-smoke-test-q9w4z' } } } : m,
    );
    expect(findings(renamed, foreign, ['service-port'])).toEqual(fixture('service-port-some-pods.yaml', foreign, ['service-port']));
  });

  test('without its hook annotation the test Pod is a selected pod like any other', () => {
    const unhooked = manifestsOf('service-port-some-pods.yaml').map((m) =>
      m.object.kind === 'Pod' ? { ...m, object: { ...m.object, metadata: { ...m.object.metadata, annotations: {} } } } : m,
    );
    expect(findings(unhooked, foreign, ['service-port']).map((f) => f.split(':')[0])).toEqual([
      'error service-port Service/demo/api-admin spec.ports[0].targetPort',
      'note service-port Service/demo/api spec.ports[0].targetPort',
      'note service-port Service/demo/api spec.ports[1].targetPort',
    ]);
  });
});

describe("image-tag: Istio's image: auto", () => {
  const placeholder = 'image "auto" is the placeholder Istio\'s injector replaces with its proxy image';

  test('no finding where the injector injects the pod; an error where nothing does; a note where the namespace is not seen', () => {
    expect(fixture('image-auto-injected.yaml', foreign, ['image-tag'])).toEqual([
      'error image-tag Deployment/mesh-edge/edge-with-helper spec.template.spec.containers[1].image: image "auto" has no tag: it floats with whatever is pushed as latest',
      `error image-tag Deployment/mesh-edge/edge-without-injection spec.template.spec.containers[0].image: ${placeholder}, but nothing injects this pod: it would pull an image named "auto"`,
      `note image-tag Deployment/edge-elsewhere/edge spec.template.spec.containers[0].image: ${placeholder}; whether it injects this pod depends on namespace "edge-elsewhere", which is not among these files: not judged`,
    ]);
  });

  test('an injected namespace stated on the command line injects the gateway there too', () => {
    const injected = { ...foreign, namespaceLabels: { 'edge-elsewhere': { 'istio-injection': 'enabled' } } };
    expect(fixture('image-auto-injected.yaml', injected, ['image-tag']).filter((f) => f.includes('edge-elsewhere'))).toEqual([]);
  });
});

describe('pod-security: baseline, in namespaces that enforce baseline and in restricted ones', () => {
  const unconfined = '"Unconfined" is not allowed by baseline (RuntimeDefault or Localhost)';
  const debuggerSpec = 'Deployment/tools/debugger spec.template.spec';

  test('each control of the Pod Security Standards, with the values baseline allows left alone', () => {
    expect(fixture('pod-security-baseline.yaml', foreign, ['pod-security', 'host-access'])).toEqual(
      [
        'error host-access DaemonSet/tools/windows-agent spec.template.spec.hostNetwork: shares the node’s namespaces',
        'error pod-security DaemonSet/tools/windows-agent spec.template.spec.securityContext.windowsOptions.hostProcess: must not be true: a HostProcess container is privileged on its Windows node',
        `error pod-security Deployment/shop/api spec.template.spec.securityContext.seccompProfile.type: ${unconfined}`,
        'error pod-security Deployment/tools/debugger spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/shell"]: "unconfined" is not allowed by baseline (runtime/default or localhost/<profile>)',
        `error pod-security ${debuggerSpec}.containers[0].ports[0].hostPort: 2222 binds a port of the node: baseline allows no hostPort`,
        `error pod-security ${debuggerSpec}.containers[0].securityContext.capabilities.add: may add only baseline's default capabilities (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT), not NET_ADMIN, SYS_ADMIN`,
        `error pod-security ${debuggerSpec}.containers[0].securityContext.privileged: must not be true`,
        `error pod-security ${debuggerSpec}.containers[0].securityContext.procMount: "Unmasked" is not allowed by baseline (only Default: the /proc masks stay)`,
        `error pod-security ${debuggerSpec}.containers[0].securityContext.seccompProfile.type: ${unconfined}`,
        `error pod-security ${debuggerSpec}.initContainers[0].securityContext.appArmorProfile.type: ${unconfined}`,
        `error pod-security ${debuggerSpec}.initContainers[0].securityContext.seLinuxOptions.type: "spc_t" is not allowed by baseline (only container_t, container_init_t, container_kvm_t, container_engine_t)`,
        `error pod-security ${debuggerSpec}.securityContext.seLinuxOptions.user: must not be set: baseline allows no custom SELinux user`,
        `error pod-security ${debuggerSpec}.securityContext.sysctls[1].name: "kernel.msgmax" is not among the sysctls baseline allows (namespaced, isolated from other pods)`,
      ].sort(),
    );
  });

  test('under restricted, its stricter checks speak once for capabilities and a container’s seccomp profile', () => {
    const restricted = manifestsOf('pod-security-baseline.yaml').map((m) =>
      m.object.kind === 'Namespace' && m.object.metadata?.name === 'tools'
        ? { ...m, object: { ...m.object, metadata: { name: 'tools', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } }
        : m,
    );
    const debuggerFields = findings(restricted, foreign, ['pod-security'])
      .filter((f) => f.includes('Deployment/tools/debugger spec.template.spec.containers[0].securityContext.'))
      .map((f) => f.split(': ')[0].replace(`error pod-security ${debuggerSpec}.containers[0].securityContext.`, ''));
    expect(debuggerFields).toEqual(
      [
        'allowPrivilegeEscalation',
        'capabilities.add',
        'capabilities.drop',
        'privileged',
        'procMount',
        'runAsNonRoot',
        'seccompProfile.type',
      ].sort(),
    );
    expect(findings(restricted, foreign, ['pod-security']).filter((f) => f.includes('debugger') && f.includes('capabilities.add'))).toEqual(
      [
        `error pod-security ${debuggerSpec}.containers[0].securityContext.capabilities.add: may only add NET_BIND_SERVICE, not CHOWN, NET_ADMIN, SYS_ADMIN`,
      ],
    );
  });

  test('a namespace whose level is seen nowhere: not judged unless --pod-security states baseline, and the note says what was judged', () => {
    const alone = manifestsOf('pod-security-baseline.yaml').filter((m) => m.object.metadata?.name === 'debugger');
    expect(findings(alone, foreign, ['pod-security']).map((f) => f.split(' ')[0])).toEqual(['note']);
    const assumed = findings(alone, { ...foreign, podSecurity: 'baseline' }, ['pod-security']);
    expect(assumed.filter((f) => f.startsWith('error '))).toHaveLength(10);
    expect(assumed.filter((f) => f.startsWith('note '))).toEqual([
      'note pod-security Deployment/tools/debugger : namespace "tools" shows no Pod Security level here: assumed baseline, as --pod-security says; pod-security was judged against baseline for its 1 workload(s); resources and probes, which apply to restricted namespaces, were not',
    ]);
  });
});

describe('secret-ref: the keys of a Secret among the files, and of what fills it', () => {
  test('exactly its own keys plus an ExternalSecret’s data; open where dataFrom, a controller or something elsewhere fills it', () => {
    expect(fixture('secret-ref-keys.yaml', foreign, ['secret-ref'])).toEqual([
      'error secret-ref Pod/shop/web spec.containers[0].env[1].valueFrom.secretKeyRef: Secret "web-env" has no key "SESION_KEY": ExternalSecret shop/web-env creates it with only SESSION_KEY',
      'error secret-ref Pod/shop/web spec.containers[0].env[3].valueFrom.secretKeyRef: Secret "settings" has no key "LOG_FORMAT": its manifest in these files holds only LOG_LEVEL',
      'error secret-ref Pod/shop/web spec.containers[0].env[5].valueFrom.secretKeyRef: Secret "db" has no key "port": its manifest in these files and ExternalSecret shop/db give it only username, password',
      'error secret-ref Pod/shop/web spec.volumes[0].secret: Secret "settings" has no key "settings.yaml": its manifest in these files holds only LOG_LEVEL',
    ]);
  });

  test('the empty Secret Kustomize renders beside its ExternalSecret is read the same whichever comes first', () => {
    const manifests = manifestsOf('secret-ref-keys.yaml');
    expect(findings([...manifests].reverse(), foreign, ['secret-ref'])).toEqual(
      fixture('secret-ref-keys.yaml', foreign, ['secret-ref']).map((f) =>
        f.replace(
          'its manifest in these files and ExternalSecret shop/db give it only username, password',
          'ExternalSecret shop/db and its manifest in these files give it only password, username',
        ),
      ),
    );
  });
});

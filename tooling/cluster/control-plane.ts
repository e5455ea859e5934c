// A real Kubernetes control plane on loopback: etcd, kube-apiserver (default admission plugins, so
// PodSecurity and ResourceQuota judge what we apply) and kube-controller-manager (so Deployments,
// ReplicaSets and StatefulSets make pods and quota usage is counted). No scheduler and no nodes: pods
// stay Pending, which is all the checks need. The binaries are built once from the Go module proxy
// (tooling/cluster/control-plane/go.mod pins the release) into a cache outside any checkout.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The wrapper module that pins the release, inside a checkout. */
export const controlPlaneModule = (root: string): string => join(root, 'tooling', 'cluster', 'control-plane');
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
type Binary = (typeof BINARIES)[number];

export interface ControlPlaneRelease {
  /** The k8s.io/kubernetes version go.mod requires, e.g. v1.31.13. */
  readonly kubernetes: string;
  /** The etcd server version go.mod resolves, e.g. v3.5.13. */
  readonly etcd: string;
  /** Names the cache folder: the versions plus a hash of go.sum, so any change to the pins builds anew. */
  readonly key: string;
}

/** The release pinned by the wrapper module in `moduleDir`. */
export function pinnedRelease(moduleDir: string): ControlPlaneRelease {
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const version = (module: string): string => {
    const match = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(goMod);
    if (!match) throw new Error(`${join(moduleDir, 'go.mod')} does not require ${module}`);
    return match[1];
  };
  const kubernetes = version('k8s.io/kubernetes');
  const etcd = version('go.etcd.io/etcd/server/v3');
  const sum = createHash('sha256')
    .update(goMod)
    .update(readFileSync(join(moduleDir, 'go.sum')))
    .update(buildFlags(kubernetes).join('\n'))
    .digest('hex');
  return { kubernetes, etcd, key: `kubernetes-${kubernetes}-etcd-${etcd}-${sum.slice(0, 12)}` };
}

/**
 * What `go build` is given. The version variables are what Kubernetes' own release build stamps
 * (hack/lib/version.sh); without them the server reports v0.0.0-master and kubectl cannot parse it.
 */
export function buildFlags(kubernetes: string): string[] {
  const [major, minor] = kubernetes.replace(/^v/, '').split('.');
  const stamp = (pkg: string) => [
    `-X ${pkg}.gitVersion=${kubernetes}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    // A fixed date keeps the binaries the same for the same pins.
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ];
  const ldflags = ['-s', '-w', ...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')].join(' ');
  return ['-mod=readonly', '-trimpath', `-ldflags=${ldflags}`];
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/titanium/control-plane`: shared by every checkout on the machine. */
export function controlPlaneCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'titanium', 'control-plane');
}

export function binDir(release: ControlPlaneRelease, env: NodeJS.ProcessEnv = process.env): string {
  return join(controlPlaneCacheRoot(env), release.key, 'bin');
}

/**
 * The three binaries, built when the cache lacks them. A build goes to a temporary folder renamed into
 * place at the end, so an interrupted build leaves nothing that looks finished.
 */
export function ensureBinaries(
  moduleDir: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string; built: boolean; seconds: number; release: ControlPlaneRelease } {
  const release = pinnedRelease(moduleDir);
  const dir = binDir(release, env);
  if (BINARIES.every((b) => existsSync(join(dir, b)))) return { dir, built: false, seconds: 0, release };
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(
      'the control plane is built with Go (go 1.22 or newer on PATH, with the Go module proxy reachable); `go version` failed',
    );
  }
  const started = Date.now();
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(
    `building kube-apiserver, kube-controller-manager ${release.kubernetes} and etcd ${release.etcd} with ${go.stdout.trim()} (once per release; several minutes)`,
  );
  const build = spawnSync(
    'go',
    [
      'build',
      ...buildFlags(release.kubernetes),
      '-o',
      partial + '/',
      'k8s.io/kubernetes/cmd/kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager',
      './cmd/etcd',
    ],
    // GOFLAGS from the environment could turn -mod=readonly off; the pins are the point.
    { cwd: moduleDir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' } },
  );
  if (build.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`go build in ${moduleDir} failed (exit ${build.status ?? build.signal})`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(partial, dir);
  return { dir, built: true, seconds: (Date.now() - started) / 1000, release };
}

/** A port the kernel says is free now on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningControlPlane {
  /** The folder holding the kubeconfig, the logs, etcd's data and state.json. */
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly pids: Readonly<Record<Binary, number>>;
  readonly release: ControlPlaneRelease;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
  what: string,
  logFile: string,
  pid: number,
  check: () => boolean | Promise<boolean>,
  seconds: number,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error(`${what} exited; the end of ${logFile}:\n${tail(logFile)}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${what} was not ready within ${seconds} s; the end of ${logFile}:\n${tail(logFile)}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function httpOk(url: string, token?: string): Promise<boolean> {
  // The API server's serving certificate is self-signed; readiness is all this asks, over loopback.
  return new Promise((resolve) => {
    const req = request(
      url,
      { rejectUnauthorized: false, headers: token ? { Authorization: `Bearer ${token}` } : {}, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function startProcess(bin: string, args: string[], logFile: string, detached: boolean): number {
  const out = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', out, out], detached });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  child.unref();
  return child.pid;
}

export interface StartOptions {
  /** The folder ensureBinaries returned. */
  readonly bin: string;
  readonly release: ControlPlaneRelease;
  readonly dir: string;
  /**
   * Run the processes in their own session so they outlive this one (`npm run cluster:up`).
   * @default false
   */
  readonly detached?: boolean;
  readonly log?: (line: string) => void;
}

/** Starts etcd, kube-apiserver and kube-controller-manager with their state in `dir`. */
export async function startControlPlane({
  bin,
  release,
  dir,
  detached = false,
  log = () => {},
}: StartOptions): Promise<RunningControlPlane> {
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(server, token), { mode: 0o600 });
  const pids: Partial<Record<Binary, number>> = {};
  const saveState = () => writeFileSync(join(dir, 'state.json'), `${JSON.stringify({ pids, server, kubeconfig, release }, null, 2)}\n`);

  const etcdLog = join(dir, 'etcd.log');
  pids.etcd = startProcess(
    join(bin, 'etcd'),
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      // A throwaway store: durability buys nothing and fsync is most of a write's cost.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    etcdLog,
    detached,
  );
  saveState();
  const etcdHealth = async () => {
    const res = await fetch(`http://127.0.0.1:${etcdClient}/health`);
    return res.ok && ((await res.json()) as { health?: string }).health === 'true';
  };
  if (!detached) startWatchdog(dir);
  await waitFor('etcd', etcdLog, pids.etcd, etcdHealth, 30);
  log(`etcd ${release.etcd} up on 127.0.0.1:${etcdClient}`);

  const apiLog = join(dir, 'kube-apiserver.log');
  pids['kube-apiserver'] = startProcess(
    join(bin, 'kube-apiserver'),
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // The NodePorts the platform pins (30000–32767 is also the default; said for the reader).
      '--service-node-port-range=30000-32767',
      // As kubeadm, kind and k3s run it (istio-cni's DaemonSet needs it): Pod Security, not this flag, decides.
      '--allow-privileged=true',
      // No --enable-admission-plugins: the defaults are what a kubeadm, kind or k3s cluster runs.
    ],
    apiLog,
    detached,
  );
  saveState();
  await waitFor('kube-apiserver', apiLog, pids['kube-apiserver'], () => httpOk(`${server}/readyz`, token), 90);
  log(`kube-apiserver ${release.kubernetes} up on ${server}`);

  const cmLog = join(dir, 'kube-controller-manager.log');
  pids['kube-controller-manager'] = startProcess(
    join(bin, 'kube-controller-manager'),
    [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${join(dir, 'certs', 'apiserver.crt')}`,
      '--cluster-name=titanium-test',
      // No health endpoint needed: readiness is the default ServiceAccount appearing, below.
      '--secure-port=0',
    ],
    cmLog,
    detached,
  );
  saveState();
  await waitFor(
    'kube-controller-manager',
    cmLog,
    pids['kube-controller-manager'],
    () => httpOk(`${server}/api/v1/namespaces/default/serviceaccounts/default`, token),
    60,
  );
  log('kube-controller-manager up (the default ServiceAccount exists)');
  return { dir, kubeconfig, server, pids: pids as Record<Binary, number>, release };
}

/**
 * Stops the control plane if this process dies without stopping it (SIGKILL, a crash of Node itself):
 * a detached watcher that polls this process and leaves when state.json is gone (a normal stop).
 */
const WATCHDOG = `
const fs = require('node:fs'), path = require('node:path');
const owner = Number(process.argv[1]), dir = process.argv[2], state = path.join(dir, 'state.json');
setInterval(() => {
  if (!fs.existsSync(state)) process.exit(0);
  try { process.kill(owner, 0); return; } catch {}
  try { for (const pid of Object.values(JSON.parse(fs.readFileSync(state, 'utf8')).pids)) { try { process.kill(pid, 'SIGKILL'); } catch {} } } catch {}
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}, 1000);`;

function startWatchdog(dir: string): void {
  spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], { stdio: 'ignore', detached: true }).unref();
}

/** Stops what `dir/state.json` names and removes `dir`. Safe to call twice, or on a half-started plane. */
export async function stopControlPlane(dir: string): Promise<{ stopped: number }> {
  const stateFile = join(dir, 'state.json');
  if (!existsSync(stateFile)) {
    rmSync(dir, { recursive: true, force: true });
    return { stopped: 0 };
  }
  const { pids } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pids: Partial<Record<Binary, number>> };
  // The controller manager first, etcd last: nothing logs a lost connection on the way down.
  const order: Binary[] = ['kube-controller-manager', 'kube-apiserver', 'etcd'];
  let stopped = 0;
  for (const name of order) {
    const pid = pids[name];
    if (pid === undefined || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    stopped++;
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  return { stopped };
}

function kubeconfigText(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: titanium-test',
    '    cluster:',
    `      server: ${server}`,
    // Loopback to a certificate the API server made for itself a moment ago.
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: admin',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: titanium-test',
    '    context:',
    '      cluster: titanium-test',
    '      user: admin',
    'current-context: titanium-test',
    '',
  ].join('\n');
}

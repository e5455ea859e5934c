// `npm run cluster:up`: builds the pinned control plane once (tooling/cluster/control-plane/go.mod;
// cached under ~/.cache/titanium/control-plane/) and starts etcd, kube-apiserver and
// kube-controller-manager on loopback, left running for kubectl until `npm run cluster:down`. The last
// line printed is `export KUBECONFIG=<path>`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlPlaneModule, ensureBinaries, startControlPlane, stopControlPlane } from '../tooling/cluster/control-plane';
import { clusterRunDir } from '../tooling/cluster/run-dir';

const ROOT = join(__dirname, '..', '..');

async function main(): Promise<number> {
  const dir = clusterRunDir();
  const state = join(dir, 'state.json');
  if (existsSync(state)) {
    const { kubeconfig } = JSON.parse(readFileSync(state, 'utf8')) as { kubeconfig: string };
    console.error(`a control plane started by cluster:up is already running (${dir}); npm run cluster:down stops it`);
    console.log(`export KUBECONFIG=${kubeconfig}`);
    return 0;
  }
  const log = (line: string) => console.error(line);
  try {
    const { dir: bin, release, built, seconds } = ensureBinaries(controlPlaneModule(ROOT), log);
    if (built) log(`built in ${seconds.toFixed(0)} s into ${bin}`);
    const plane = await startControlPlane({ bin, release, dir, detached: true, log });
    console.log(`export KUBECONFIG=${plane.kubeconfig}`);
    return 0;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    await stopControlPlane(dir);
    return 1;
  }
}

main().then((code) => (process.exitCode = code));

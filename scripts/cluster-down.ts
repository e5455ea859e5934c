// `npm run cluster:down`: stops the control plane `npm run cluster:up` started and removes its state
// (etcd's data, the kubeconfig). The built binaries stay cached.
import { clusterRunDir } from '../tooling/cluster/run-dir';
import { stopControlPlane } from '../tooling/cluster/control-plane';

stopControlPlane(clusterRunDir()).then(
  ({ stopped }) => console.log(stopped > 0 ? `stopped ${stopped} process(es)` : 'no control plane was running'),
  (error: Error) => {
    console.error(`error   ${error.message}`);
    process.exitCode = 1;
  },
);

// Where `npm run cluster:up` keeps the running control plane's state, so cluster:down finds it from
// any checkout: beside the cached binaries, one per machine user.
import { join } from 'node:path';
import { controlPlaneCacheRoot } from './control-plane';

export const clusterRunDir = (env: NodeJS.ProcessEnv = process.env): string => join(controlPlaneCacheRoot(env), 'run');

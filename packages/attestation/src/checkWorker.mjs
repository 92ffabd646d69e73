// The check pool's worker entry: Node 20 runs a worker's modules without the parent's --import hooks, so tsx is
// registered here before the TypeScript worker loads.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./checkWorker.ts');
export default run;

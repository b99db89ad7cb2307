// A real node that stays up while developers work: `npx tsx test/support/real-node/dev-node.ts` starts
// it and keeps it until SIGINT/SIGTERM; test runs with KUBELOOP_DEV_NODE=1 share it instead of starting
// their own. Not used by CI.
import { rm, writeFile } from 'node:fs/promises';
import { startRealNode } from './real-node.ts';
import { DEV_NODE_FILE, nodeInfo } from './node-info.ts';
import { CONTROLLER_MANAGER_ARGS } from './global-setup.ts';

const node = await startRealNode({ controllerManagerArgs: CONTROLLER_MANAGER_ARGS, lockWaitMs: 60_000 });
await writeFile(DEV_NODE_FILE, JSON.stringify(nodeInfo(node), null, 2));
process.stdout.write(
  `dev node ready in ${(node.startToReadyMs / 1000).toFixed(1)} s; KUBECONFIG=${node.cluster.kubeconfigPath}\n`,
);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await rm(DEV_NODE_FILE, { force: true });
  await node.stop();
  process.stdout.write('dev node stopped\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => undefined, 1 << 30);

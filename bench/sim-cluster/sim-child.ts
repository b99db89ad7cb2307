import { writeFile } from 'node:fs/promises';
import { startSimCluster, type SimClusterOptions } from '../../src/sim/cluster.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';

/**
 * The simulated cluster in its own process, with the kubelet options and nodes a benchmark asks
 * for (the `kubeloop sim` CLI sets neither). Reads its config as JSON from argv[2], writes a
 * kubeconfig, prints "listening on <url>", stops on SIGTERM and exits when its parent goes away
 * (stdin closes), so a crashed benchmark never leaves a sim running.
 */
export interface SimChildConfig {
  kubeconfigOut: string;
  nodes: number;
  nodeCpu: string;
  nodeMemory: string;
  kubelet: NonNullable<SimClusterOptions['kubelet']>;
  watchWindow?: number;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as SimChildConfig;
const cluster = await startSimCluster({
  port: 0,
  scenario: 'empty',
  kubelet: cfg.kubelet,
  watchWindow: cfg.watchWindow,
});
for (let i = 0; i < cfg.nodes; i++)
  addNode(cluster.service, `node-${i}`, i, { cpu: cfg.nodeCpu, memory: cfg.nodeMemory });
await writeFile(cfg.kubeconfigOut, cluster.kubeconfig(), { mode: 0o600 });

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  void cluster.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.stdout.write(`listening on ${cluster.url}\n`);

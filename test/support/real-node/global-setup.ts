import type { TestProject } from 'vitest/node';
import { startRealNode, type RealNode } from './real-node.ts';
import { attachDevNode, nodeInfo, type RealNodeInfo } from './node-info.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    realNode: RealNodeInfo;
  }
}

let node: RealNode | undefined;

/** The kube-controller-manager flags the real-node suites need (the HPA suite watches scale-downs). */
export const CONTROLLER_MANAGER_ARGS = [
  '--horizontal-pod-autoscaler-downscale-stabilization=20s',
  '--horizontal-pod-autoscaler-sync-period=5s',
];

/**
 * One real node for every real-node suite of a run (it takes ~25 s to start and the machine has one).
 * KUBELOOP_DEV_NODE=1 uses the node that `npx tsx test/support/real-node/dev-node.ts` keeps running
 * instead, so several developers' runs share it while they work; CI never sets it.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env['KUBELOOP_DEV_NODE'] === '1') {
    project.provide('realNode', await attachDevNode());
    return;
  }
  node = await startRealNode({ controllerManagerArgs: CONTROLLER_MANAGER_ARGS });
  const info = nodeInfo(node);
  project.provide('realNode', info);
  process.stdout.write(
    `real node: ${info.nodeName} (${info.version}) Ready ${(info.startToReadyMs / 1000).toFixed(1)} s after the first daemon started\n`,
  );
}

export async function teardown(): Promise<void> {
  await node?.stop();
}

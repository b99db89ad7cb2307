import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_ROOT } from './host.ts';
import type { RealNode } from './real-node.ts';

/** What a test needs to reach the real node's cluster; plain data, handed from the global setup to test files. */
export interface RealNodeInfo {
  server: string;
  adminToken: string;
  caCert: string;
  kubeconfig: string;
  kubeconfigPath: string;
  /** The control plane's directory: ca.crt/ca.key, front-proxy-ca.crt, front-proxy-client.crt/key. */
  clusterDir: string;
  nodeName: string;
  nodeIP: string;
  version: string;
  startToReadyMs: number;
  /** The process that holds the node (the dev node's, or the test run's). */
  holderPid: number;
}

export const DEV_NODE_FILE = join(NODE_ROOT, 'dev-node.json');

export function nodeInfo(node: RealNode): RealNodeInfo {
  const c = node.cluster;
  return {
    server: c.server,
    adminToken: c.adminToken,
    caCert: c.caCert,
    kubeconfig: c.kubeconfig(),
    kubeconfigPath: c.kubeconfigPath,
    clusterDir: c.dir,
    nodeName: node.nodeName,
    nodeIP: node.nodeIP,
    version: c.version,
    startToReadyMs: node.startToReadyMs,
    holderPid: process.pid,
  };
}

export async function attachDevNode(): Promise<RealNodeInfo> {
  let info: RealNodeInfo;
  try {
    info = JSON.parse(await readFile(DEV_NODE_FILE, 'utf8')) as RealNodeInfo;
  } catch (err) {
    throw new Error(
      `KUBELOOP_DEV_NODE=1 but no dev node runs (${DEV_NODE_FILE}: ${(err as Error).message}); start one with: npx tsx test/support/real-node/dev-node.ts`,
      { cause: err },
    );
  }
  try {
    process.kill(info.holderPid, 0);
  } catch {
    throw new Error(
      `KUBELOOP_DEV_NODE=1 but the dev node's process ${info.holderPid} is gone; start it again with: npx tsx test/support/real-node/dev-node.ts`,
    );
  }
  return info;
}

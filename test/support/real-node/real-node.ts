import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { renderKubeconfig } from '../../../src/sim/kubeconfig.ts';
import { ensureRealClusterBinaries, startRealCluster, type RealCluster } from '../real-cluster/real-cluster.ts';
import {
  CONTAINERD_SOCKET,
  NODE_IP,
  RUN_DIR,
  SERVICE_CIDR,
  cleanHost,
  leftovers,
  prepareHost,
  readState,
  writeState,
} from './host.ts';
import { lockNode, type NodeLock } from './lock.ts';
import { daemonAlive, startDaemon, stopDaemon, tailLog } from './daemon.ts';
import { cniConfig, containerdConfig, kubeletConfig } from './node-files.ts';
import { nodePki } from './pki.ts';

const exec = promisify(execFile);
const NODE_SCRIPT = resolve(import.meta.dirname, '../../../scripts/real-cluster/node.sh');
export const NODE_NAME = 'kubeloop-node';
/** The image the tests run: busybox, built locally by scripts/real-cluster/node.sh. */
export const BUSYBOX_IMAGE = 'kubeloop.local/busybox:1.35';

export interface RealNodeOptions {
  /** Extra kube-controller-manager flags (the HPA's stabilization window, for instance). */
  controllerManagerArgs?: string[];
  /** How long to wait for another run that holds the node. */
  lockWaitMs?: number;
}

export interface RealNode {
  cluster: RealCluster;
  nodeName: string;
  nodeIP: string;
  /** Milliseconds from the start of the first daemon to the node being Ready (binaries already built). */
  startToReadyMs: number;
  /** Every process of the node (control plane, scheduler, containerd, kubelet) by name. */
  processes(): Promise<{ name: string; pid: number }[]>;
  stop(): Promise<void>;
}

async function ensureNodeImages(): Promise<string> {
  try {
    const { stdout } = await exec('bash', [NODE_SCRIPT], { maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 });
    return stdout.trim().split('\n').pop() ?? '';
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `REAL NODE UNAVAILABLE: installing containerd/runc/CNI or building the node images failed (scripts/real-cluster/node.sh); ` +
        `the real-node suites fail rather than skip.\n${e.message}\n${(e.stderr ?? '').split('\n').slice(-20).join('\n')}`,
      { cause: err },
    );
  }
}

async function waitFor(
  what: string,
  daemons: string[],
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const dead = [];
    for (const d of daemons) if (!(await daemonAlive(d))) dead.push(d);
    if (dead.length > 0 || Date.now() > deadline) {
      const logs = await Promise.all(daemons.map((d) => tailLog(d)));
      throw new Error(
        `real node: ${dead.length > 0 ? `${dead.join(', ')} exited` : 'timed out'} while waiting for ${what}\n${logs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function ctr(...args: string[]): Promise<string> {
  return (await exec('ctr', ['-a', CONTAINERD_SOCKET, '-n', 'k8s.io', ...args])).stdout;
}

async function startContainerd(imagesDir: string): Promise<void> {
  const cniDir = join(RUN_DIR, 'cni');
  await mkdir(join(cniDir, 'net.d'), { recursive: true });
  await writeFile(join(cniDir, 'net.d', '10-kubeloop.conflist'), cniConfig(join(cniDir, 'ipam')));
  await writeFile(
    join(RUN_DIR, 'containerd.toml'),
    containerdConfig(join(RUN_DIR, 'containerd'), join(cniDir, 'net.d')),
  );
  await startDaemon({
    name: 'containerd',
    bin: '/usr/bin/containerd',
    args: ['--config', join(RUN_DIR, 'containerd.toml')],
  });
  await waitFor(
    'containerd',
    ['containerd'],
    async () => (await exec('ctr', ['-a', CONTAINERD_SOCKET, 'version'])).stdout !== '',
    30_000,
  );
  for (const image of ['busybox.tar', 'pause.tar']) await ctr('images', 'import', join(imagesDir, image));
}

/**
 * A complete single-node Kubernetes 1.20 cluster on this machine: etcd, kube-apiserver (with the
 * aggregation layer's front-proxy flags), kube-controller-manager, kube-scheduler, containerd + runc
 * and a kubelet with a CNI bridge. Takes the machine's node lock first and cleans up what an earlier,
 * killed run left; fails loudly, naming the part, when anything cannot start.
 */
export async function startRealNode(opts: RealNodeOptions = {}): Promise<RealNode> {
  const { binDir } = await ensureRealClusterBinaries();
  for (const bin of ['kube-scheduler', 'kubelet']) {
    if (!existsSync(join(binDir, bin)))
      throw new Error(`REAL NODE UNAVAILABLE: ${join(binDir, bin)} is missing after scripts/real-cluster/build.sh`);
  }
  const imagesDir = await ensureNodeImages();
  const lock = await lockNode(
    `real node for pid ${process.pid} (${process.argv.slice(1, 3).join(' ')})`,
    opts.lockWaitMs ?? 20 * 60_000,
  );
  try {
    await cleanHost(await readState());
    return await bringUp(binDir, imagesDir, lock, opts);
  } catch (err) {
    await cleanHost(await readState()).catch(() => undefined);
    await lock.release();
    throw err;
  }
}

async function bringUp(binDir: string, imagesDir: string, lock: NodeLock, opts: RealNodeOptions): Promise<RealNode> {
  const t0 = Date.now();
  await prepareHost();
  await startContainerd(imagesDir);
  const kubeletToken = randomBytes(16).toString('hex');
  let pki: Awaited<ReturnType<typeof nodePki>> | undefined;
  const cluster = await startRealCluster({
    users: [{ name: `system:node:${NODE_NAME}`, token: kubeletToken, groups: ['system:nodes'] }],
    controllerManagerArgs: opts.controllerManagerArgs,
    authorizationModes: ['Node', 'RBAC'],
    podReachableAt: NODE_IP,
    prepare: async (dir) => {
      pki = await nodePki(dir, NODE_NAME, NODE_IP);
      return [
        '--allow-privileged=true',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--kubelet-client-certificate=${pki.kubeletClient.cert}`,
        `--kubelet-client-key=${pki.kubeletClient.key}`,
        '--kubelet-preferred-address-types=InternalIP',
        // The aggregation layer: front-proxy client certificate and the request-header CA extension servers trust.
        `--requestheader-client-ca-file=${pki.frontProxyCa}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${pki.frontProxyClient.cert}`,
        `--proxy-client-key-file=${pki.frontProxyClient.key}`,
        // No kube-proxy runs: the aggregator must dial the endpoint's address, not the Service's cluster IP.
        '--enable-aggregator-routing=true',
      ];
    },
  });
  const state = await readState();
  if (state) {
    for (const p of cluster.processes())
      state.pids[p.name] = { pid: p.pid, bin: p.name === 'etcd' ? 'etcd' : join(binDir, p.name) };
    await writeState(state);
  }
  if (!pki) throw new Error('real node: the certificates were not made');
  await startDaemon({
    name: 'kube-scheduler',
    bin: join(binDir, 'kube-scheduler'),
    args: [`--kubeconfig=${cluster.kubeconfigPath}`, '--leader-elect=false', '--port=0', '--secure-port=0'],
  });
  const kubeletKubeconfig = join(RUN_DIR, 'kubelet.kubeconfig');
  await writeFile(
    kubeletKubeconfig,
    renderKubeconfig({
      server: cluster.server,
      token: kubeletToken,
      caCert: cluster.caCert,
      name: 'kubeloop-real-node',
    }),
    { mode: 0o600 },
  );
  await writeFile(
    join(RUN_DIR, 'kubelet.yaml'),
    kubeletConfig({
      caFile: join(cluster.dir, 'ca.crt'),
      certFile: pki.kubeletServing.cert,
      keyFile: pki.kubeletServing.key,
      nodeStatusUpdateFrequency: '10s',
    }),
  );
  await startDaemon({
    name: 'kubelet',
    bin: join(binDir, 'kubelet'),
    args: [
      `--config=${join(RUN_DIR, 'kubelet.yaml')}`,
      `--kubeconfig=${kubeletKubeconfig}`,
      '--container-runtime=remote',
      `--container-runtime-endpoint=unix://${CONTAINERD_SOCKET}`,
      '--runtime-request-timeout=2m',
      `--node-ip=${NODE_IP}`,
      `--hostname-override=${NODE_NAME}`,
      `--root-dir=${join(RUN_DIR, 'kubelet')}`,
      `--cert-dir=${join(RUN_DIR, 'kubelet', 'pki')}`,
      '--v=2',
    ],
  });
  const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
  await waitFor(
    `node ${NODE_NAME} Ready`,
    ['containerd', 'kube-scheduler', 'kubelet'],
    async () => {
      const node = await core.readNode({ name: NODE_NAME });
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    180_000,
  );
  const startToReadyMs = Date.now() - t0;
  return {
    cluster,
    nodeName: NODE_NAME,
    nodeIP: NODE_IP,
    startToReadyMs,
    async processes() {
      const s = await readState();
      return Object.entries(s?.pids ?? {}).map(([name, p]) => ({ name, pid: p.pid }));
    },
    stop: () => stopNode(cluster, lock),
  };
}

/**
 * Tears the node down the way a node is drained: no new pods (scheduler and controllers first),
 * every pod deleted so the kubelet stops them through CRI (CNI DEL, sandbox netns removed), then the
 * daemons; then anything left is removed from the host. Reports what could not be cleaned.
 */
async function stopNode(cluster: RealCluster, lock: NodeLock): Promise<void> {
  try {
    await stopDaemon('kube-scheduler');
    const kc = cluster.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listPodForAllNamespaces().catch(() => ({ items: [] }));
    await Promise.all(
      pods.items.map((p) =>
        core
          .deleteNamespacedPod({
            name: p.metadata?.name ?? '',
            namespace: p.metadata?.namespace ?? '',
            gracePeriodSeconds: 0,
          })
          .catch(() => undefined),
      ),
    );
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && (await ctr('tasks', 'ls', '-q').catch(() => '')).trim() !== '')
      await new Promise((r) => setTimeout(r, 500));
    await stopDaemon('kubelet');
    for (const id of (await ctr('tasks', 'ls', '-q').catch(() => '')).split('\n').filter(Boolean))
      await ctr('tasks', 'kill', '-s', 'SIGKILL', id).catch(() => '');
    for (const id of (await ctr('containers', 'ls', '-q').catch(() => '')).split('\n').filter(Boolean)) {
      await ctr('tasks', 'delete', '-f', id).catch(() => '');
      await ctr('containers', 'rm', id).catch(() => '');
    }
    await cluster.stop();
    await stopDaemon('containerd', 20_000);
    await cleanHost(await readState());
    const left = await leftovers();
    if (left.length > 0) throw new Error(`real node: stopped, but the host still has ${left.join(', ')}`);
  } finally {
    await lock.release();
  }
}

/** A kubeconfig for kubectl and client-node against the node's cluster. */
export function nodeKubeConfig(node: RealNode): KubeConfig {
  return node.cluster.kubeConfig();
}

export async function readKubeletLog(): Promise<string> {
  return readFile(join(RUN_DIR, 'logs', 'kubelet.log'), 'utf8');
}

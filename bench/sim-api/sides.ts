import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { startChild, type BenchChild } from '../support/child.ts';
import type { HttpTarget } from '../support/http.ts';
import { startRealCluster } from '../../test/support/real-cluster/real-cluster.ts';
import type { LoopDelay, SimApiChildConfig } from './sim-child.ts';

/** One side of the comparison: an API server to load, its peak RSS and (sim only) its loop delay. */
export interface Side {
  name: string;
  target: HttpTarget;
  /** Peak resident set size (VmHWM) in MiB, summed over the side's processes. */
  peakRssMiB(): Promise<number>;
  /** Event-loop delay since the last call (sim only). */
  loopDelay(): Promise<LoopDelay | undefined>;
  counts(namespace?: string): Promise<{ total: number; running: number; events: number } | undefined>;
  stop(): Promise<void>;
}

async function vmHwmMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

function targetOf(kc: KubeConfig): HttpTarget {
  const cluster = kc.getCurrentCluster();
  return {
    url: cluster?.server ?? '',
    token: kc.getCurrentUser()?.token ?? '',
    ca: Buffer.from(cluster?.caData ?? '', 'base64').toString('utf8'),
  };
}

/** The sim (compiled, as it ships) with every controller, the scheduler and the kubelet model. */
export async function startSimSide(cfg: SimApiChildConfig): Promise<Side> {
  const child: BenchChild = await startChild('sim', new URL('./sim-child.ts', import.meta.url), cfg, {
    compiled: true,
  });
  const kc = new KubeConfig();
  kc.loadFromString(await child.request<string>('kubeconfig'));
  await child.request('loopDelay', { reset: true });
  return {
    name: `sim ${cfg.scenario}${cfg.extraNodes > 0 ? `+${cfg.extraNodes} nodes` : ''}`,
    target: targetOf(kc),
    peakRssMiB: () => vmHwmMiB(child.pid),
    loopDelay: () => child.request('loopDelay', { reset: true }),
    counts: (namespace) => child.request('pods', { namespace }),
    stop: () => child.stop(),
  };
}

/** kube-apiserver 1.20 + etcd + kube-controller-manager on loopback (no scheduler, no kubelet). */
export async function startRealSide(): Promise<Side> {
  const real = await startRealCluster();
  const kc = new KubeConfig();
  kc.loadFromString(real.kubeconfig());
  return {
    name: `real ${real.version}`,
    target: targetOf(kc),
    async peakRssMiB() {
      let sum = 0;
      for (const p of real.processes()) sum += await vmHwmMiB(p.pid).catch(() => 0);
      return sum;
    },
    loopDelay: async () => undefined,
    counts: async () => undefined,
    stop: () => real.stop(),
  };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median } from '../support/stats.ts';
import { startClusterSim } from '../sim-cluster/sim-process.ts';
import { ensureRealClusterBinaries } from '../../test/support/real-cluster/real-cluster.ts';
import { BUSYBOX_IMAGE, startRealNode } from '../../test/support/real-node/real-node.ts';
import { CONTAINERD_SOCKET } from '../../test/support/real-node/host.ts';
import { RssPeaks } from './rss.ts';
import { timeRollout } from './rollout.ts';

/**
 * bench/real-node: the machine's real node (kubelet 1.20.2 + containerd + runc, with its own control
 * plane) against the simulated cluster, measured the same way from a client-node client:
 *   1. start to Ready: from the first daemon (containerd) until the node reports Ready; the sim:
 *      from spawning its process until it serves (its nodes are Ready at once);
 *   2. a 50-replica Deployment (busybox `sleep`): scale 0 -> 50 until status.availableReplicas = 50;
 *   3. RSS of every component at its peak over the run (sampled every 500 ms), the sim's process.
 * Also prints the cold build time recorded when the four binaries were built. Medians over --runs
 * (default 3), a fresh node (and sim) per run. Flags: --runs N --replicas N.
 */
export async function main(args: string[]): Promise<number> {
  const flags = { runs: 3, replicas: 50 };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '');
    const value = Number(args[i + 1]);
    if ((key !== 'runs' && key !== 'replicas') || !Number.isInteger(value) || value <= 0)
      throw new Error(`bench real-node: bad flag ${args[i] ?? ''} ${args[i + 1] ?? ''} (--runs N, --replicas N)`);
    flags[key] = value;
  }
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const { binDir, version, coldSeconds } = await ensureRealClusterBinaries();
  const perBinary = (await readFile(join(binDir, '..', 'build-times.txt'), 'utf8').catch(() => ''))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(' ', ': ') + ' s')
    .join(', ');
  out(
    `real node: Kubernetes ${version} built from Debian's source package; cold build of the four binaries ${coldSeconds ?? '?'} s as recorded when built (${perBinary || 'per-binary times not recorded'})`,
  );

  const real = { ready: [] as number[], rollout: [] as number[], peaks: [] as Map<string, number>[] };
  const sim = { ready: [] as number[], rollout: [] as number[], rss: [] as number[] };
  for (let run = 1; run <= flags.runs; run++) {
    const node = await startRealNode({ lockWaitMs: 60_000 });
    const peaks = new RssPeaks(() => node.processes(), CONTAINERD_SOCKET);
    peaks.start();
    try {
      const ms = await timeRollout(node.cluster.kubeConfig(), flags.replicas, BUSYBOX_IMAGE, 300_000);
      await peaks.sample();
      real.ready.push(node.startToReadyMs);
      real.rollout.push(ms);
      real.peaks.push(peaks.peaks);
      out(
        `  run ${run} real node: Ready in ${(node.startToReadyMs / 1000).toFixed(1)} s; ${flags.replicas} replicas available in ${(ms / 1000).toFixed(1)} s`,
      );
    } finally {
      peaks.stop();
      await node.stop();
    }
    const t0 = performance.now();
    const s = await startClusterSim({ nodes: 1, nodeCpu: '64', nodeMemory: '256Gi', kubelet: {} });
    try {
      const readyMs = performance.now() - t0;
      const ms = await timeRollout(s.kc, flags.replicas, 'kubeloop/sleep:1', 300_000);
      sim.ready.push(readyMs);
      sim.rollout.push(ms);
      sim.rss.push(await s.rssMiB());
      out(
        `  run ${run} sim: serving in ${(readyMs / 1000).toFixed(1)} s; ${flags.replicas} replicas available in ${(ms / 1000).toFixed(1)} s`,
      );
    } finally {
      await s.stop();
    }
  }
  const sec = (xs: number[]): string => `${(median(xs) / 1000).toFixed(1)} s`;
  out(
    `\nmedians over ${flags.runs} runs (fresh node and sim each run)   real node            sim (its stand-in)   real / sim`,
  );
  out(
    `  start to Ready (node Ready; sim: serving)    ${sec(real.ready).padEnd(20)} ${sec(sim.ready).padEnd(20)} ${(median(real.ready) / median(sim.ready)).toFixed(1)}x`,
  );
  out(
    `  ${flags.replicas}-replica Deployment available            ${sec(real.rollout).padEnd(20)} ${sec(sim.rollout).padEnd(20)} ${(median(real.rollout) / median(sim.rollout)).toFixed(1)}x`,
  );
  out(`peak RSS per component over a run (median of the runs' peaks), MiB:`);
  let total = 0;
  for (const name of real.peaks[0]?.keys() ?? []) {
    const m = median(real.peaks.map((p) => p.get(name) ?? 0));
    total += m;
    out(`  ${name.padEnd(36)} ${m.toFixed(0)}`);
  }
  out(`  ${'real node, all components'.padEnd(36)} ${total.toFixed(0)}   (with ${flags.replicas} pods running)`);
  out(`  ${'sim process (after the rollout)'.padEnd(36)} ${median(sim.rss).toFixed(0)}`);
  return 0;
}

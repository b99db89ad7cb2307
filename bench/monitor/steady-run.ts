import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type BenchChild } from '../support/child.ts';
import { sleep, waitFor } from '../support/wait.ts';
import type { MonitorChildStats } from './monitor-child.ts';
import type { SimChildConfig } from './sim-child.ts';
import type { WorkloadPlan } from './workloads.ts';

export interface SteadyFlags {
  plan: WorkloadPlan;
  nodes: number;
  runs: number;
  /** How long the monitor holds the cache before its RSS is read. */
  holdSeconds: number;
  timeoutSeconds: number;
}

export interface SteadyRun {
  /** monitor.start(): services, the paged list of every pod, the watch. */
  startMs: number;
  /** Before monitor.start(): Node, tsx and the modules loaded. */
  rssBaseMiB: number;
  rssEndMiB: number;
  rssPeakMiB: number;
  heapUsedMiB: number;
  cachedPods: number;
}

/**
 * One sim process with the plan's pods all running (no crashes), then `runs` fresh monitor
 * processes in turn against it (each with its own empty store): start, hold the full pod cache
 * for `holdSeconds` sampling RSS every second, read RSS, stop.
 */
export async function steadyRuns(f: SteadyFlags, log: (line: string) => void): Promise<SteadyRun[]> {
  const children: BenchChild[] = [];
  const dirs: string[] = [];
  try {
    const simConfig: SimChildConfig = { nodes: f.nodes, kubelet: {} };
    const sim = await startChild('sim', new URL('./sim-child.ts', import.meta.url), simConfig);
    children.push(sim);
    const kubeconfig = await sim.request<string>('kubeconfig');
    const t0 = Date.now();
    await sim.request('setup', f.plan, f.timeoutSeconds * 1000);
    let progress = { pods: 0, started: 0, crashes: 0 };
    let busy = '';
    await waitFor('every pod to start', f.timeoutSeconds * 1000, async () => {
      // A sim busy creating thousands of pods may answer late: keep waiting until the deadline.
      progress = await sim.request<typeof progress>('progress', {}, 30_000).catch((err: Error) => ((busy = err.message.split('\n')[0] ?? ''), progress));
      return progress.started >= f.plan.pods ? progress : undefined;
    }, () => `${progress.started}/${f.plan.pods} pods started (${progress.pods} created)${busy ? `; last: ${busy}` : ''}`, 1_000);
    log(`  ${f.plan.pods} pods running ${((Date.now() - t0) / 1000).toFixed(1)} s after setup (sim RSS ${(await sim.rssMiB()).toFixed(0)} MiB); settling 5 s`);
    await sleep(5_000);
    const runs: SteadyRun[] = [];
    for (let i = 0; i < f.runs; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-monitor-steady-'));
      dirs.push(dataDir);
      const mon = await startChild('monitor', new URL('./monitor-child.ts', import.meta.url), { kubeconfig, dataDir, monitor: {} }, { compiled: true });
      children.push(mon);
      const rssBaseMiB = await mon.rssMiB();
      const s0 = Date.now();
      let stats = await mon.request<MonitorChildStats>('start', {}, f.timeoutSeconds * 1000);
      const startMs = Date.now() - s0;
      stats = await waitFor('the monitor to cache every pod', f.timeoutSeconds * 1000, async () => {
        stats = await mon.request<MonitorChildStats>('stats');
        return stats.cachedPods >= f.plan.pods ? stats : undefined;
      }, () => `${stats.cachedPods}/${f.plan.pods} pods cached`);
      let peak = await mon.rssMiB();
      const end = Date.now() + f.holdSeconds * 1000;
      while (Date.now() < end) {
        await sleep(Math.min(1_000, Math.max(0, end - Date.now())));
        peak = Math.max(peak, await mon.rssMiB());
      }
      stats = await mon.request<MonitorChildStats>('stats');
      const rssEndMiB = await mon.rssMiB();
      runs.push({ startMs, rssBaseMiB, rssEndMiB, rssPeakMiB: Math.max(peak, rssEndMiB), heapUsedMiB: stats.heapUsedMiB, cachedPods: stats.cachedPods });
      const r = runs[runs.length - 1] as SteadyRun;
      log(`  run ${i + 1}: monitor started in ${(startMs / 1000).toFixed(1)} s, ${r.cachedPods} pods cached; RSS ${r.rssEndMiB.toFixed(0)} MiB after ${f.holdSeconds} s (peak ${r.rssPeakMiB.toFixed(0)} MiB, ${r.rssBaseMiB.toFixed(0)} MiB before start; JS heap ${r.heapUsedMiB.toFixed(0)} MiB)`);
      await mon.request('stop', {}, 30_000);
      await mon.stop();
    }
    return runs;
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

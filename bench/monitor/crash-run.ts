import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { BenchClient } from '../support/http.ts';
import { startChild, type BenchChild } from '../support/child.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { captureFigures, instanceKey, latencyFigures, type CaptureFigures, type LatencyFigures } from './analyze.ts';
import { StoreReader } from './store-reader.ts';
import type { MonitorChildResult, MonitorChildStats } from './monitor-child.ts';
import { benchAlerting, deliveredAt, notifyFigures, startReceiver, type NotifyFigures } from './notify.ts';
import type { SimChildConfig } from './sim-child.ts';
import type { TruthSnapshot } from './truth.ts';
import { CRASH_BACKOFF, type WorkloadPlan } from './workloads.ts';

export interface CrashRunFlags {
  plan: WorkloadPlan;
  nodes: number;
  seconds: number;
  /**
   * Seconds between the last pod starting and the measured window: the window measures the storm
   * on a running cluster, not the tail of 2,000 pods being created (the scenario).
   */
  warmupSeconds: number;
  /** Limit for setup waits (pods starting). */
  timeoutSeconds: number;
  /** Limit for the monitor to store, capture (and notify) every crash after the trace ended. */
  catchUpSeconds: number;
  /** Input to monitorConfigSchema ({} = Kubeloop's defaults). */
  monitorConfig: Record<string, unknown>;
  /** Run Kubeloop's notifier in the monitor process, sending to a local webhook receiver. */
  notify: boolean;
}

export interface CrashRun {
  capture: CaptureFigures;
  latency: LatencyFigures;
  crashesPerSecond: number;
  /** From the end of the trace until every crash up to then was stored with its capture (or the wait gave up). */
  catchUpMs: number;
  /** Crashes of the trace still not stored with their capture (or notified) when the wait ended. */
  leftAtStop: number;
  /** Most crashes the monitor had not stored yet, sampled each second. */
  maxBacklog: number;
  /** The monitor process before monitor.start(): Node, tsx and the modules loaded. */
  monitorRssBaseMiB: number;
  monitorRssEndMiB: number;
  monitorRssPeakMiB: number;
  /** Monitor CPU over the window, % of one core. */
  monitorCpuPercent: number;
  simRssMiB: number;
  simCpuPercent: number;
  /** A GET to the sim's API server once a second during the trace. */
  simApiMs: number[];
  /** With --notify: the window's failures, stored -> delivered to the local receiver. */
  notify: NotifyFigures | undefined;
  stats: MonitorChildStats;
}

function apiClient(kubeconfig: string): BenchClient {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const ca = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  return new BenchClient({ url: kc.getCurrentCluster()?.server ?? '', token: kc.getCurrentUser()?.token ?? '', ca }, 1);
}

/**
 * One run: a fresh sim process and monitor process (monitor first, on an empty cluster, so every
 * crash is seen live), the plan created, then `seconds` of crashes once every pod has started. The ground truth is taken when the trace
 * ends; while the storm goes on, the monitor gets up to `catchUpSeconds` to store and capture (and
 * notify) every crash up to then; then it stops, a final truth is taken (every stored row must be
 * in it) and the store is read.
 */
export async function crashRun(f: CrashRunFlags, log: (line: string) => void): Promise<CrashRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-monitor-'));
  const children: BenchChild[] = [];
  let reader: StoreReader | undefined;
  const receiver = f.notify ? await startReceiver() : undefined;
  try {
    const simConfig: SimChildConfig = {
      nodes: f.nodes,
      kubelet: { backoffBaseMs: CRASH_BACKOFF.baseMs, backoffMaxMs: CRASH_BACKOFF.maxMs },
    };
    const sim = await startChild('sim', new URL('./sim-child.ts', import.meta.url), simConfig);
    children.push(sim);
    const kubeconfig = await sim.request<string>('kubeconfig');
    const mon = await startChild(
      'monitor',
      new URL('./monitor-child.ts', import.meta.url),
      { kubeconfig, dataDir, monitor: f.monitorConfig, ...(receiver ? { alerting: benchAlerting(receiver.url) } : {}) },
      { compiled: true },
    );
    children.push(mon);
    const monitorRssBaseMiB = await mon.rssMiB();
    await mon.request<MonitorChildStats>('start', {}, f.timeoutSeconds * 1000);
    const t0 = Date.now();
    await sim.request('setup', f.plan, f.timeoutSeconds * 1000);
    let progress = { pods: 0, started: 0, crashes: 0 };
    await waitFor(
      'every pod to start',
      f.timeoutSeconds * 1000,
      async () => {
        progress = await sim.request<typeof progress>('progress');
        return progress.started >= f.plan.pods ? progress : undefined;
      },
      () => `${progress.started}/${f.plan.pods} pods started (${progress.pods} created)`,
      500,
    );
    log(
      `  ${f.plan.pods} pods started ${((Date.now() - t0) / 1000).toFixed(1)} s after setup; storm warm-up ${f.warmupSeconds} s, then the measured crash trace for ${f.seconds} s`,
    );
    await sleep(f.warmupSeconds * 1000);

    const from = Date.now();
    const to = from + f.seconds * 1000;
    const until = to;
    const cpu0 = [await mon.cpuSeconds(), await sim.cpuSeconds()];
    let peak = 0;
    let backlog = 0;
    const api = apiClient(kubeconfig);
    const apiMs: number[] = [];
    try {
      while (Date.now() < until) {
        await sleep(Math.max(0, Math.min(1_000, until - Date.now())));
        const [p, st] = [await sim.request<typeof progress>('progress'), await mon.request<MonitorChildStats>('stats')];
        backlog = Math.max(backlog, p.crashes - st.recorded);
        peak = Math.max(peak, await mon.rssMiB());
        // How responsive the sim's API server is under the storm (what every capture waits on).
        const t = performance.now();
        await api.json('GET', '/api/v1/namespaces/kube-system');
        apiMs.push(performance.now() - t);
      }
    } finally {
      api.close();
    }
    const cpu1 = [await mon.cpuSeconds(), await sim.cpuSeconds()];
    const atEnd = await sim.request<TruthSnapshot>('truth', {}, 30_000);
    const expected = atEnd.containers.flatMap((c) => c.crashes.map((_t, k) => instanceKey(c.uid, c.container, k)));
    // The storm goes on: wait until every crash up to the end of the trace is stored with its
    // capture (and notified, with the notifier), then read the monitor's RSS and stop it.
    reader = new StoreReader(dataDir);
    const db = reader;
    let ids: number[] = [];
    let left = expected.length;
    const waits: [string, () => Promise<boolean>, number][] = [
      [
        'store and capture',
        async () => {
          const captured = db.captured();
          ids = expected.flatMap((k) => captured.get(k) ?? []);
          left = expected.length - ids.length;
          return left === 0;
        },
        100,
      ],
    ];
    if (receiver) {
      const r = receiver;
      waits.push([
        'notify',
        async () => {
          const delivered = deliveredAt(r, db.outbox());
          left = ids.filter((id) => !delivered.has(id)).length;
          return left === 0;
        },
        1_000,
      ]);
    }
    for (const [what, done, every] of waits) {
      try {
        await waitFor(
          `the monitor to ${what} every crash of the trace`,
          f.catchUpSeconds * 1000,
          async () => ((await done()) ? true : undefined),
          () => `${left}/${expected.length} still to ${what}`,
          every,
        );
      } catch (err) {
        log(`  WARNING: ${(err as Error).message}`);
      }
    }
    const catchUpMs = Date.now() - atEnd.at;
    const monitorRssEndMiB = await mon.rssMiB();
    const simRssMiB = await sim.rssMiB();
    const stopped = await mon.request<MonitorChildResult>('stop', {}, 30_000);
    await mon.stop();
    // Every row now in the store was written before this snapshot: each must be a crash in it.
    const final = await sim.request<TruthSnapshot>('truth', {}, 30_000);
    await sim.stop();
    const rows = reader.rows();
    const storedAt = new Map(stopped.storedAt);
    const capturedAt = new Map(stopped.capturedAt);
    const latency = latencyFigures(atEnd, rows, storedAt, capturedAt, from, to);
    const notify = receiver
      ? notifyFigures(latency.ids, deliveredAt(receiver, reader.outbox()), storedAt, capturedAt, receiver)
      : undefined;
    const window = atEnd.containers.reduce((n, c) => n + c.crashes.filter((t) => t >= from && t < to).length, 0);
    const seconds = (until - from) / 1000;
    return {
      capture: captureFigures(atEnd, final, rows),
      latency,
      notify,
      crashesPerSecond: window / f.seconds,
      catchUpMs,
      leftAtStop: left,
      maxBacklog: backlog,
      monitorRssBaseMiB,
      monitorRssEndMiB,
      monitorRssPeakMiB: Math.max(peak, monitorRssEndMiB),
      monitorCpuPercent: (((cpu1[0] ?? 0) - (cpu0[0] ?? 0)) / seconds) * 100,
      simCpuPercent: (((cpu1[1] ?? 0) - (cpu0[1] ?? 0)) / seconds) * 100,
      simRssMiB,
      simApiMs: apiMs,
      stats: stopped.stats,
    };
  } finally {
    reader?.close();
    await receiver?.stop();
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

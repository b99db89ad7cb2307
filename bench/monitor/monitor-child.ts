import { KubeConfig } from '@kubernetes/client-node';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { openStore, type Store } from '../../src/store/index.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';
import { alertingConfigSchema } from '../../src/alerting/config.ts';
import { Notifier, type NotifierStats } from '../../src/alerting/index.ts';
import { childConfig, serveParent } from '../support/child.ts';

/**
 * Kubeloop's monitor alone in its own process (its RSS is the figure): a SQLite store in the
 * given directory and `new Monitor(...)` against the sim's kubeconfig, as `kubeloop up` runs it.
 * With `alerting`, Kubeloop's notifier too, wired as src/platform/platform.ts wires it. The store's
 * insertOnce and attachCapture are wrapped to note when each failure was committed and when its
 * capture was attached; warnings and errors logged are counted and sampled.
 * Requests: start, stats, stop.
 */
export interface MonitorChildConfig {
  kubeconfig: string;
  dataDir: string;
  /** Input to monitorConfigSchema. */
  monitor: Record<string, unknown>;
  /** Input to alertingConfigSchema: run the notifier beside the monitor. */
  alerting?: Record<string, unknown>;
}

export interface MonitorChildResult {
  stats: MonitorChildStats;
  /** Failure id -> when its row was committed / its capture attached (epoch ms). */
  storedAt: [number, number][];
  capturedAt: [number, number][];
}

export interface MonitorChildStats {
  detected: number;
  recorded: number;
  duplicates: number;
  captureErrors: number;
  cachedPods: number;
  lists: number;
  watches: number;
  relistsOn410: number;
  warnings: number;
  errors: number;
  /** The first few warning/error messages. */
  samples: string[];
  heapUsedMiB: number;
  /** Event-loop delay since start (perf_hooks histogram): what every event waits behind. */
  loopDelayMs: { p50: number; p99: number; max: number };
  notifier?: NotifierStats & { sent: number; fetchMs: { p50: number; p99: number; max: number } };
}

const cfg = childConfig<MonitorChildConfig>();
const kc = new KubeConfig();
kc.loadFromString(cfg.kubeconfig);

const logs = { warnings: 0, errors: 0, samples: [] as string[] };
const logger = pino(
  { level: 'warn' },
  {
    write(line: string): void {
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
      if (level >= 50) logs.errors++;
      else if (level >= 40) logs.warnings++;
      if (logs.samples.length < 5) logs.samples.push(line.slice(0, 400).trim());
    },
  },
);

/** Time spent per SQL statement (BENCH_SQL_PROFILE=<file>, written at exit): where the store's time goes. */
const sqlTime = new Map<string, { n: number; ms: number }>();
const opened = await openStore({
  dataDir: cfg.dataDir,
  ...(process.env.BENCH_SQL_PROFILE
    ? {
        onQuery: (q: string, ms: number) => {
          const e = sqlTime.get(q) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += ms;
          sqlTime.set(q, e);
        },
      }
    : {}),
});
process.on('exit', () => {
  if (sqlTime.size === 0) return;
  const top = [...sqlTime].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  writeFileSync(
    process.env.BENCH_SQL_PROFILE ?? '/dev/null',
    `SQL time by statement:\n${top.map(([q, e]) => `${e.ms.toFixed(0).padStart(7)} ms ${String(e.n).padStart(6)}x ${q.slice(0, 160)}`).join('\n')}\n`,
  );
});
const storedAt = new Map<number, number>();
const capturedAt = new Map<number, number>();
const { insertOnce, attachCapture } = opened.failures;
const store: Store = {
  ...opened,
  failures: {
    ...opened.failures,
    async insertOnce(f) {
      const r = await insertOnce(f);
      if (r.created) storedAt.set(r.id, Date.now());
      return r;
    },
    async attachCapture(id, c) {
      await attachCapture(id, c);
      capturedAt.set(id, Date.now());
    },
  },
};
const monitorConfig = monitorConfigSchema.parse(cfg.monitor);
/** How long each channel request took (fetch called -> answer), to tell the endpoint from the queue. */
const fetchMs: number[] = [];
const timedFetch: typeof fetch = async (input, init) => {
  const t = performance.now();
  try {
    return await fetch(input, init);
  } finally {
    fetchMs.push(performance.now() - t);
  }
};
const notifier = cfg.alerting
  ? new Notifier({
      store,
      config: alertingConfigSchema.parse(cfg.alerting),
      cluster: 'sim',
      notifyExisting: monitorConfig.notifyExisting,
      logger,
      sendOptions: { fetch: timedFetch },
    })
  : undefined;
const monitor = new Monitor({
  kc,
  store,
  config: monitorConfig,
  cluster: 'sim',
  logger,
  events: notifier ? { recorded: (id) => void notifier.failureRecorded(id) } : {},
});
let started = false;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function quantiles(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? NaN };
}

function stats(): MonitorChildStats {
  const w = monitor.watchStats;
  return {
    ...monitor.stats,
    cachedPods: w.cachedPods,
    lists: w.lists,
    watches: w.watches,
    relistsOn410: w.relistsOn410,
    warnings: logs.warnings,
    errors: logs.errors,
    samples: logs.samples,
    heapUsedMiB: process.memoryUsage().heapUsed / 1024 / 1024,
    loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    ...(notifier
      ? { notifier: { ...notifier.stats, sent: notifier.workerStats.sent, fetchMs: quantiles(fetchMs) } }
      : {}),
  };
}

async function stop(): Promise<void> {
  if (started) monitor.stop();
  if (started) await notifier?.stop({ crash: true });
  started = false;
  await opened.close();
}

serveParent(
  {
    start: async () => {
      await notifier?.start();
      await monitor.start();
      started = true;
      loopDelay.enable();
      return stats();
    },
    stats: () => stats(),
    /** Stops the monitor (captures in flight are abandoned) and closes the store; answers when each failure was stored. */
    stop: async (): Promise<MonitorChildResult> => {
      const result = { stats: stats(), storedAt: [...storedAt], capturedAt: [...capturedAt] };
      await stop();
      return result;
    },
  },
  stop,
);

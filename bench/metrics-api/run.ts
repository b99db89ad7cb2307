import { readFile } from 'node:fs/promises';
import { parseQuantity } from '../../src/util/quantity.ts';
import { startChild, type BenchChild } from '../support/child.ts';
import { median, percentile } from '../support/stats.ts';
import { recentScrapes, type BenchPrometheus } from './prom.ts';
import { LoadClient } from './load.ts';
import type { DiscoveryTiming, ServerChildConfig, ServerChildStats } from './server-child.ts';

/**
 * One run of one side: a fresh server process; a warm-up at the first rate; one read checked
 * against the exporter's true rates; then the capacity curve: the
 * offered rate steps up (open loop), each step measured alone, until a step's p99 passes 1 s or it
 * has errors (the side no longer sustains that rate) or the rates run out. Steps at the rates the
 * summary compares run longer, for more samples. Last, (kubeloop) discovery is timed in the process.
 */

export type Mode = 'kubeloop' | 'adapter';

/** A step whose p99 is above this is overload: its latency measures a growing queue. */
export const SUSTAINED_P99_MS = 1000;

export interface RunSettings {
  rates: number[];
  stepSeconds: number;
  /** Steps at these rates last longSeconds. */
  longRates: number[];
  longSeconds: number;
  warmupSeconds: number;
  discoveryTimes: number;
  pods: number;
  namespace: string;
  window: string;
  windowSeconds: number;
  promUrl: string;
  kubeconfig: string;
  frontProxy: { caCert: string; cert: string; key: string };
  /** Expected rate of http_requests_total for pod i. */
  rateOf(i: number): number;
}

export interface StepRun {
  /** Offered requests per second. */
  rate: number;
  seconds: number;
  sent: number;
  /** 200 answers with every pod, per second from the first request to the last answer. */
  okPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  late: number;
  cut: number;
  errorSamples: string[];
  /** Prometheus queries the server sent during the step. */
  queries: number;
  cache?: ServerChildStats['cache'];
  cpuSeconds: number;
  promCpuSeconds: number;
  loopDelayMs: ServerChildStats['loopDelayMs'];
  maxLagMs: number;
  /** How long the step took until the last answer (longer than its seconds when answers queue). */
  loadSeconds: number;
  clientCpuSeconds: number;
}

export interface SideRun {
  mode: Mode;
  steps: StepRun[];
  /** VmHWM of the server process at the end of the run: its peak resident set. */
  peakRssMiB: number;
  /** VmRSS at the end of the run. */
  rssMiB: number;
  /** Largest relative difference between a served value and the exporter's true rate (one read after the warm-up). */
  maxRelError: number;
  /** Prometheus' successful scrapes of the exporter in the rate window before that read. */
  scrapes: { ok: number; expected: number };
  discovery?: DiscoveryTiming;
}

export const sustained = (s: StepRun): boolean => s.p99 < SUSTAINED_P99_MS && s.errors === 0;

export const metricPath = (namespace: string): string =>
  `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${namespace}/pods/*/http_requests_qps?labelSelector=app%3Dweb`;

interface ValueList {
  items?: { describedObject: { name: string }; value: string }[];
}

async function accuracy(client: LoadClient, s: RunSettings): Promise<number> {
  const res = await client.get(metricPath(s.namespace));
  if (res.status !== 200) return NaN;
  const items = (JSON.parse(res.body.toString('utf8')) as ValueList).items ?? [];
  let worst = 0;
  for (const it of items) {
    const i = Number(it.describedObject.name.replace(/^web-/, ''));
    const v = parseQuantity(it.value) ?? NaN;
    worst = Math.max(worst, Math.abs(v - s.rateOf(i)) / s.rateOf(i));
  }
  return items.length === s.pods ? worst : NaN;
}

async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function step(
  child: BenchChild,
  client: LoadClient,
  prom: BenchPrometheus,
  rate: number,
  seconds: number,
  s: RunSettings,
): Promise<StepRun> {
  const before = await child.request<ServerChildStats>('stats');
  const [cpu0, promCpu0] = [await child.cpuSeconds(), await prom.cpuSeconds()];
  const load = await client.run(metricPath(s.namespace), rate, seconds, s.pods);
  const [cpu1, promCpu1] = [await child.cpuSeconds(), await prom.cpuSeconds()];
  const after = await child.request<ServerChildStats>('stats');
  const l = load.latenciesMs;
  const run: StepRun = {
    rate,
    seconds,
    sent: load.sent,
    okPerSecond: (load.sent - load.errors) / load.seconds,
    p50: median(l),
    p90: percentile(l, 90),
    p99: percentile(l, 99),
    max: percentile(l, 100),
    errors: load.errors,
    late: load.late,
    cut: load.cut,
    errorSamples: load.errorSamples,
    queries: after.queries - before.queries,
    cpuSeconds: cpu1 - cpu0,
    promCpuSeconds: promCpu1 - promCpu0,
    loopDelayMs: after.loopDelayMs,
    maxLagMs: load.maxLagMs,
    loadSeconds: load.seconds,
    clientCpuSeconds: load.clientCpuSeconds,
  };
  if (after.cache && before.cache)
    run.cache = {
      hits: after.cache.hits - before.cache.hits,
      misses: after.cache.misses - before.cache.misses,
      entries: after.cache.entries,
    };
  return run;
}

export async function runSide(
  mode: Mode,
  s: RunSettings,
  prom: BenchPrometheus,
  log: (line: string) => void,
  onStep: (r: StepRun) => void,
): Promise<SideRun> {
  const cfg: ServerChildConfig = {
    mode,
    promUrl: s.promUrl,
    namespace: s.namespace,
    pods: s.pods,
    window: s.window,
    frontProxyCa: s.frontProxy.caCert,
    kubeconfig: s.kubeconfig,
  };
  const child = await startChild(`metrics-api-${mode}`, new URL('./server-child.ts', import.meta.url), cfg, {
    compiled: true,
  });
  try {
    const started = await child.request<{ url: string; caCert: string }>('start', {}, 90_000);
    const client = new LoadClient({
      url: started.url,
      ca: started.caCert,
      cert: s.frontProxy.cert,
      key: s.frontProxy.key,
    });
    try {
      const first = s.rates[0] ?? 1;
      if (s.warmupSeconds > 0) await client.run(metricPath(s.namespace), first, s.warmupSeconds, s.pods);
      const maxRelError = await accuracy(client, s);
      const scrapes = await recentScrapes(prom, s.windowSeconds);
      const steps: StepRun[] = [];
      for (const rate of s.rates) {
        const seconds = s.longRates.includes(rate) ? s.longSeconds : s.stepSeconds;
        log(`    ${mode}: ${rate} req/s for ${seconds} s ...`);
        const r = await step(child, client, prom, rate, seconds, s);
        steps.push(r);
        onStep(r);
        if (!sustained(r)) break;
      }
      // Timed last: five refreshes of 10,000 series keep Prometheus busy enough to miss scrapes, whose
      // gaps in the rate window then showed in the value check and the first steps when timed first.
      const discovery =
        mode === 'kubeloop'
          ? await child.request<DiscoveryTiming>('discovery', { times: s.discoveryTimes }, 120_000)
          : undefined;
      const mem = await memory(child.pid);
      const run: SideRun = { mode, steps, peakRssMiB: mem.peak, rssMiB: mem.rss, maxRelError, scrapes };
      if (discovery) run.discovery = discovery;
      return run;
    } finally {
      client.close();
    }
  } finally {
    await child.stop();
  }
}

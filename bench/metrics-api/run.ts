import { parseQuantity } from '../../src/util/quantity.ts';
import { startChild } from '../support/child.ts';
import { median, percentile } from '../support/stats.ts';
import type { BenchPrometheus } from './prom.ts';
import { LoadClient } from './load.ts';
import type { DiscoveryTiming, ServerChildConfig, ServerChildStats } from './server-child.ts';

/**
 * One run of one mode: a fresh server process, (kubeloop) discovery timed in it, a warm-up at the
 * load's rate, then the measured open-loop load; the figures are read around the measured window.
 */

export type Mode = 'kubeloop' | 'adapter';

export interface RunSettings {
  rps: number;
  seconds: number;
  warmupSeconds: number;
  discoveryTimes: number;
  pods: number;
  namespace: string;
  window: string;
  promUrl: string;
  frontProxy: { caCert: string; cert: string; key: string };
  /** Expected rate of http_requests_total for pod i. */
  rateOf(i: number): number;
}

export interface ModeRun {
  mode: Mode;
  sent: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  late: number;
  cut: number;
  errorSamples: string[];
  /** Prometheus queries the server sent during the measured window. */
  queries: number;
  cache?: ServerChildStats['cache'];
  rssMiB: number;
  cpuSeconds: number;
  promCpuSeconds: number;
  loopDelayMs: ServerChildStats['loopDelayMs'];
  maxLagMs: number;
  /** How long the measured load took until the last answer (longer than --seconds when answers queue). */
  loadSeconds: number;
  clientCpuSeconds: number;
  /** Largest relative difference between a served value and the exporter's true rate (one read after the load). */
  maxRelError: number;
  discovery?: DiscoveryTiming;
}

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

export async function runMode(mode: Mode, s: RunSettings, prom: BenchPrometheus, log: (line: string) => void): Promise<ModeRun> {
  const cfg: ServerChildConfig = { mode, promUrl: s.promUrl, namespace: s.namespace, pods: s.pods, window: s.window, frontProxyCa: s.frontProxy.caCert };
  const child = await startChild(`metrics-api-${mode}`, new URL('./server-child.ts', import.meta.url), cfg, { compiled: true });
  try {
    const started = await child.request<{ url: string; caCert: string }>('start', {}, 60_000);
    const discovery = mode === 'kubeloop' ? await child.request<DiscoveryTiming>('discovery', { times: s.discoveryTimes }, 120_000) : undefined;
    const client = new LoadClient({ url: started.url, ca: started.caCert, cert: s.frontProxy.cert, key: s.frontProxy.key });
    try {
      const path = metricPath(s.namespace);
      if (s.warmupSeconds > 0) await client.run(path, s.rps, s.warmupSeconds, s.pods);
      const before = await child.request<ServerChildStats>('stats');
      const [cpu0, promCpu0] = [await child.cpuSeconds(), await prom.cpuSeconds()];
      log(`  ${mode}: ${s.rps} req/s for ${s.seconds} s ...`);
      const load = await client.run(path, s.rps, s.seconds, s.pods);
      const [cpu1, promCpu1] = [await child.cpuSeconds(), await prom.cpuSeconds()];
      const after = await child.request<ServerChildStats>('stats');
      const rssMiB = await child.rssMiB();
      const maxRelError = await accuracy(client, s);
      const l = load.latenciesMs;
      const run: ModeRun = {
        mode, sent: load.sent, p50: median(l), p90: percentile(l, 90), p99: percentile(l, 99), max: percentile(l, 100),
        errors: load.errors, late: load.late, cut: load.cut, errorSamples: load.errorSamples, queries: after.queries - before.queries,
        rssMiB, cpuSeconds: cpu1 - cpu0, promCpuSeconds: promCpu1 - promCpu0, loopDelayMs: after.loopDelayMs, maxLagMs: load.maxLagMs, loadSeconds: load.seconds, clientCpuSeconds: load.clientCpuSeconds, maxRelError,
      };
      if (after.cache && before.cache) run.cache = { hits: after.cache.hits - before.cache.hits, misses: after.cache.misses - before.cache.misses, entries: after.cache.entries };
      if (discovery) run.discovery = discovery;
      return run;
    } finally {
      client.close();
    }
  } finally {
    await child.stop();
  }
}

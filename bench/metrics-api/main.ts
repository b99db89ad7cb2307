import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateFrontProxyCerts } from '../../src/util/certificates.ts';
import { sleep } from '../support/wait.ts';
import { startChild } from '../support/child.ts';
import { FAMILIES } from './exporter.ts';
import { seriesCounts, startBenchPrometheus, waitForRates } from './prom.ts';
import { runLine, summary } from './report.ts';
import { runMode, type ModeRun, type RunSettings } from './run.ts';

/**
 * bench/metrics-api: the pull path of Kubeloop's metrics API (issue 7 section 6).
 *   A loopback exporter serves FAMILIES counters for --pods pods in namespace "bench" (10 x 1,000 =
 *   10,000 series); a real Prometheus (Debian's /usr/bin/prometheus) scrapes it every second.
 *   Per run, each in a fresh server process (RSS and CPU measured alone, run compiled as shipped):
 *   1. Kubeloop: startMetricsApiServer over HTTPS with a PullSource (counterRate preset, 30 s rate
 *      window, default 5 s cache); discovery (PullSource.refresh(), every series) timed
 *      --discovery-times times; then GETs of every pod's http_requests_qps (run.ts metricPath,
 *      labelSelector app=web) at --rps for --seconds, open loop, with the front-proxy client certificate and X-Remote-User, as the
 *      aggregator sends it. Errors: anything but a 200 carrying every pod.
 *   2. prometheus-adapter's query pattern (adapter.ts) under the same load, as the comparison row.
 *   Figures are medians over --runs runs.
 * Flags (numbers): --rps 200 --seconds 30 --runs 3 --pods 1000 --warmup-seconds 2 --discovery-times 5
 *   --adapter 1 (0 skips the comparison row)
 */
interface Flags {
  rps: number;
  seconds: number;
  runs: number;
  pods: number;
  warmupSeconds: number;
  discoveryTimes: number;
  adapter: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { rps: 200, seconds: 30, runs: 3, pods: 1000, warmupSeconds: 2, discoveryTimes: 5, adapter: 1 };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = args[i + 1] ?? '';
    const value = Number(raw);
    const zeroOk = key === 'adapter' || key === 'warmupSeconds';
    if (!(key in f) || raw === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk)) throw new Error(`bench metrics-api: bad flag ${args[i]} ${raw}`);
    f[key as keyof Flags] = value;
  }
  return f;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const NAMESPACE = 'bench';
const WINDOW_SECONDS = 30;
const WINDOW = `${WINDOW_SECONDS}s`;

export async function main(args: string[]): Promise<number> {
  const f = parseFlags(args);
  const t0 = performance.now();
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  out(`machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; the server under test runs in its own process (compiled), Prometheus in its own`);
  // The exporter runs in its own process: its 10,000-line scrape answers must not stall the load generator.
  const exporterChild = await startChild('metrics-exporter', new URL('./exporter-child.ts', import.meta.url), { namespace: NAMESPACE, pods: f.pods }, { compiled: true });
  const started = await exporterChild.request<{ url: string; rates: number[] }>('start', {}, 30_000);
  const exporter = { url: started.url, rateOf: (i: number): number => started.rates[i] ?? Number.NaN, close: () => exporterChild.stop() };
  const promStarted = performance.now();
  const prom = await startBenchPrometheus(exporter.url);
  try {
    const warm = await waitForRates(prom, NAMESPACE, f.pods, WINDOW, 120_000);
    // rate() underestimates until its window holds a full window of samples (Prometheus extrapolates
    // at most half an interval past the first sample), so the first run waits for a full window.
    const fill = WINDOW_SECONDS * 1000 + 3000 - (performance.now() - promStarted);
    if (fill > 0) {
      out(`waiting ${(fill / 1000).toFixed(0)} s more for a full ${WINDOW} of samples in every rate window`);
      await sleep(fill);
    }
    const counts = await seriesCounts(prom, '{__name__=~"^.+_total$",namespace!="",pod!=""}');
    out(`Prometheus ${prom.url} scraping ${FAMILIES.length} counter families x ${f.pods} pods every 1 s: ${counts.matching} series match the discovery query, ${counts.head} head series; rate(...[${WINDOW}]) for every pod after ${(warm / 1000).toFixed(1)} s`);
    const fp = await generateFrontProxyCerts();
    const settings: RunSettings = {
      rps: f.rps, seconds: f.seconds, warmupSeconds: f.warmupSeconds, discoveryTimes: f.discoveryTimes, pods: f.pods,
      namespace: NAMESPACE, window: WINDOW, promUrl: prom.url, frontProxy: fp, rateOf: exporter.rateOf,
    };
    const kubeloop: ModeRun[] = [];
    const adapter: ModeRun[] = [];
    for (let i = 0; i < f.runs; i++) {
      out(`run ${i + 1}/${f.runs} (${f.warmupSeconds} s warm-up at the same rate before each measured window):`);
      const k = await runMode('kubeloop', settings, prom, out);
      kubeloop.push(k);
      for (const line of runLine(k)) out(line);
      if (f.adapter > 0) {
        const a = await runMode('adapter', settings, prom, out);
        adapter.push(a);
        for (const line of runLine(a)) out(line);
      }
      out(`    (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    }
    const s = summary(kubeloop, adapter, f.rps, f.seconds, f.pods);
    out('summary:');
    for (const line of s.lines) out(`  ${line}`);
    out(`  (bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    return s.ok ? 0 : 1;
  } finally {
    await prom.stop();
    await exporter.close();
  }
}

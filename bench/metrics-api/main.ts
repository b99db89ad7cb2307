import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateFrontProxyCerts } from '../../src/util/certificates.ts';
import { sleep } from '../support/wait.ts';
import { startChild } from '../support/child.ts';
import { FAMILIES } from './exporter.ts';
import { seriesCounts, startBenchPrometheus, waitForRates, waitFullWindow, waitQuiet } from './prom.ts';
import { sideLine, stepLine, summary } from './report.ts';
import { runSide, type Mode, type RunSettings, type SideRun } from './run.ts';

/**
 * bench/metrics-api: the pull path of Kubeloop's metrics API (issue 7 section 6, issue 16 section 2).
 *   A loopback exporter serves FAMILIES counters for --pods pods in namespace "bench" (10 x 1,000 =
 *   10,000 series); a real Prometheus (Debian's /usr/bin/prometheus) scrapes it every second. A sim
 *   cluster (own process) holds the same pods, web-0..web-N-1 labelled app=web; both servers resolve
 *   the HPA's labelSelector through the product's pod informer (PodIndex) watching it.
 *   Per run and side, a fresh server process (RSS and CPU measured alone, run compiled as shipped):
 *   1. Kubeloop: startMetricsApiServer over HTTPS with a PullSource (counterRate preset, 30 s rate
 *      window, default 5 s cache); discovery (PullSource.refresh(), every series) timed
 *      --discovery-times times.
 *   2. A stand-in of prometheus-adapter's query pattern (adapter.ts); the adapter itself cannot be built here.
 *   Each side then walks the capacity curve: GETs of every pod's http_requests_qps (run.ts
 *   metricPath, labelSelector app=web), open loop with the front-proxy client certificate and
 *   X-Remote-User as the aggregator sends them, at each of --rates for --step-seconds (the
 *   --compare-rps and --target-rps steps for --long-seconds), until a step's p99 passes 1 s or has
 *   errors. Figures are medians over --runs runs.
 * Flags: --rates 5,10,20,50,100,200,400 --compare-rps 20 --target-rps 200 --step-seconds 8
 *   --long-seconds 20 --runs 3 --pods 1000 --warmup-seconds 2 --discovery-times 5
 *   --adapter 1 (0 skips the comparison row)
 */
interface Flags {
  rates: number[];
  compareRps: number;
  targetRps: number;
  stepSeconds: number;
  longSeconds: number;
  runs: number;
  pods: number;
  warmupSeconds: number;
  discoveryTimes: number;
  adapter: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = {
    rates: [5, 10, 20, 50, 100, 200, 400],
    compareRps: 20,
    targetRps: 200,
    stepSeconds: 8,
    longSeconds: 20,
    runs: 3,
    pods: 1000,
    warmupSeconds: 2,
    discoveryTimes: 5,
    adapter: 1,
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = args[i + 1] ?? '';
    if (key === 'rates') {
      const rates = raw.split(',').map(Number);
      if (raw === '' || rates.some((r) => !Number.isFinite(r) || r <= 0))
        throw new Error(
          `bench metrics-api: --rates wants positive numbers separated by commas, got ${JSON.stringify(raw)}`,
        );
      f.rates = [...new Set(rates)].sort((a, b) => a - b);
      continue;
    }
    const value = Number(raw);
    const zeroOk = key === 'adapter' || key === 'warmupSeconds';
    if (!(key in f) || raw === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk))
      throw new Error(`bench metrics-api: bad flag ${args[i]} ${raw}`);
    (f as unknown as Record<string, number>)[key] = value;
  }
  if (!f.rates.includes(f.compareRps))
    throw new Error(`bench metrics-api: --compare-rps ${f.compareRps} is not one of --rates ${f.rates.join(',')}`);
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
  out(
    `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}; the server under test runs in its own process (compiled), Prometheus, the exporter and the sim in their own`,
  );
  // The exporter runs in its own process: its 10,000-line scrape answers must not stall the load generator.
  const exporterChild = await startChild(
    'metrics-exporter',
    new URL('./exporter-child.ts', import.meta.url),
    { namespace: NAMESPACE, pods: f.pods },
    { compiled: true },
  );
  const started = await exporterChild.request<{ url: string; rates: number[] }>('start', {}, 30_000);
  const exporter = {
    url: started.url,
    rateOf: (i: number): number => started.rates[i] ?? Number.NaN,
    close: () => exporterChild.stop(),
  };
  const sim = await startChild(
    'metrics-sim',
    new URL('./sim-child.ts', import.meta.url),
    { namespace: NAMESPACE, pods: f.pods },
    { compiled: true, startTimeoutMs: 90_000 },
  );
  const promStarted = performance.now();
  const prom = await startBenchPrometheus(exporter.url);
  try {
    const kubeconfig = await sim.request<string>('kubeconfig');
    const warm = await waitForRates(prom, NAMESPACE, f.pods, WINDOW, 120_000);
    // rate() underestimates until its window holds a full window of samples (Prometheus extrapolates
    // at most half an interval past the first sample), so the first run waits for a full window.
    const fill = WINDOW_SECONDS * 1000 + 3000 - (performance.now() - promStarted);
    if (fill > 0) {
      out(`waiting ${(fill / 1000).toFixed(0)} s more for a full ${WINDOW} of samples in every rate window`);
      await sleep(fill);
    }
    const counts = await seriesCounts(prom, '{__name__=~"^.+_total$",namespace!="",pod!=""}');
    out(
      `Prometheus ${prom.url} scraping ${FAMILIES.length} counter families x ${f.pods} pods every 1 s: ${counts.matching} series match the discovery query, ${counts.head} head series; rate(...[${WINDOW}]) for every pod after ${(warm / 1000).toFixed(1)} s`,
    );
    const simPods = await sim.request<{ total: number; running: number }>('pods');
    out(
      `sim cluster: ${simPods.total} pods in namespace ${NAMESPACE} (${simPods.running} Running), followed by each server's pod informer`,
    );
    const fp = await generateFrontProxyCerts();
    const settings: RunSettings = {
      rates: f.rates,
      stepSeconds: f.stepSeconds,
      longRates: [f.compareRps, f.targetRps],
      longSeconds: f.longSeconds,
      warmupSeconds: f.warmupSeconds,
      discoveryTimes: f.discoveryTimes,
      pods: f.pods,
      namespace: NAMESPACE,
      window: WINDOW,
      windowSeconds: WINDOW_SECONDS,
      promUrl: prom.url,
      kubeconfig,
      frontProxy: fp,
      rateOf: exporter.rateOf,
    };
    const kubeloop: SideRun[] = [];
    const adapter: SideRun[] = [];
    const sides: Mode[] = f.adapter > 0 ? ['kubeloop', 'adapter'] : ['kubeloop'];
    for (let i = 0; i < f.runs; i++) {
      out(`run ${i + 1}/${f.runs} (${f.warmupSeconds} s warm-up at ${f.rates[0]} req/s before each side's curve):`);
      for (const mode of sides) {
        const quiet = await waitQuiet(prom, 0.3, 30_000);
        if (quiet.waitedMs > 1500)
          out(
            `    (waited ${(quiet.waitedMs / 1000).toFixed(0)} s for Prometheus to settle after the previous side: it now uses ${quiet.cores.toFixed(2)} cores)`,
          );
        // Scrapes Prometheus missed while the previous side overloaded it would still be gaps in this side's rate() window.
        const full = await waitFullWindow(prom, WINDOW_SECONDS, 60_000);
        if (full.waitedMs > 1500)
          out(
            `    (waited ${(full.waitedMs / 1000).toFixed(0)} s for a ${WINDOW} rate window without missed scrapes: ${full.ok} of ${WINDOW_SECONDS} now)`,
          );
        const r = await runSide(mode, settings, prom, out, (step) => stepLine(mode, step).forEach(out));
        (mode === 'kubeloop' ? kubeloop : adapter).push(r);
        sideLine(r).forEach(out);
      }
      out(
        `    (load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')})`,
      );
    }
    const s = summary({
      kubeloop,
      adapter,
      rates: f.rates,
      compareRps: f.compareRps,
      targetRps: f.targetRps,
      pods: f.pods,
    });
    out('summary:');
    for (const line of s.lines) out(`  ${line}`);
    out(`  (bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    return s.ok ? 0 : 1;
  } finally {
    await prom.stop();
    await sim.stop();
    await exporter.close();
  }
}

import { fmtMs, median } from '../support/stats.ts';
import type { ModeRun } from './run.ts';

/** The lines bench/metrics-api prints: one per mode and run, then the medians, the ratio and the targets. */

export const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const med = (runs: ModeRun[], f: (r: ModeRun) => number): number => median(runs.map(f));

export function runLine(r: ModeRun): string[] {
  const lines = [
    `    ${r.mode}: ${r.sent} requests, p50 ${fmtMs(r.p50)}, p90 ${fmtMs(r.p90)}, p99 ${fmtMs(r.p99)}, max ${fmtMs(r.max)}; errors ${r.errors}${r.late + r.cut > 0 ? ` (${r.late} answered after 10 s, ${r.cut} cut unanswered at the end: latencies are lower bounds)` : ''}; Prometheus queries ${r.queries}` +
      `${r.cache ? ` (cache hits ${r.cache.hits}, misses ${r.cache.misses})` : ''}; server RSS ${r.rssMiB.toFixed(0)} MiB, CPU ${r.cpuSeconds.toFixed(1)} s; Prometheus CPU ${r.promCpuSeconds.toFixed(1)} s`,
    `      event-loop delay p99 ${r.loopDelayMs.p99.toFixed(1)} ms, max ${r.loopDelayMs.max.toFixed(0)} ms; last answer ${r.loadSeconds.toFixed(1)} s after the first request; load generator at most ${r.maxLagMs.toFixed(1)} ms behind schedule, CPU ${r.clientCpuSeconds.toFixed(1)} s; values vs the exporter's true rates: max relative error ${(r.maxRelError * 100).toFixed(2)} %`,
  ];
  if (r.discovery) {
    const d = r.discovery;
    lines.push(`      discovery (PullSource.refresh(), ${d.series} series -> ${d.customMetrics} custom metrics): ${d.durationsMs.map((ms) => ms.toFixed(0)).join(', ')} ms${d.error ? `; error ${d.error}` : ''}`);
  }
  for (const e of new Set(r.errorSamples)) lines.push(`      error: ${e}`);
  return lines;
}

function row(name: string, runs: ModeRun[]): string {
  const cells = [
    name.padEnd(34),
    fmtMs(med(runs, (r) => r.p50)).padStart(9),
    fmtMs(med(runs, (r) => r.p90)).padStart(9),
    fmtMs(med(runs, (r) => r.p99)).padStart(9),
    fmtMs(med(runs, (r) => r.max)).padStart(9),
    String(med(runs, (r) => r.errors)).padStart(6),
    String(med(runs, (r) => r.queries)).padStart(8),
    `${med(runs, (r) => r.rssMiB).toFixed(0)} MiB`.padStart(8),
    `${med(runs, (r) => r.cpuSeconds).toFixed(1)} s`.padStart(7),
    `${med(runs, (r) => r.promCpuSeconds).toFixed(1)} s`.padStart(8),
  ];
  return cells.join(' ');
}

export interface Summary {
  lines: string[];
  ok: boolean;
}

export function summary(kubeloop: ModeRun[], adapter: ModeRun[], rps: number, seconds: number, pods: number): Summary {
  const header = ['server'.padEnd(34), 'p50'.padStart(9), 'p90'.padStart(9), 'p99'.padStart(9), 'max'.padStart(9), 'errors'.padStart(6), 'queries'.padStart(8), 'RSS'.padStart(8), 'CPU'.padStart(7), 'prom CPU'.padStart(8)].join(' ');
  const lines = [
    `pods/*/http_requests_qps, ${pods} pods, ${rps} req/s for ${seconds} s over HTTPS (front-proxy client certificate), medians over ${kubeloop.length} run(s):`,
    `  ${header}`,
    `  ${row('Kubeloop (PullSource, 5 s cache)', kubeloop)}`,
  ];
  if (adapter.length > 0) lines.push(`  ${row('prometheus-adapter pattern', adapter)}`);
  lines.push('  (queries: PromQL queries sent during the window; CPU: server process CPU seconds during the window; prom CPU: the Prometheus process\'s)');
  if (adapter.length > 0) {
    const p99 = med(adapter, (r) => r.p99) / med(kubeloop, (r) => r.p99);
    const p50 = med(adapter, (r) => r.p50) / med(kubeloop, (r) => r.p50);
    const q = med(adapter, (r) => r.queries) / Math.max(1, med(kubeloop, (r) => r.queries));
    const cpu = (med(adapter, (r) => r.cpuSeconds + r.promCpuSeconds)) / (med(kubeloop, (r) => r.cpuSeconds + r.promCpuSeconds));
    lines.push(`  ratio adapter pattern / Kubeloop: p99 ${p99.toFixed(1)}x, p50 ${p50.toFixed(1)}x, Prometheus queries ${q.toFixed(0)}x, server + Prometheus CPU ${cpu.toFixed(1)}x`);
    lines.push('  note: the comparison row reproduces prometheus-adapter\'s query pattern (one GET /api/v1/query per request, pods enumerated as pod=~"web-0|...|web-N", no cache)');
    lines.push('        behind the same HTTPS stack; it is not the adapter binary (not packaged here), and it skips the adapter\'s per-request pod LIST from the API server.');
  }
  const disc = kubeloop.flatMap((r) => r.discovery?.durationsMs ?? []);
  const series = median(kubeloop.map((r) => r.discovery?.series ?? 0));
  const rss = med(kubeloop, (r) => r.rssMiB);
  const p99 = med(kubeloop, (r) => r.p99);
  const errors = kubeloop.reduce((n, r) => n + r.errors, 0);
  const discMed = median(disc);
  const discMax = Math.max(...disc);
  lines.push(
    `discovery: ${series} series from Prometheus per refresh; PullSource.refresh() median ${fmtMs(discMed)}, max ${fmtMs(discMax)} over ${disc.length} refreshes`,
    `Kubeloop server RSS at the end: ${rss.toFixed(0)} MiB = ${mb(rss).toFixed(0)} MB (median)`,
    'targets:',
    `  p99 from cache < 10 ms: ${fmtMs(p99)} ${pass(p99 < 10)}`,
    `  errors = 0: ${errors} in all runs ${pass(errors === 0)}`,
    `  discovery of >= 10,000 series < 1 s: median ${fmtMs(discMed)}, max ${fmtMs(discMax)} (${series} series) ${pass(discMax < 1000 && series >= 10_000)}`,
  );
  return { lines, ok: p99 < 10 && errors === 0 && discMax < 1000 && series >= 10_000 };
}

import { median } from '../support/stats.ts';
import { SUSTAINED_P99_MS, sustained, type Mode, type SideRun, type StepRun } from './run.ts';

/**
 * The lines bench/metrics-api prints: one per step as it ends, one per side and run, then the
 * capacity curves (medians over runs), each side's capacity, the latency comparison at a rate both
 * sustain, the PromQL-queries-per-request headline, and Kubeloop's own targets.
 */

export const NAMES: Record<Mode, string> = {
  kubeloop: 'Kubeloop (PullSource, 5 s cache, pod informer)',
  adapter: "stand-in of prometheus-adapter's query pattern",
};

export const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const fmt = (ms: number): string =>
  Number.isNaN(ms) ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const medOf = <T>(xs: readonly T[], f: (x: T) => number): number => median(xs.map(f));

export function stepLine(mode: Mode, r: StepRun): string[] {
  const lines = [
    `      ${mode} ${r.rate} req/s: ${r.sent} requests, ${r.okPerSecond.toFixed(1)} good answers/s; p50 ${fmt(r.p50)}, p90 ${fmt(r.p90)}, p99 ${fmt(r.p99)}, max ${fmt(r.max)}; errors ${r.errors}` +
      `${r.late + r.cut > 0 ? ` (${r.late} answered after 10 s, ${r.cut} cut unanswered at the end: latencies are lower bounds)` : ''}; PromQL queries ${r.queries}` +
      `${r.cache ? ` (cache hits ${r.cache.hits}, misses ${r.cache.misses})` : ''}; server CPU ${r.cpuSeconds.toFixed(1)} s, Prometheus CPU ${r.promCpuSeconds.toFixed(1)} s${sustained(r) ? '' : ' -> not sustained, curve stops'}`,
    `        event-loop delay p99 ${r.loopDelayMs.p99.toFixed(1)} ms, max ${r.loopDelayMs.max.toFixed(0)} ms; last answer ${r.loadSeconds.toFixed(1)} s after the first request; load generator at most ${r.maxLagMs.toFixed(1)} ms behind schedule, CPU ${r.clientCpuSeconds.toFixed(1)} s`,
  ];
  for (const e of new Set(r.errorSamples)) lines.push(`        error: ${e}`);
  return lines;
}

export function sideLine(r: SideRun): string[] {
  const lines = [
    `    ${r.mode}: server peak RSS ${r.peakRssMiB.toFixed(0)} MiB (RSS at the end ${r.rssMiB.toFixed(0)} MiB); served values vs the exporter's true rates: max relative error ${(r.maxRelError * 100).toFixed(2)} % (Prometheus scraped the exporter ${r.scrapes.ok} times of ${r.scrapes.expected} in the rate window before)`,
  ];
  if (r.discovery) {
    const d = r.discovery;
    lines.push(
      `      discovery (PullSource.refresh(), ${d.series} series -> ${d.customMetrics} custom metrics): ${d.durationsMs.map((ms) => ms.toFixed(0)).join(', ')} ms${d.error ? `; error ${d.error}` : ''}`,
    );
  }
  return lines;
}

/** The highest offered rate a run sustained (p99 < 1 s, no errors), 0 when none. */
export function capacity(run: SideRun): number {
  let best = 0;
  for (const s of run.steps) if (sustained(s)) best = Math.max(best, s.rate);
  return best;
}

const stepAt = (run: SideRun, rate: number): StepRun | undefined => run.steps.find((s) => s.rate === rate);

function curveCell(runs: SideRun[], rate: number): string {
  const steps = runs.map((r) => stepAt(r, rate)).filter((s): s is StepRun => s !== undefined);
  if (steps.length === 0) return 'not offered (curve stopped)'.padEnd(42);
  const ok = steps.filter(sustained).length;
  const reached = steps.length < runs.length ? ` ${steps.length}/${runs.length} runs` : '';
  return `${fmt(medOf(steps, (s) => s.p50)).padStart(8)} ${fmt(medOf(steps, (s) => s.p99)).padStart(8)} ${medOf(
    steps,
    (s) => s.okPerSecond,
  )
    .toFixed(0)
    .padStart(5)}/s ${ok === steps.length ? 'ok' : `over ${steps.length - ok}/${steps.length}`}${reached}`.padEnd(42);
}

function capacityLine(runs: SideRun[], rates: readonly number[]): string {
  const caps = runs.map(capacity);
  const top = Math.max(...rates);
  const med = median(caps);
  const bound = med === top ? ` (the highest rate offered: at least ${top})` : '';
  return `${med} req/s${bound}; runs: ${caps.join(', ')}`;
}

export interface SummaryInput {
  kubeloop: SideRun[];
  adapter: SideRun[];
  rates: number[];
  compareRps: number;
  targetRps: number;
  pods: number;
}

export interface Summary {
  lines: string[];
  ok: boolean;
}

function comparison(k: StepRun[], a: StepRun[], rps: number, valid: boolean): string[] {
  const header = [
    'server'.padEnd(48),
    'p50'.padStart(8),
    'p90'.padStart(8),
    'p99'.padStart(8),
    'max'.padStart(8),
    'errors'.padStart(6),
    'queries/request'.padStart(15),
    'CPU/request'.padStart(11),
    'prom CPU/req'.padStart(12),
  ].join(' ');
  const row = (mode: Mode, steps: StepRun[]): string =>
    [
      NAMES[mode].padEnd(48),
      fmt(medOf(steps, (s) => s.p50)).padStart(8),
      fmt(medOf(steps, (s) => s.p90)).padStart(8),
      fmt(medOf(steps, (s) => s.p99)).padStart(8),
      fmt(medOf(steps, (s) => s.max)).padStart(8),
      String(medOf(steps, (s) => s.errors)).padStart(6),
      medOf(steps, (s) => s.queries / s.sent)
        .toFixed(3)
        .padStart(15),
      `${(medOf(steps, (s) => s.cpuSeconds / s.sent) * 1000).toFixed(2)} ms`.padStart(11),
      `${(medOf(steps, (s) => s.promCpuSeconds / s.sent) * 1000).toFixed(2)} ms`.padStart(12),
    ].join(' ');
  const lines = [
    `latency at ${rps} req/s (${rps * 15} HPAs syncing every 15 s), ${valid ? 'a rate both sides sustained in every run' : 'NOT sustained by both sides in every run (overload)'}, medians over the runs that reached it (Kubeloop ${k.length}${a.length > 0 ? `, stand-in ${a.length}` : ''}), ${k[0]?.sent ?? 0} requests per run:`,
    `  ${header}`,
    `  ${row('kubeloop', k)}`,
  ];
  if (a.length > 0) lines.push(`  ${row('adapter', a)}`);
  lines.push(
    '  (latency: each request from when it was sent to its last byte; errors: answers other than a 200 holding every pod;',
    '   queries/request: PromQL queries the server sent to Prometheus during the step / requests sent; CPU/request: the server',
    "   process's CPU time during the step / requests; prom CPU/req: the same for the Prometheus process)",
  );
  if (a.length > 0) {
    const r = (f: (s: StepRun) => number): number => medOf(a, f) / medOf(k, f);
    const qk = medOf(k, (s) => s.queries / s.sent);
    const qa = medOf(a, (s) => s.queries / s.sent);
    lines.push(
      `  headline: PromQL queries per HPA request ${qk.toFixed(3)} (Kubeloop) vs ${qa.toFixed(3)} (stand-in): ${(qa / Math.max(qk, 1e-9)).toFixed(0)}x fewer`,
      `  ratio stand-in / Kubeloop: p50 ${r((s) => s.p50).toFixed(1)}x, p99 ${r((s) => s.p99).toFixed(1)}x, server + Prometheus CPU per request ${r((s) => (s.cpuSeconds + s.promCpuSeconds) / s.sent).toFixed(1)}x`,
    );
  }
  return lines;
}

export function summary(x: SummaryInput): Summary {
  const { kubeloop, adapter, rates } = x;
  const lines = [
    `capacity curve: pods/*/http_requests_qps, ${x.pods} pods, open loop at each offered rate, medians over the runs that reached the step (p50, p99, good answers per second, whether p99 < ${SUSTAINED_P99_MS / 1000} s with no errors):`,
  ];
  lines.push(
    `  ${'offered'.padStart(9)}  ${NAMES.kubeloop.padEnd(42)}${adapter.length > 0 ? ` ${NAMES.adapter}` : ''}`,
  );
  for (const rate of rates)
    lines.push(
      `  ${`${rate}/s`.padStart(9)}  ${curveCell(kubeloop, rate)}${adapter.length > 0 ? ` ${curveCell(adapter, rate)}` : ''}`,
    );
  lines.push(
    `capacity (the highest offered rate with p99 < ${SUSTAINED_P99_MS / 1000} s and no errors; median over runs):`,
  );
  lines.push(`  ${NAMES.kubeloop}: ${capacityLine(kubeloop, rates)}`);
  if (adapter.length > 0) lines.push(`  ${NAMES.adapter}: ${capacityLine(adapter, rates)}`);

  const at = (runs: SideRun[], rate: number): StepRun[] =>
    runs.map((r) => stepAt(r, rate)).filter((s): s is StepRun => s !== undefined);
  const allSustain = (runs: SideRun[], rate: number): boolean =>
    runs.every((r) => {
      const s = stepAt(r, rate);
      return s !== undefined && sustained(s);
    });
  const bothSustain = allSustain(kubeloop, x.compareRps) && allSustain(adapter, x.compareRps);
  if (!bothSustain) {
    lines.push(
      `NOTE: not every run of both sides sustained ${x.compareRps} req/s; the comparison at that rate includes overload, so its latencies measure a queue and its ratios mean little.`,
    );
    const common = Math.max(0, ...rates.filter((r) => allSustain(kubeloop, r) && allSustain(adapter, r)));
    if (common > 0) lines.push(...comparison(at(kubeloop, common), at(adapter, common), common, true));
    else
      lines.push(
        'NOTE: no offered rate was sustained by both sides in every run: there is no valid latency comparison in this run.',
      );
  }
  if (at(kubeloop, x.compareRps).length > 0)
    lines.push(...comparison(at(kubeloop, x.compareRps), at(adapter, x.compareRps), x.compareRps, bothSustain));

  lines.push(
    `server peak RSS (VmHWM of the server process over its whole run, with the pod informer holding ${x.pods} pods), median: ${NAMES.kubeloop} ${medOf(kubeloop, (r) => r.peakRssMiB).toFixed(0)} MiB` +
      `${adapter.length > 0 ? `; ${NAMES.adapter} ${medOf(adapter, (r) => r.peakRssMiB).toFixed(0)} MiB` : ''}`,
  );
  if (adapter.length > 0) {
    lines.push(
      "note: the comparison row is a stand-in of prometheus-adapter's query pattern (one PromQL query per request, the selected pods enumerated as",
      '      pod=~"web-0|...|web-N", no cache, gzip per answer over 128 KB) behind the same HTTPS stack, Prometheus client and pod informer as Kubeloop;',
      "      it is not the adapter binary, which cannot be built here, and it skips the adapter's per-request pod LIST from the API server.",
    );
  }

  const target = kubeloop.map((r) => stepAt(r, x.targetRps)).filter((s): s is StepRun => s !== undefined);
  const disc = kubeloop.flatMap((r) => r.discovery?.durationsMs ?? []);
  const series = median(kubeloop.map((r) => r.discovery?.series ?? 0));
  const discMed = median(disc);
  const discMax = Math.max(...disc);
  const p99 = target.length === kubeloop.length ? medOf(target, (s) => s.p99) : NaN;
  const errors = kubeloop.reduce((n, r) => n + r.steps.reduce((m, s) => m + s.errors, 0), 0);
  lines.push(
    `discovery: ${series} series from Prometheus per refresh; PullSource.refresh() median ${fmt(discMed)}, max ${fmt(discMax)} over ${disc.length} refreshes`,
    'Kubeloop targets (issue 7):',
    `  p99 from cache < 10 ms at ${x.targetRps} req/s: median ${fmt(p99)} (runs ${target.map((s) => fmt(s.p99)).join(' / ')}) ${pass(p99 < 10)}`,
    `  errors = 0 at every step: ${errors} in all runs ${pass(errors === 0)}`,
    `  discovery of >= 10,000 series < 1 s: median ${fmt(discMed)}, max ${fmt(discMax)} (${series} series) ${pass(discMax < 1000 && series >= 10_000)}`,
    `  ${x.compareRps} req/s sustained by both sides in every run (the comparison is at a rate both sustain): ${pass(bothSustain)}`,
  );
  return { lines, ok: p99 < 10 && errors === 0 && discMax < 1000 && series >= 10_000 && bothSustain };
}

import { NOTIFY_CONCURRENCY } from './notify.ts';
import { fmtMs, median, percentile } from '../support/stats.ts';
import { slowestOffsets } from './analyze.ts';
import type { CrashRun } from './crash-run.ts';
import type { ModeFigures } from './mix-analyze.ts';

/** The lines bench/monitor prints for crash-storm runs, and their summary over runs. */
export const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
export const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const pc = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((n / d) * 100).toFixed(n === d ? 0 : 2)} %`);
const dist = (xs: number[]): string =>
  `p50 ${fmtMs(percentile(xs, 50))}, p99 ${fmtMs(percentile(xs, 99))}, max ${fmtMs(percentile(xs, 100))}`;

/** The sim answers a current-log read in CrashLoopBackOff with 400; a kubelet serves lastState's container. */
const SIM_CLB_NOTE =
  " [sim fidelity: a real kubelet returns the last terminated container's logs here (validateContainerLogStatus)]";

export function runLines(r: CrashRun, i: number): string[] {
  const c = r.capture;
  const l = r.latency;
  const s = r.stats;
  const lines = [
    `  run ${i + 1}: ${r.crashesPerSecond.toFixed(1)} crashes/s in the window; ${c.expected} crashed instances in all; ${r.leftAtStop === 0 ? `all stored and captured${r.notify ? ' and notified' : ''}` : `waited, then stopped the monitor with ${r.leftAtStop} not yet stored and captured${r.notify ? ' (or notified)' : ''}`} ${(r.catchUpMs / 1000).toFixed(1)} s after the trace ended (during the trace at most ${r.maxBacklog} crashes not stored yet)`,
    `    captured ${c.captured}/${c.expected} (${pc(c.captured, c.expected)}), duplicates ${c.duplicates}, spurious ${c.spurious}; logs ${c.withLogs}/${c.captured} (${pc(c.withLogs, c.captured)}); Error crashes whose logs hold the crash line ${c.errorRowsWithCrashLine}/${c.errorRows}`,
    ...c.missing.map((m) => `    missing: ${m}`),
    ...c.logErrors.map((m) => `    no logs, e.g.: ${m}`),
    ...c.logErrorKinds
      .slice(0, 4)
      .map(
        ([kind, n]) =>
          `    no logs x${n}: ${kind}${/waiting to start: CrashLoopBackOff/.test(kind) ? SIM_CLB_NOTE : ''}`,
      ),
    `    detection latency (${l.detected.length} crashes in the window): API accepted -> detected_at ${dist(l.detected)}; -> row committed ${dist(l.stored.filter(Number.isFinite))}; slowest 1 % crashed at ${slowestOffsets(l)}`,
    `    capture (logs, events, Services) after the row: ${dist(l.captured)}`,
  ];
  if (r.notify) {
    const n = r.notify;
    lines.push(
      `    notifications: ${n.delivered}/${n.failures} of the window's failures delivered in ${n.messages} messages (${n.rejected} rejected by the receiver); row committed -> delivered ${dist(n.fromStored)}; capture attached -> delivered ${dist(n.fromCaptured)}`,
    );
    lines.push(
      `      legs: capture attached -> enqueued ${dist(n.toEnqueued)}; enqueued -> claimed ${dist(n.toClaimed)}; claimed -> accepted by the receiver ${dist(n.toAccepted)}`,
    );
    if (s.notifier)
      lines.push(
        `    notifier: ${Object.entries(s.notifier)
          .map(
            ([k, v]) =>
              `${k} ${typeof v === 'number' ? v : `p50 ${v.p50.toFixed(1)} ms, p99 ${v.p99.toFixed(1)} ms, max ${v.max.toFixed(0)} ms`}`,
          )
          .join(', ')}`,
      );
  }
  lines.push(
    `    monitor process: RSS ${r.monitorRssEndMiB.toFixed(0)} MiB at the end (peak ${r.monitorRssPeakMiB.toFixed(0)}, ${r.monitorRssBaseMiB.toFixed(0)} before start), CPU ${r.monitorCpuPercent.toFixed(0)} % of a core; ${s.lists} list(s), ${s.watches} watch(es), ${s.relistsOn410} relist(s) on 410; ${s.detected} detected, ${s.recorded} recorded, capture errors ${s.captureErrors}; logged ${s.warnings} warnings, ${s.errors} errors; event-loop delay p50 ${s.loopDelayMs.p50.toFixed(1)} ms, p99 ${s.loopDelayMs.p99.toFixed(1)} ms, max ${s.loopDelayMs.max.toFixed(0)} ms`,
    `    sim process: CPU ${r.simCpuPercent.toFixed(0)} % of a core, RSS ${r.simRssMiB.toFixed(0)} MiB; a GET to its API once a second during the trace: ${dist(r.simApiMs)}`,
    ...s.samples.slice(0, 3).map((m) => `    monitor log: ${m}`),
  );
  return lines;
}

export function crashSummary(runs: CrashRun[], title: string): string[] {
  const m = (pick: (r: CrashRun) => number): number => median(runs.map(pick));
  const captured = m((r) => r.capture.captured / Math.max(1, r.capture.expected));
  const dups = Math.max(...runs.map((r) => r.capture.duplicates + r.capture.spurious));
  const logs = m((r) => r.capture.withLogs / Math.max(1, r.capture.captured));
  // The target is on the failure being stored: API accepted -> its row committed.
  const p99 = m((r) => percentile(r.latency.stored.filter(Number.isFinite), 99));
  const rss = m((r) => r.monitorRssEndMiB);
  return [
    `${title} (${m((r) => r.crashesPerSecond).toFixed(0)} crashes/s; medians over ${runs.length} run(s)):`,
    `  captured ${(captured * 100).toFixed(2)} % ${pass(runs.every((r) => r.capture.captured === r.capture.expected))} (100 %), duplicates+spurious (worst run) ${dups} ${pass(dups === 0)} (0), logs ${(logs * 100).toFixed(2)} % ${pass(logs >= 0.99)} (>= 99 %)`,
    `  detection latency, API accepted -> failure stored (row committed): p50 ${fmtMs(m((r) => percentile(r.latency.stored.filter(Number.isFinite), 50)))}, p99 ${fmtMs(p99)} ${pass(p99 < 200)} (< 200 ms); -> detected_at p50 ${fmtMs(m((r) => percentile(r.latency.detected, 50)))}, p99 ${fmtMs(m((r) => percentile(r.latency.detected, 99)))}`,
    `  Kubeloop (monitor process) RSS at the end ${rss.toFixed(0)} MiB = ${mb(rss).toFixed(0)} MB ${pass(mb(rss) < 300)} (< 300 MB); ${m((r) => r.monitorRssBaseMiB).toFixed(0)} MiB of it before monitor.start() (Node + modules, compiled bundle)`,
  ];
}

export function notifySummary(runs: CrashRun[]): string[] {
  const withNotify = runs.filter((r) => r.notify);
  const m = (pick: (r: CrashRun) => number): number => median(withNotify.map(pick));
  const p99 = m((r) => percentile(r.notify?.fromStored ?? [], 99));
  const delivered = m((r) => (r.notify?.delivered ?? 0) / Math.max(1, r.notify?.failures ?? 0));
  return [
    `notifications (the same storm, notifier in the monitor process, generic webhook (concurrency ${NOTIFY_CONCURRENCY}) to a local receiver, grouping window 0 s, no practical rate limit; medians over ${withNotify.length} run(s)):`,
    `  delivered ${(delivered * 100).toFixed(2)} % of the window's failures; row committed -> delivered p50 ${fmtMs(m((r) => percentile(r.notify?.fromStored ?? [], 50)))}, p99 ${fmtMs(p99)} ${pass(p99 < 1000)} (< 1 s); capture attached -> delivered p99 ${fmtMs(m((r) => percentile(r.notify?.fromCaptured ?? [], 99)))}`,
    `  Kubeloop (monitor + notifier) RSS at the end ${m((r) => r.monitorRssEndMiB).toFixed(0)} MiB`,
    '  (with the defaults a failure also waits for its group: 30 s window, then 20 messages/min per channel with summaries)',
  ];
}

const pcOf = (n: number, d: number): string => (d === 0 ? '   n/a' : `${((n / d) * 100).toFixed(0).padStart(4)} %`);

/** The failure-mix table: per mode and source, failures seen, with reason+exit code, with the dead instance's logs. */
export function mixLines(figs: ModeFigures[], label: string): string[] {
  const lines = [
    `  ${label}`,
    `    ${'mode'.padEnd(11)} ${'injected'.padStart(8)}  ${'source'.padEnd(11)} ${'seen'.padStart(11)} ${'missed'.padStart(7)} ${'reason+exit'.padStart(14)} ${'dead instance logs'.padStart(19)}`,
  ];
  const cell = (n: number, d: number): string => `${String(n).padStart(4)} (${pcOf(n, d).trim()})`;
  const total = {
    injected: 0,
    kubeloop: { seen: 0, reason: 0, logs: 0, logsOf: 0 },
    prometheus: { seen: 0, reason: 0, logs: 0, logsOf: 0 },
    apiAfter: { seen: 0, reason: 0, logs: 0, logsOf: 0 },
  };
  for (const f of figs) {
    total.injected += f.injected;
    for (const [side, name] of [
      ['kubeloop', 'Kubeloop'],
      ['prometheus', 'Prometheus'],
      ['apiAfter', 'API after'],
    ] as const) {
      const s = f[side];
      const t = total[side];
      t.seen += s.seen;
      t.reason += s.reason;
      if (f.logsApply) {
        t.logs += s.logs;
        t.logsOf += f.injected;
      }
      lines.push(
        `    ${(side === 'kubeloop' ? f.mode : '').padEnd(11)} ${(side === 'kubeloop' ? String(f.injected) : '').padStart(8)}  ${name.padEnd(11)} ${cell(s.seen, f.injected).padStart(11)} ${String(f.injected - s.seen).padStart(7)} ${cell(s.reason, f.injected).padStart(14)} ${(f.logsApply ? cell(s.logs, f.injected) : 'n/a').padStart(19)}`,
      );
    }
  }
  for (const f of figs) for (const m of f.kubeloopMisses) lines.push(`    Kubeloop miss (${f.mode}): ${m}`);
  for (const [side, name] of [
    ['kubeloop', 'Kubeloop'],
    ['prometheus', 'Prometheus'],
    ['apiAfter', 'API after'],
  ] as const) {
    const t = total[side];
    lines.push(
      `    ${(side === 'kubeloop' ? 'all' : '').padEnd(11)} ${(side === 'kubeloop' ? String(total.injected) : '').padStart(8)}  ${name.padEnd(11)} ${cell(t.seen, total.injected).padStart(11)} ${String(total.injected - t.seen).padStart(7)} ${cell(t.reason, total.injected).padStart(14)} ${cell(t.logs, t.logsOf).padStart(19)}`,
    );
  }
  return lines;
}

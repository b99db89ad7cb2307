import { median, percentile } from '../support/stats.ts';
import { expectedDelayMs, expectedRestartCount, relativeError, type BackoffSchedule } from './backoff.ts';

/** What the client saw of one pod's container: watch receive times (performance.now()) and measured waits. */
export interface Trace {
  starts: number[];
  /** The same receive times on the wall clock (Date.now()), to match the sim's log timestamps. */
  startsWall: number[];
  crashes: number[];
  /** startedAt - lastState.terminated.finishedAt of each restart, by crash number (1 s resolution). */
  stamped: Map<number, number>;
  /** Crash line -> next "Starting" line in the container logs' timestamps, by crash number (ms). */
  logged: Map<number, number>;
  running: string | undefined;
}

export interface CrashReport {
  lines: string[];
  pass: boolean;
  rssMiB: number;
}

export interface CrashData {
  pods: number;
  scale: number;
  schedule: BackoffSchedule;
  traces: Map<string, Trace>;
  /** status restartCount by pod at the end. */
  counts: Map<string, number>;
  endAt: number;
  /** Log reads that failed (a container that crashed again before its log was read answers 400). */
  probeFailures: string[];
  rssMiB: number;
}

const TOLERANCE = 0.05;
const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)} %`);
const secs = (ms: number): string => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 2)} s`);
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

interface Bucket {
  watch: number[];
  logged: number[];
  stamped: number[];
}

/** Relative errors against `delay`; for an immediate restart (0) the absolute ms instead. */
function errors(xs: number[], delay: number): number[] {
  return xs.map((x) => (delay === 0 ? x : (relativeError(x, delay) ?? 0)));
}

function errText(xs: number[], delay: number): string {
  if (xs.length === 0) return '-';
  const p95 = percentile(errors(xs, delay), 95);
  return delay === 0 ? `${p95.toFixed(0)} ms` : pct(p95);
}

/** Restart counts and back-off waits against Kubernetes' schedule, as report lines with verdicts. */
export function analyzeCrashes(d: CrashData): CrashReport {
  const s = d.schedule;
  const countErr: number[] = [];
  const watchErr: number[] = [];
  const expected: number[] = [];
  const field: number[] = [];
  const performed: number[] = [];
  const buckets = new Map<number, Bucket>();
  let seen = 0;
  for (const [name, t] of d.traces) {
    const first = t.starts[0];
    if (first === undefined) continue;
    seen++;
    const exp = expectedRestartCount(s, d.endAt - first);
    const got = d.counts.get(name) ?? 0;
    expected.push(exp);
    field.push(got);
    performed.push(t.starts.length - 1);
    countErr.push(relativeError(got, exp) ?? (got === 0 ? 0 : 1));
    watchErr.push(relativeError(t.starts.length - 1, exp) ?? (t.starts.length === 1 ? 0 : 1));
    for (let k = 1; k < t.starts.length && k <= t.crashes.length; k++) {
      const delay = expectedDelayMs(s, k);
      let b = buckets.get(delay);
      if (!b) buckets.set(delay, (b = { watch: [], logged: [], stamped: [] }));
      b.watch.push((t.starts[k] ?? NaN) - (t.crashes[k - 1] ?? NaN));
      const st = t.stamped.get(k);
      if (st !== undefined) b.stamped.push(st);
      const lg = t.logged.get(k);
      if (lg !== undefined) b.logged.push(lg);
    }
  }
  const logErr: number[] = [];
  const watchIntervalErr: number[] = [];
  const stampErr: number[] = [];
  const col = (xs: number[], delay: number): string =>
    `${secs(median(xs)).padStart(9)} ${errText(xs, delay).padStart(8)}`;
  const lines = [
    `  ${'back-off (Kubernetes)'.padEnd(22)} ${'n'.padStart(4)} | container log timestamps: n median p95err | watch receive: median p95err | status timestamps: median p95err`,
  ];
  for (const [delay, b] of [...buckets].sort((x, y) => x[0] - y[0])) {
    if (delay > 0) {
      logErr.push(...errors(b.logged, delay));
      watchIntervalErr.push(...errors(b.watch, delay));
      stampErr.push(...errors(b.stamped, delay));
    }
    const label = `${secs(delay)} (${secs(delay * d.scale)})`;
    lines.push(
      `  ${label.padEnd(22)} ${String(b.watch.length).padStart(4)} | ${String(b.logged.length).padStart(4)} ${col(b.logged, delay)} | ${col(b.watch, delay)} | ${col(b.stamped, delay)}`,
    );
  }
  const intervalsPass = logErr.length > 0 && percentile(logErr, 95) <= TOLERANCE;
  const countsPass = percentile(countErr, 95) <= TOLERANCE;
  const performedPass = percentile(watchErr, 95) <= TOLERANCE;
  lines.push(
    `  back-off waits > 0 from container log timestamps (crash line -> next "Starting" line, ms): ${logErr.length} measured, relative error median ${pct(median(logErr))}, p95 ${pct(percentile(logErr, 95))} -> ${verdict(intervalsPass)} (5 %)`,
    `    same waits as the client sees them (crash -> restart received on the pod watch): median ${pct(median(watchIntervalErr))}, p95 ${pct(percentile(watchIntervalErr, 95))} (not judged: includes the sim's and the client's event-loop delays)`,
    `    from status timestamps (lastState.terminated.finishedAt -> state.running.startedAt, whole seconds): median ${pct(median(stampErr))}, p95 ${pct(percentile(stampErr, 95))} (not judged: 1 s resolution)`,
    `  restarts performed by the end (container starts seen on the watch - 1): expected ${sum(expected)}, measured ${sum(performed)}; per pod error median ${pct(median(watchErr))}, p95 ${pct(percentile(watchErr, 95))} -> ${verdict(performedPass)} (5 %)`,
    `  status restartCount at the end: expected ${sum(expected)} (median ${median(expected)} per pod), reported ${sum(field)} (median ${median(field)}); per pod error median ${pct(median(countErr))}, p95 ${pct(percentile(countErr, 95))} -> ${verdict(countsPass)} (5 %)`,
  );
  if (d.probeFailures.length > 0)
    lines.push(
      `  ${d.probeFailures.length} of the log reads failed and those waits are not in the log column, e.g. ${d.probeFailures[0] ?? ''}`,
    );
  if (seen !== d.pods) lines.push(`  ${seen} pods started during the run, expected ${d.pods}`);
  return { lines, pass: intervalsPass && countsPass && performedPass && seen === d.pods, rssMiB: d.rssMiB };
}

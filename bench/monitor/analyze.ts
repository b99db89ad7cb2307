import type { TruthSnapshot } from './truth.ts';

/** A stored failure as the bench reads it back from the store. */
export interface StoredRow {
  id: number;
  key: string;
  podUid: string;
  container: string | null;
  restartCount: number;
  reason: string;
  detectedAt: number;
  logsLength: number;
  logsError: string | null;
  hasCrashLine: boolean;
  /** The capture (logs, owners, events) was attached. */
  captured: boolean;
}

export interface CaptureFigures {
  /** Crashed instances in the ground truth when the run ended. */
  expected: number;
  captured: number;
  missing: string[];
  /** Instances stored more than once (any reason), and rows no crashed instance explains. */
  duplicates: number;
  spurious: number;
  /** Captured instances whose logs are non-empty without a logsError. */
  withLogs: number;
  logErrors: string[];
  /** Why logs are missing, by kind (pod names and numbers blanked), most frequent first. */
  logErrorKinds: [string, number][];
  /** Error rows of these instances (their pods log CRASH_LINE before exiting) whose logs hold it: the dead instance's. */
  errorRows: number;
  errorRowsWithCrashLine: number;
}

export interface LatencyFigures {
  /** API accepted the crash -> the monitor's detected_at, and -> its row committed. */
  detected: number[];
  stored: number[];
  /** The stored failures these latencies are of (ids). */
  ids: number[];
  /** When each of these crashes happened, ms into the window (where in the trace the slow ones are). */
  offsets: number[];
  /** Row committed -> capture (logs, events, Services) attached. */
  captured: number[];
}

export const instanceKey = (uid: string, container: string, k: number): string => `${uid}/${container}/${k}`;

export function captureFigures(atEnd: TruthSnapshot, final: TruthSnapshot, rows: StoredRow[]): CaptureFigures {
  const byInstance = new Map<string, StoredRow[]>();
  for (const r of rows) {
    const k = instanceKey(r.podUid, r.container ?? '', r.restartCount);
    const list = byInstance.get(k);
    if (list) list.push(r);
    else byInstance.set(k, [r]);
  }
  const f: CaptureFigures = {
    expected: 0,
    captured: 0,
    missing: [],
    duplicates: 0,
    spurious: 0,
    withLogs: 0,
    logErrors: [],
    logErrorKinds: [],
    errorRows: 0,
    errorRowsWithCrashLine: 0,
  };
  const kinds = new Map<string, number>();
  const expectedRows: StoredRow[] = [];
  for (const c of atEnd.containers) {
    for (let k = 0; k < c.crashes.length; k++) {
      f.expected++;
      const found = byInstance.get(instanceKey(c.uid, c.container, k));
      if (!found) {
        if (f.missing.length < 5) f.missing.push(`${c.namespace}/${c.pod} ${c.container} instance ${k}`);
        continue;
      }
      f.captured++;
      expectedRows.push(...found);
      if (found.some((r) => r.logsLength > 0 && !r.logsError)) {
        f.withLogs++;
        continue;
      }
      const first = found[0];
      const why = !first?.captured
        ? 'capture not attached when the monitor stopped'
        : (first.logsError ?? 'empty logs');
      if (f.logErrors.length < 3) f.logErrors.push(`${c.namespace}/${c.pod} instance ${k}: ${why}`);
      const kind = why.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  }
  f.logErrorKinds = [...kinds].sort((a, b) => b[1] - a[1]);
  const known = new Set<string>();
  for (const c of final.containers)
    for (let k = 0; k < c.crashes.length; k++) known.add(instanceKey(c.uid, c.container, k));
  for (const [k, list] of byInstance) {
    if (list.length > 1) f.duplicates += list.length - 1;
    if (!known.has(k)) f.spurious += list.length;
  }
  for (const r of expectedRows) {
    if (r.reason !== 'Error') continue;
    f.errorRows++;
    if (r.hasCrashLine) f.errorRowsWithCrashLine++;
  }
  return f;
}

/** Latencies of the instances that crashed inside [from, to). */
export function latencyFigures(
  truth: TruthSnapshot,
  rows: StoredRow[],
  storedAt: Map<number, number>,
  capturedAt: Map<number, number>,
  from: number,
  to: number,
): LatencyFigures {
  const byInstance = new Map(rows.map((r) => [instanceKey(r.podUid, r.container ?? '', r.restartCount), r]));
  const out: LatencyFigures = { detected: [], stored: [], ids: [], offsets: [], captured: [] };
  for (const c of truth.containers) {
    c.crashes.forEach((at, k) => {
      if (at < from || at >= to) return;
      const r = byInstance.get(instanceKey(c.uid, c.container, k));
      if (!r) return;
      out.detected.push(r.detectedAt - at);
      out.ids.push(r.id);
      out.offsets.push(at - from);
      const s = storedAt.get(r.id);
      out.stored.push(s === undefined ? NaN : s - at);
      const cap = capturedAt.get(r.id);
      if (s !== undefined && cap !== undefined) out.captured.push(cap - s);
    });
  }
  return out;
}

/** Where in the window the slowest 1 % of stored crashes happened: "t+0.4..2.1 s (31 crashes)". */
export function slowestOffsets(l: LatencyFigures): string {
  const order = l.stored
    .map((ms, i) => [ms, l.offsets[i] ?? 0] as const)
    .filter(([ms]) => Number.isFinite(ms))
    .sort((a, b) => b[0] - a[0]);
  const slow = order
    .slice(0, Math.max(1, Math.ceil(order.length / 100)))
    .map(([, at]) => at / 1000)
    .sort((a, b) => a - b);
  if (slow.length === 0) return 'none';
  return `t+${slow[0]?.toFixed(1)}..${slow.at(-1)?.toFixed(1)} s into the window (${slow.length} crashes)`;
}

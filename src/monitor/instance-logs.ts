import type { FailureSignal } from './detect.ts';

/**
 * Which instance a container's log lines came from, told by their timestamps. The kubelet answers
 * `previous`/current from its own view of the pod, which can be ahead of the status the API server
 * shows (after a kubelet restart its status writes queue behind its client rate limit for seconds):
 * a read chosen by the API's restart count can then return a newer instance's lines. Lines are
 * requested with `timestamps=true` and compared with the dead instance's startedAt/finishedAt.
 */

/** The kubelet's `--timestamps` prefix: RFC 3339 with nanoseconds, then one space. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

export interface StampedLines {
  /** The lines without their prefix, as a plain read would have returned them. */
  text: string;
  /** Epoch ms of each prefixed line. */
  times: number[];
}

export function splitLogTimestamps(stamped: string): StampedLines {
  const times: number[] = [];
  const text = stamped
    .split('\n')
    .map((line) => {
      const m = STAMP.exec(line);
      if (!m?.[1]) return line;
      const t = Date.parse(m[1]);
      if (Number.isFinite(t)) times.push(t);
      return line.slice(m[0].length);
    })
    .join('\n');
  return { text, times };
}

export interface InstanceWindow {
  startMs: number;
  /** Exclusive: finishedAt is reported in whole seconds, so lines up to one second after it may be its own. */
  endMs: number;
  /**
   * Set unless the next instance is known to have started in a later second: an immediate restart
   * can start it within the second the failed one finished in (both times are whole seconds), and
   * the kubelet may already serve it as "current" while the API still shows the termination. Lines
   * from then on may be either instance's; a read whose every line falls there, of an instance that
   * ran since an earlier second, is taken as the successor's (the failed instance would have written
   * nothing before its last second otherwise).
   */
  sharedFromMs?: number;
}

/** When the failed instance ran, if its status said (terminated instances only). */
export function instanceWindow(s: FailureSignal): InstanceWindow | undefined {
  if (s.kind !== 'terminated' || !s.startedAt || !s.occurredAt) return undefined;
  const start = Date.parse(s.startedAt);
  const end = Date.parse(s.occurredAt);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  const next = s.successorStartedAt ? Date.parse(s.successorStartedAt) : NaN;
  const shared = start < end && !(Number.isFinite(next) && next > end);
  return { startMs: start, endMs: end + 1000, ...(shared ? { sharedFromMs: end } : {}) };
}

/**
 * `later`: some line was written after the instance ended (a newer instance's logs); `earlier`:
 * before it started (an older one's); `inside`: every line fits; `unknown`: no lines or no window.
 */
export function placeLines(times: number[], w: InstanceWindow | undefined): 'inside' | 'earlier' | 'later' | 'unknown' {
  if (!w || times.length === 0) return 'unknown';
  if (times.some((t) => t >= w.endMs)) return 'later';
  if (w.sharedFromMs !== undefined && times.every((t) => t >= (w.sharedFromMs ?? 0))) return 'later';
  if (times.some((t) => t < w.startMs)) return 'earlier';
  return 'inside';
}

/**
 * What to do after a read placed its lines: keep it, read the kubelet's previous or current
 * instance instead, or give up: lines newer than the instance even in `previous` mean the kubelet
 * has moved on twice (it keeps only one dead instance addressable); older ones in the current
 * read mean it has not yet seen the instance die.
 */
export function nextRead(
  place: ReturnType<typeof placeLines>,
  previous: boolean,
): 'accept' | 'previous' | 'current' | 'gone' | 'older' {
  if (place === 'later') return previous ? 'gone' : 'previous';
  if (place === 'earlier') return previous ? 'current' : 'older';
  return 'accept';
}

/**
 * Kubernetes' CrashLoopBackOff schedule (kubelet doBackOff over flowcontrol.Backoff, without
 * jitter): the first restart after a crash is immediate (no back-off entry yet); every later one
 * waits base, 2 x base, 4 x base ... up to max (10 s doubling to 5 min). The entry expires when
 * more than 2 x max passed since its last update, i.e. after a container ran longer than 10 min,
 * which a container that crashes every few seconds never does. restartCount counts containers
 * created after the first (the kubelet sets it when it creates the next container), so during a
 * back-off wait it still shows the restarts made so far.
 */
export interface BackoffSchedule {
  baseMs: number;
  maxMs: number;
  /** How long each container runs before it crashes. */
  runMs: number;
}

/** The wait before the restart that follows crash number k (1-based). */
export function expectedDelayMs(s: BackoffSchedule, k: number): number {
  if (k <= 1) return 0;
  return Math.min(s.baseMs * 2 ** (k - 2), s.maxMs);
}

/** Container start times (ms after the first start) up to `untilMs`, the first one included. */
export function expectedStarts(s: BackoffSchedule, untilMs: number): number[] {
  const starts = [0];
  for (let k = 1; ; k++) {
    const next = (starts[starts.length - 1] ?? 0) + s.runMs + expectedDelayMs(s, k);
    if (next > untilMs) return starts;
    starts.push(next);
  }
}

/** restartCount a real kubelet reports `elapsedMs` after the container first started. */
export function expectedRestartCount(s: BackoffSchedule, elapsedMs: number): number {
  return expectedStarts(s, elapsedMs).length - 1;
}

/** |measured - expected| / expected; undefined when nothing is expected. */
export function relativeError(measured: number, expected: number): number | undefined {
  return expected === 0 ? undefined : Math.abs(measured - expected) / expected;
}

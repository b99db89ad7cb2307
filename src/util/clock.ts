/**
 * Time as a dependency: loops that wait, back off or resync take a Clock, so tests drive them with
 * a fake one instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; the timer never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
  /** In [0, 1): the source of jitter. */
  random(): number;
}

export interface ClockTimer {
  readonly id: unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { id: t };
  },
  clearTimeout(timer) {
    clearTimeout(timer.id as NodeJS.Timeout);
  },
  random: () => Math.random(),
};

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Each delay is stretched by up to this fraction at random, so many clients do not retry in step. */
  jitter: number;
}

/** initial, 2x, 4x ... capped at max, each stretched by up to `jitter` (client-go's JitterUntil pattern). */
export function jitteredBackoff(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (1 + policy.jitter * random()));
}

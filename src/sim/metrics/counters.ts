/**
 * Cumulative counters (CPU seconds, requests served) integrated from rates the workload models give
 * at each moment. A key names one counting process: a container instance (pod uid, container,
 * container ID and start time), so a restart is a new key and its counter starts over, as a real
 * process's would.
 */
export interface Cumulative {
  /** The counter for `key` now, for a process started at `startMs` that is counting `ratePerSec` now. */
  total(key: string, startMs: number, ratePerSec: number): number;
}

/** Assumes the rate was the same all along: rate x uptime. Pure; for tests and one-off renders. */
export function steadyCumulative(now: Date): Cumulative {
  return { total: (_key, startMs, rate) => (Math.max(0, rate) * Math.max(0, now.getTime() - startMs)) / 1000 };
}

interface Entry {
  value: number;
  lastMs: number;
  lastRate: number;
}

/**
 * The stateful source the sim serves from. A key seen for the first time starts at rate x uptime
 * (the process has been counting since it started); after that each read adds the trapezoid
 * (previous rate + rate) / 2 x elapsed time, so the counter never decreases while its process runs,
 * whatever the rate does. Keys not read for `ttlMs` are forgotten.
 */
export class CounterBook {
  private readonly entries = new Map<string, Entry>();
  private reads = 0;

  constructor(private readonly ttlMs = 60 * 60_000) {}

  at(now: Date): Cumulative {
    return { total: (key, startMs, rate) => this.total(key, startMs, rate, now.getTime()) };
  }

  get size(): number {
    return this.entries.size;
  }

  total(key: string, startMs: number, ratePerSec: number, nowMs: number): number {
    const rate = Number.isFinite(ratePerSec) ? Math.max(0, ratePerSec) : 0;
    if (++this.reads % 512 === 0) this.sweep(nowMs);
    let e = this.entries.get(key);
    if (!e) {
      e = { value: (rate * Math.max(0, nowMs - startMs)) / 1000, lastMs: nowMs, lastRate: rate };
      this.entries.set(key, e);
      return e.value;
    }
    const dt = nowMs - e.lastMs;
    if (dt > 0) {
      e.value += (((e.lastRate + rate) / 2) * dt) / 1000;
      e.lastMs = nowMs;
    }
    e.lastRate = rate;
    return e.value;
  }

  sweep(nowMs: number): void {
    for (const [k, e] of this.entries) if (nowMs - e.lastMs > this.ttlMs) this.entries.delete(k);
  }
}

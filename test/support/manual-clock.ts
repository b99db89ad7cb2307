import type { Clock, ClockTimer } from '../../src/util/clock.ts';

/** A Clock that moves only when the test says so: timers run on `advance`, in due order. */
export class ManualClock implements Clock {
  private at: number;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  constructor(
    start = Date.parse('2026-01-01T00:00:00Z'),
    private readonly jitter = 0,
  ) {
    this.at = start;
  }

  now(): number {
    return this.at;
  }

  random(): number {
    return this.jitter;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = this.nextId++;
    this.timers.set(id, { due: this.at + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer.id as number);
  }

  /** Timers waiting, with how long until each is due (for asserting back-off delays). */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.due - this.at).sort((a, b) => a - b);
  }

  /** Moves time forward, running every timer that falls due (timers they set included). */
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.due <= until).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.at = Math.max(this.at, due[1].due);
      due[1].fn();
    }
    this.at = until;
  }
}

/**
 * The worker's sleep: until the next poll, or earlier when woken (something was enqueued due now)
 * or when the earliest known due time arrives (a group's window end, a retry). Only the earliest
 * future time is kept; later ones are picked up by the poll, which bounds their lateness.
 */
export class Waker {
  private nextAt = Number.POSITIVE_INFINITY;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly pollMs: number,
  ) {}

  wake(at?: number): void {
    if (at === undefined || at <= this.now()) {
      this.pending = true;
      this.fire();
      return;
    }
    if (at >= this.nextAt) return;
    this.nextAt = at;
    if (this.resolve) this.arm();
  }

  sleep(): Promise<void> {
    if (this.pending || this.closed) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.arm();
    });
  }

  close(): void {
    this.closed = true;
    this.fire();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const until = Math.min(this.nextAt, now + this.pollMs);
    this.timer = setTimeout(() => this.fire(), Math.max(0, until - now));
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.nextAt <= this.now()) this.nextAt = Number.POSITIVE_INFINITY;
    const r = this.resolve;
    this.resolve = undefined;
    if (r) {
      this.pending = false;
      r();
    }
  }
}

/**
 * Runs at most `max` tasks at once; the rest wait in arrival order. Keeps a burst of captures
 * (100 crashes in a second) from opening hundreds of log streams against the API server.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`limiter: max must be a positive integer, got ${max}`);
  }

  get pending(): number {
    return this.waiting.length + this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

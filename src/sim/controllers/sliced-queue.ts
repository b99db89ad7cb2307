/**
 * A deduplicating set of keys processed in slices of at most `sliceMs`, yielding to the event
 * loop between slices: what a component needs when one event makes thousands of keys dirty at
 * once (10,000 pods starting, a resync) and a single pass would hold every API request behind it.
 * The kubelet model's status writes (markDirty) are meant to go through one of these:
 *   const statusQueue = new SlicedQueue((key) => writeStatus(key));
 *   markDirty = (key) => statusQueue.add(key);   // and statusQueue.stop() on stop
 */
export interface SlicedQueueOptions {
  sliceMs?: number;
  onError?: (key: string, err: unknown) => void;
}

export class SlicedQueue {
  private readonly keys = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly sliceMs: number;

  constructor(
    private readonly process: (key: string) => void,
    private readonly opts: SlicedQueueOptions = {},
  ) {
    this.sliceMs = opts.sliceMs ?? 10;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.keys.add(key);
    this.schedule();
  }

  get size(): number {
    return this.keys.size;
  }

  stop(): void {
    this.stopped = true;
    this.keys.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.keys.size === 0) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    for (const key of this.keys) {
      if (this.stopped) return;
      this.keys.delete(key);
      try {
        this.process(key);
      } catch (err) {
        this.opts.onError?.(key, err);
      }
      if (performance.now() >= until) break;
    }
    this.schedule();
  }
}

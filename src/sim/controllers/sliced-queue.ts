import { sharedSlices, type SliceScheduler } from './slice-scheduler.ts';

/**
 * A deduplicating set of keys processed in slices, yielding to the event loop between them:
 * what a component needs when one event makes thousands of keys dirty at once (10,000 pods
 * starting, a resync) and a single pass would hold every API request behind it. The slices come
 * from the process's shared budget (slice-scheduler.ts), at most `sliceMs` of it per turn.
 * The kubelet model's status writes go through one of these.
 */
export interface SlicedQueueOptions {
  sliceMs?: number;
  onError?: (key: string, err: unknown) => void;
  /** The turns' budget to share (the process's, unless a test brings its own). */
  slices?: SliceScheduler;
}

export class SlicedQueue {
  private readonly keys = new Set<string>();
  private stopped = false;
  private readonly sliceMs: number;
  private readonly slices: SliceScheduler;
  private readonly step = (deadline: number): boolean => this.run(deadline);

  constructor(
    private readonly process: (key: string) => void,
    private readonly opts: SlicedQueueOptions = {},
  ) {
    this.sliceMs = opts.sliceMs ?? 10;
    this.slices = opts.slices ?? sharedSlices;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.keys.add(key);
    this.slices.request(this.step);
  }

  get size(): number {
    return this.keys.size;
  }

  stop(): void {
    this.stopped = true;
    this.keys.clear();
    this.slices.cancel(this.step);
  }

  private run(deadline: number): boolean {
    const until = Math.min(deadline, performance.now() + this.sliceMs);
    for (const key of this.keys) {
      if (this.stopped) return false;
      this.keys.delete(key);
      try {
        this.process(key);
      } catch (err) {
        this.opts.onError?.(key, err);
      }
      if (performance.now() >= until) break;
    }
    return this.keys.size > 0;
  }
}

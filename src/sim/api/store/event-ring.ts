import type { StoreEvent } from './stored.ts';

/**
 * A bounded window of the most recent events of one resource, oldest first. Watches resume from
 * it and paged lists read snapshots through it; anything older has been compacted away (410).
 */
export class EventRing {
  private readonly buf: (StoreEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** The resourceVersion of the newest event that fell out of the window (0 = none yet). */
  private compactedThrough = 0;

  constructor(readonly capacity: number) {
    this.buf = new Array<StoreEvent | undefined>(capacity);
  }

  push(e: StoreEvent): void {
    if (this.size === this.capacity) {
      const dropped = this.buf[this.start];
      if (dropped) this.compactedThrough = dropped.rv;
      this.buf[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.buf[(this.start + this.size) % this.capacity] = e;
      this.size++;
    }
  }

  /** Forgets history up to `rv`, whatever the window still holds (like an etcd compaction). */
  compactThrough(rv: number): void {
    this.compactedThrough = Math.max(this.compactedThrough, rv);
  }

  /** True when every event after `rv` is still in the window. */
  covers(rv: number): boolean {
    return rv >= this.compactedThrough;
  }

  /** The oldest resourceVersion a reader may still resume from. */
  oldestResumable(): number {
    return this.compactedThrough;
  }

  /** Events with resourceVersion > rv, oldest first. */
  since(rv: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    // Binary search for the first event after rv: events are in rv order.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.buf[(this.start + mid) % this.capacity];
      if (e && e.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.size; i++) {
      const e = this.buf[(this.start + i) % this.capacity];
      if (e) out.push(e);
    }
    return out;
  }
}

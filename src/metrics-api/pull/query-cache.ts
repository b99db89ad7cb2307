/**
 * Query results kept for a short time, so that a burst of HPA requests (every HPA of a namespace,
 * every replica of the aggregator) costs one PromQL query: concurrent misses share the one
 * in-flight query, and the answer is reused for `ttlMs`. Failures are not kept, so the next
 * request tries again. The number of entries is bounded.
 *
 * Refresh ahead: a request in the last `refreshAheadMs` of an answer's life starts the next query
 * in the background and still gets the current answer, so a key in steady use never makes a
 * request wait for Prometheus. No answer is served past its TTL: once it expires, requests wait
 * for the query in flight.
 */

interface Slot<T> {
  value: Promise<T>;
  expiresAtMs: number;
  refreshing: boolean;
}

export class QueryCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly refreshAheadMs: number;
  hits = 0;
  misses = 0;
  refreshes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    refreshAheadMs?: number,
  ) {
    this.refreshAheadMs = Math.min(refreshAheadMs ?? ttlMs / 4, ttlMs);
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const slot = this.slots.get(key);
    if (slot && slot.expiresAtMs > now) {
      this.hits++;
      if (!slot.refreshing && slot.expiresAtMs - now <= this.refreshAheadMs) this.refresh(key, slot, load);
      return slot.value;
    }
    this.misses++;
    if (slot) this.slots.delete(key);
    if (this.slots.size >= this.maxEntries) this.evict(now);
    const value = load();
    // Until it settles the slot is shared; it counts its TTL from the answer, not the question.
    const entry: Slot<T> = { value, expiresAtMs: Number.POSITIVE_INFINITY, refreshing: false };
    this.slots.set(key, entry);
    value.then(
      () => {
        entry.expiresAtMs = this.now() + this.ttlMs;
      },
      () => {
        if (this.slots.get(key) === entry) this.slots.delete(key);
      },
    );
    return value;
  }

  clear(): void {
    this.slots.clear();
  }

  /** The next answer for a key in use; it replaces the current one only when it succeeds. */
  private refresh(key: string, slot: Slot<T>, load: () => Promise<T>): void {
    slot.refreshing = true;
    this.refreshes++;
    const next = load();
    next.then(
      () => {
        if (this.slots.get(key) === slot)
          Object.assign(slot, { value: next, expiresAtMs: this.now() + this.ttlMs, refreshing: false });
      },
      // A failed refresh leaves the current answer to expire; the request after that asks again.
      () => {
        slot.refreshing = false;
      },
    );
  }

  private evict(now: number): void {
    for (const [k, s] of this.slots) if (s.expiresAtMs <= now) this.slots.delete(k);
    // Still full: drop the oldest (Map order is insertion order).
    for (const k of this.slots.keys()) {
      if (this.slots.size < this.maxEntries) break;
      this.slots.delete(k);
    }
  }
}

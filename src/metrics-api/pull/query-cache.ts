/**
 * Query results kept for a short time, so that a burst of HPA requests (every HPA of a namespace,
 * every replica of the aggregator) costs one PromQL query: concurrent misses share the one
 * in-flight query, and the answer is reused for `ttlMs`. Failures are not kept, so the next
 * request tries again. The number of entries is bounded.
 */

interface Slot<T> {
  value: Promise<T>;
  expiresAtMs: number;
}

export class QueryCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  hits = 0;
  misses = 0;

  constructor(private readonly ttlMs: number, private readonly maxEntries: number, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.slots.size;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const slot = this.slots.get(key);
    if (slot && slot.expiresAtMs > now) {
      this.hits++;
      return slot.value;
    }
    this.misses++;
    if (slot) this.slots.delete(key);
    if (this.slots.size >= this.maxEntries) this.evict(now);
    const value = load();
    // Until it settles the slot is shared; it counts its TTL from the answer, not the question.
    const entry: Slot<T> = { value, expiresAtMs: Number.POSITIVE_INFINITY };
    this.slots.set(key, entry);
    value.then(
      () => { entry.expiresAtMs = this.now() + this.ttlMs; },
      () => { if (this.slots.get(key) === entry) this.slots.delete(key); },
    );
    return value;
  }

  clear(): void {
    this.slots.clear();
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

/**
 * client-go's EventCorrelator (tools/record/events_cache.go, 1.20), which every recorder runs
 * before it writes an Event:
 *   - aggregation: events alike but for their message (same source, object, type and reason)
 *     become one "(combined from similar events): ..." event once 10 distinct messages arrived
 *     within 10 minutes;
 *   - deduplication: an event seen before (LRU of 4,096 keys) bumps the stored one's count;
 *   - spam filter: a token bucket per source and object (burst 25, one token per 5 minutes)
 *     drops what exceeds it.
 * Pure bookkeeping with an injectable clock; the recorder does the writes.
 */
export interface CorrelatedEvent {
  component: string;
  host: string;
  namespace: string;
  kind: string;
  name: string;
  uid: string;
  apiVersion: string;
  fieldPath: string;
  type: string;
  reason: string;
  message: string;
}

export type Correlation =
  | { action: 'skip' }
  /** Write a new Event with this message; report its name with `created(key, name)`. */
  | { action: 'create'; key: string; message: string }
  /** Bump the Event called `name` to `count`, with this message. */
  | { action: 'update'; key: string; name: string; count: number; message: string };

export interface EventCorrelatorOptions {
  now?: () => number;
  maxLruEntries?: number;
  /** defaultAggregateMaxEvents and defaultAggregateIntervalInSeconds: 10 and 600 s. */
  aggregateMaxEvents?: number;
  aggregateIntervalMs?: number;
  /** defaultSpamBurst and defaultSpamQPS: 25, and 1/300 per second. */
  spamBurst?: number;
  spamQps?: number;
}

/** A Map used as an LRU cache: reads move an entry to the back, inserts evict from the front. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const SEP = '\u0000';

export class EventCorrelator {
  private readonly now: () => number;
  private readonly aggregates: Lru<{ messages: Set<string>; last: number }>;
  private readonly observed: Lru<{ name: string | undefined; count: number }>;
  private readonly buckets: Lru<{ tokens: number; at: number }>;
  private readonly o: Required<Omit<EventCorrelatorOptions, 'now'>>;

  constructor(opts: EventCorrelatorOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.o = {
      maxLruEntries: opts.maxLruEntries ?? 4096,
      aggregateMaxEvents: opts.aggregateMaxEvents ?? 10,
      aggregateIntervalMs: opts.aggregateIntervalMs ?? 600_000,
      spamBurst: opts.spamBurst ?? 25,
      spamQps: opts.spamQps ?? 1 / 300,
    };
    this.aggregates = new Lru(this.o.maxLruEntries);
    this.observed = new Lru(this.o.maxLruEntries);
    this.buckets = new Lru(this.o.maxLruEntries);
  }

  correlate(e: CorrelatedEvent): Correlation {
    const { key, message } = this.aggregate(e);
    const seen = this.observed.get(key);
    const count = (seen?.count ?? 0) + 1;
    this.observed.set(key, { name: seen?.name, count });
    if (!this.allow(e)) return { action: 'skip' };
    return seen?.name ? { action: 'update', key, name: seen.name, count, message } : { action: 'create', key, message };
  }

  /** The Event written for `key` is called `name` (so repeats update it). */
  created(key: string, name: string): void {
    this.observed.set(key, { name, count: 1 });
  }

  /** The Event written for `key` is gone (deleted meanwhile): the next occurrence creates one. */
  forget(key: string): void {
    this.observed.set(key, { name: undefined, count: 0 });
  }

  private aggregate(e: CorrelatedEvent): { key: string; message: string } {
    const objectKey = [e.component, e.host, e.kind, e.namespace, e.name, e.uid, e.apiVersion].join(SEP);
    const aggregateKey = [objectKey, e.type, e.reason].join(SEP);
    const now = this.now();
    let record = this.aggregates.get(aggregateKey);
    if (!record || now - record.last > this.o.aggregateIntervalMs) record = { messages: new Set(), last: now };
    record.messages.add(e.message);
    record.last = now;
    this.aggregates.set(aggregateKey, record);
    if (record.messages.size < this.o.aggregateMaxEvents)
      return { key: [objectKey, e.fieldPath, e.type, e.reason, e.message].join(SEP), message: e.message };
    // Keep the set at its limit, as the aggregator pops one key.
    record.messages.delete(record.messages.values().next().value as string);
    return { key: aggregateKey, message: `(combined from similar events): ${e.message}` };
  }

  /** The spam filter's token bucket for the event's source and object. */
  private allow(e: CorrelatedEvent): boolean {
    const spamKey = [e.component, e.host, e.kind, e.namespace, e.name, e.uid, e.apiVersion].join(SEP);
    const now = this.now();
    const b = this.buckets.get(spamKey) ?? { tokens: this.o.spamBurst, at: now };
    b.tokens = Math.min(this.o.spamBurst, b.tokens + ((now - b.at) / 1000) * this.o.spamQps);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(spamKey, b);
    return ok;
  }
}

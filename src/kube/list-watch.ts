import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kubeGetJson, KubeApiError } from './http.ts';
import { jitteredBackoff, systemClock, type BackoffPolicy, type Clock, type ClockTimer } from '../util/clock.ts';
import { InformerHealth, type InformerHealthReport } from './informer-health.ts';

/** A watched object reduced to what Kubeloop reads (metadata it needs, no managedFields). */
export interface Keyed {
  metadata: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
}

/**
 * A handler may return a promise: the cache takes the change only once it resolves. If it throws
 * or rejects, the cache keeps the state the handler last accepted and the change is delivered again
 * (with the newest object for its key) after a back-off, so nothing the consumer failed to act on
 * waits for a relist that may never come.
 */
export interface ListWatchHandlers<T> {
  /** Every object seen new or changed; after a relist and on resync also everything still there. */
  upsert?: (obj: T, old: T | undefined) => void | Promise<void>;
  delete?: (obj: T) => void | Promise<void>;
  /** After each complete list (first start and every relist). */
  synced?: (relist: boolean) => void;
}

export interface ListWatchOptions<T extends Keyed> {
  kc: KubeConfig;
  /** Collection path, e.g. /api/v1/pods or /api/v1/namespaces/x/events. */
  path: string;
  /** Reduces and checks a raw object; a reason string rejects it (logged, never fatal). */
  slim: (raw: unknown) => T | string;
  fieldSelector?: string;
  pageSize?: number;
  logger?: Logger;
  /** Wait before re-watching after a dropped connection: grows to 30 s on repeated failures, with jitter. */
  retryBaseMs?: number;
  /** Wait before delivering a change again after its handler failed: grows to 60 s. */
  handlerRetryBaseMs?: number;
  /** Every so often (jittered) every cached object is delivered again as an upsert; 0 = never (default). */
  resyncMs?: number;
  clock?: Clock;
}

/**
 * Items per list page. A page is read as one string and parsed at once, so its size sets how much
 * short-lived garbage each page leaves: 500 realistic pods (~6 MB of JSON) pushed `kubeloop up` to a
 * 570 MiB peak at 15,000 pods, 100 to 260 MiB, and the list finished sooner (bench/monitor, steady).
 */
const DEFAULT_PAGE_SIZE = 100;

type Delivery<T> = { kind: 'upsert' | 'delete'; obj: T };
/** A delivery whose handler failed, and how many times in a row for its key. */
type Failed<T> = Delivery<T> & { attempts: number };

/**
 * An informer: lists (paged), then watches from the list's resourceVersion with bookmarks; a
 * dropped watch resumes from the last resourceVersion seen; 410 Gone relists and reconciles the
 * cache (objects gone meanwhile are reported deleted, everything present re-upserted), so a
 * consumer that acts on the current state never misses a change that happened while disconnected.
 */
export class ListWatch<T extends Keyed> {
  private readonly cache = new Map<string, T>();
  /** The sequence number of the newest delivery per key: an older one finishing late changes nothing. */
  private readonly newest = new Map<string, number>();
  /** Deliveries whose handler failed, waiting for a retry (the newest per key). */
  private readonly failed = new Map<string, Failed<T>>();
  private seq = 0;
  private inFlight = 0;
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private watchTimer: ClockTimer | undefined;
  private retryTimer: ClockTimer | undefined;
  private resyncTimer: ClockTimer | undefined;
  private stopped = true;
  private connectionFailures = 0;
  private readonly handlers: ListWatchHandlers<T>;
  private readonly clock: Clock;
  private readonly healthState: InformerHealth;
  /** Counters for /metrics and tests. */
  readonly stats = {
    lists: 0,
    watches: 0,
    relistsOn410: 0,
    rejected: 0,
    events: 0,
    handlerErrors: 0,
    redeliveries: 0,
    resyncs: 0,
  };

  constructor(
    private readonly opts: ListWatchOptions<T>,
    handlers: ListWatchHandlers<T> = {},
  ) {
    this.handlers = handlers;
    this.clock = opts.clock ?? systemClock;
    this.healthState = new InformerHealth(opts.path, this.clock);
  }

  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  values(): IterableIterator<T> {
    return this.cache.values();
  }

  get size(): number {
    return this.cache.size;
  }

  get(uid: string): T | undefined {
    return this.cache.get(uid);
  }

  /** What /readyz and /metrics report: synced or not, connected or not since when, and why. */
  health(): InformerHealthReport {
    return this.healthState.report({ pendingRedeliveries: this.failed.size, handlersRunning: this.inFlight });
  }

  /** Resolves after the first complete list. */
  async start(): Promise<void> {
    this.stopped = false;
    this.healthState.listing();
    try {
      await this.list(false);
    } catch (err) {
      this.healthState.failed(err);
      throw err;
    }
    this.watch();
    this.scheduleResync();
  }

  stop(): void {
    this.stopped = true;
    this.healthState.stopped();
    for (const t of [this.watchTimer, this.retryTimer, this.resyncTimer]) if (t) this.clock.clearTimeout(t);
    this.abort?.abort();
  }

  private keyOf(obj: T): string {
    return obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  }

  private accept(raw: unknown): T | undefined {
    const slim = this.opts.slim(raw);
    if (typeof slim === 'string') {
      this.stats.rejected++;
      this.opts.logger?.warn({ path: this.opts.path, reason: slim }, 'list-watch: object ignored');
      return undefined;
    }
    return slim;
  }

  /** Hands one change to its handler; the cache follows once the handler accepted it. */
  private deliver(key: string, d: Delivery<T>, attempt = 0): void {
    const seq = ++this.seq;
    this.newest.set(key, seq);
    this.failed.delete(key);
    let result: void | Promise<void>;
    try {
      result = d.kind === 'upsert' ? this.handlers.upsert?.(d.obj, this.cache.get(key)) : this.handlers.delete?.(d.obj);
    } catch (err) {
      this.handlerFailed(key, d, seq, attempt, err);
      return;
    }
    if (!(result instanceof Promise)) {
      this.accepted(key, d, seq);
      return;
    }
    this.inFlight++;
    result
      .then(
        () => this.accepted(key, d, seq),
        (err: unknown) => this.handlerFailed(key, d, seq, attempt, err),
      )
      .finally(() => this.inFlight--);
  }

  private accepted(key: string, d: Delivery<T>, seq: number): void {
    if (this.newest.get(key) !== seq) return;
    if (d.kind === 'upsert') {
      this.cache.set(key, d.obj);
      return;
    }
    this.cache.delete(key);
    this.newest.delete(key);
  }

  private handlerFailed(key: string, d: Delivery<T>, seq: number, attempt: number, err: unknown): void {
    this.stats.handlerErrors++;
    this.opts.logger?.warn(
      { path: this.opts.path, key, change: d.kind, err },
      'list-watch: handler failed; the change will be delivered again',
    );
    // A newer delivery of the key carries the current state; it is the one that counts.
    if (this.newest.get(key) !== seq || this.stopped) return;
    this.failed.set(key, { kind: d.kind, obj: d.obj, attempts: attempt + 1 });
    this.scheduleRedelivery();
  }

  private scheduleRedelivery(): void {
    if (this.retryTimer || this.stopped) return;
    const attempts = Math.max(...[...this.failed.values()].map((f) => f.attempts));
    const policy: BackoffPolicy = { initialMs: this.opts.handlerRetryBaseMs ?? 1_000, maxMs: 60_000, jitter: 0.2 };
    this.retryTimer = this.clock.setTimeout(
      () => {
        this.retryTimer = undefined;
        if (this.stopped) return;
        for (const [key, f] of [...this.failed]) {
          this.stats.redeliveries++;
          this.deliver(key, { kind: f.kind, obj: f.obj }, f.attempts);
        }
      },
      jitteredBackoff(policy, attempts, () => this.clock.random()),
    );
  }

  private scheduleResync(): void {
    const every = this.opts.resyncMs ?? 0;
    if (every <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(
      () => {
        if (this.stopped) return;
        this.stats.resyncs++;
        for (const [key, obj] of [...this.cache]) if (!this.failed.has(key)) this.deliver(key, { kind: 'upsert', obj });
        this.scheduleResync();
      },
      Math.round(every * (1 + 0.1 * this.clock.random())),
    );
  }

  private async list(relist: boolean): Promise<void> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await kubeGetJson(this.opts.kc, this.opts.path, {
        limit: this.opts.pageSize ?? DEFAULT_PAGE_SIZE,
        continue: cont,
        fieldSelector: this.opts.fieldSelector,
      });
      const body = page as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
      if (!Array.isArray(body.items)) throw new Error(`${this.opts.path}: the list has no items array`);
      for (const raw of body.items) {
        const obj = this.accept(raw);
        if (!obj) continue;
        const key = this.keyOf(obj);
        seen.add(key);
        this.deliver(key, { kind: 'upsert', obj });
      }
      cont = body.metadata?.continue || undefined;
      rv = body.metadata?.resourceVersion ?? rv;
    } while (cont);
    for (const [key, obj] of [...this.cache]) if (!seen.has(key)) this.deliver(key, { kind: 'delete', obj });
    // A change that never reached the cache and is gone now: its consumer hears of the deletion too.
    for (const [key, d] of [...this.failed])
      if (!seen.has(key) && d.kind === 'upsert') this.deliver(key, { kind: 'delete', obj: d.obj });
    this.resourceVersion = rv;
    this.stats.lists++;
    this.healthState.synced();
    this.handlers.synced?.(relist);
  }

  private watch(): void {
    if (this.stopped) return;
    this.stats.watches++;
    const query = {
      watch: true,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      fieldSelector: this.opts.fieldSelector,
      timeoutSeconds: 300,
    };
    let gone = false;
    let ended = false;
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      this.afterWatch(gone, err);
    };
    void new Watch(this.opts.kc)
      .watch(
        this.opts.path,
        query,
        (type: string, raw: unknown) => {
          this.stats.events++;
          this.healthState.event();
          if (type === 'ERROR') {
            const code = (raw as { code?: number }).code;
            if (code === 410) gone = true;
            else this.opts.logger?.warn({ path: this.opts.path, status: raw }, 'list-watch: watch error event');
            return;
          }
          const rv = (raw as Keyed).metadata?.resourceVersion;
          if (type === 'BOOKMARK') {
            if (rv) this.resourceVersion = rv;
            return;
          }
          const obj = this.accept(raw);
          if (rv) this.resourceVersion = rv;
          if (!obj) return;
          this.connectionFailures = 0;
          this.deliver(this.keyOf(obj), { kind: type === 'DELETED' ? 'delete' : 'upsert', obj });
        },
        end,
      )
      .then((abort) => {
        this.abort = abort;
        // The promise resolves after a failed request too (the done callback has run by then).
        if (ended) return;
        this.connectionFailures = 0;
        this.healthState.watching();
      }, end);
  }

  /** A watch ended: on 410 relist; otherwise (timeout, dropped connection) resume from the last RV. */
  private afterWatch(gone: boolean, err: unknown): void {
    if (this.stopped) return;
    const is410 =
      gone ||
      (err instanceof KubeApiError && err.code === 410) ||
      (err as { statusCode?: number } | null)?.statusCode === 410;
    if (err && !is410) {
      this.connectionFailures++;
      this.healthState.failed(err);
      this.opts.logger?.warn(
        { path: this.opts.path, err: (err as Error).message, attempt: this.connectionFailures },
        'list-watch: watch dropped; resuming',
      );
    }
    const policy: BackoffPolicy = { initialMs: this.opts.retryBaseMs ?? 200, maxMs: 30_000, jitter: 0.5 };
    const delay =
      this.connectionFailures === 0 ? 0 : jitteredBackoff(policy, this.connectionFailures, () => this.clock.random());
    this.watchTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (!is410) return this.watch();
      this.stats.relistsOn410++;
      this.healthState.listing();
      this.list(true).then(
        () => this.watch(),
        (listErr: unknown) => {
          this.connectionFailures++;
          this.healthState.failed(listErr);
          this.opts.logger?.warn(
            { path: this.opts.path, err: (listErr as Error).message },
            'list-watch: relist failed; retrying',
          );
          this.afterWatch(true, undefined);
        },
      );
    }, delay);
  }
}

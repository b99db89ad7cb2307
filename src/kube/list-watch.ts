import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { kubeGetJson, KubeApiError } from './http.ts';

/** A watched object reduced to what Kubeloop reads (metadata it needs, no managedFields). */
export interface Keyed {
  metadata: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
}

export interface ListWatchHandlers<T> {
  /** Called for every object seen new or changed; after a relist also for everything still there. */
  upsert?: (obj: T, old: T | undefined) => void;
  delete?: (obj: T) => void;
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
  /** Wait before re-watching after a dropped connection (grows to 30 s on repeated failures). */
  retryBaseMs?: number;
}

type Status = 'stopped' | 'listing' | 'watching';

/**
 * An informer: lists (paged), then watches from the list's resourceVersion with bookmarks; a
 * dropped watch resumes from the last resourceVersion seen; 410 Gone relists and reconciles the
 * cache (objects gone meanwhile are reported deleted, everything present re-upserted), so a
 * consumer that acts on the current state never misses a change that happened while disconnected.
 */
export class ListWatch<T extends Keyed> {
  private readonly cache = new Map<string, T>();
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private status: Status = 'stopped';
  private failures = 0;
  private readonly handlers: ListWatchHandlers<T>;
  /** Counters for /metrics and tests. */
  readonly stats = { lists: 0, watches: 0, relistsOn410: 0, rejected: 0, events: 0 };

  constructor(private readonly opts: ListWatchOptions<T>, handlers: ListWatchHandlers<T> = {}) {
    this.handlers = handlers;
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

  /** Resolves after the first complete list. */
  async start(): Promise<void> {
    this.status = 'listing';
    await this.list(false);
    this.watch();
  }

  stop(): void {
    this.status = 'stopped';
    if (this.timer) clearTimeout(this.timer);
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

  private async list(relist: boolean): Promise<void> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await kubeGetJson(this.opts.kc, this.opts.path, { limit: this.opts.pageSize ?? 500, continue: cont, fieldSelector: this.opts.fieldSelector });
      const body = page as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
      if (!Array.isArray(body.items)) throw new Error(`${this.opts.path}: the list has no items array`);
      for (const raw of body.items) {
        const obj = this.accept(raw);
        if (!obj) continue;
        const key = this.keyOf(obj);
        seen.add(key);
        const old = this.cache.get(key);
        this.cache.set(key, obj);
        this.handlers.upsert?.(obj, old);
      }
      cont = body.metadata?.continue || undefined;
      rv = body.metadata?.resourceVersion ?? rv;
    } while (cont);
    for (const [key, obj] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.handlers.delete?.(obj);
    }
    this.resourceVersion = rv;
    this.stats.lists++;
    this.handlers.synced?.(relist);
  }

  private watch(): void {
    if (this.status === 'stopped') return;
    this.status = 'watching';
    this.stats.watches++;
    const query = { watch: true, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, fieldSelector: this.opts.fieldSelector, timeoutSeconds: 300 };
    let gone = false;
    void new Watch(this.opts.kc)
      .watch(this.opts.path, query, (type: string, raw: unknown) => {
        this.stats.events++;
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
        this.failures = 0;
        const key = this.keyOf(obj);
        if (type === 'DELETED') {
          this.cache.delete(key);
          this.handlers.delete?.(obj);
          return;
        }
        const old = this.cache.get(key);
        this.cache.set(key, obj);
        this.handlers.upsert?.(obj, old);
      }, (err: unknown) => this.afterWatch(gone, err))
      .then((abort) => {
        this.abort = abort;
      }, (err: unknown) => this.afterWatch(false, err));
  }

  /** A watch ended: on 410 relist; otherwise (timeout, dropped connection) resume from the last RV. */
  private afterWatch(gone: boolean, err: unknown): void {
    if (this.status === 'stopped') return;
    const is410 = gone || (err instanceof KubeApiError && err.code === 410) || (err as { statusCode?: number } | null)?.statusCode === 410;
    if (err && !is410) {
      this.failures++;
      this.opts.logger?.warn({ path: this.opts.path, err: (err as Error).message, attempt: this.failures }, 'list-watch: watch dropped; resuming');
    }
    const delay = this.failures === 0 ? 0 : Math.min((this.opts.retryBaseMs ?? 200) * 2 ** (this.failures - 1), 30_000);
    this.timer = setTimeout(() => {
      if (this.status === 'stopped') return;
      if (!is410) return this.watch();
      this.stats.relistsOn410++;
      this.status = 'listing';
      this.list(true).then(() => this.watch(), (listErr: unknown) => {
        this.failures++;
        this.opts.logger?.warn({ path: this.opts.path, err: (listErr as Error).message }, 'list-watch: relist failed; retrying');
        this.afterWatch(true, undefined);
      });
    }, delay);
    this.timer.unref();
  }
}

import type { Logger } from 'pino';
import type { ResourceService } from '../api/service/resource-service.ts';
import type { ResourceDef } from '../api/registry.ts';
import type { StoreEvent } from '../api/store/stored.ts';
import { sharedSlices } from './slice-scheduler.ts';

/**
 * A level-based controller like kube-controller-manager's: store events only enqueue keys; the
 * reconcile of a key reads current state and converges it, so a missed or repeated event is
 * harmless. Failed keys are retried with back-off; a periodic resync re-queues everything.
 */
export interface ControllerSpec {
  name: string;
  /** Resources whose changes enqueue keys, and how an event maps to keys. */
  watches: { def: ResourceDef; keys: (e: StoreEvent) => string[] }[];
  /** Every key the controller owns, for the resync pass. */
  allKeys: () => string[];
  reconcile: (key: string) => void;
  resyncMs?: number;
  /** How long one pass may hold the event loop before it yields (ms; 10, shared with every sliced component). */
  sliceMs?: number;
  /** Releases what the controller holds besides its queue (timers of simulated containers). */
  onStop?: () => void;
}

export class Controller {
  private readonly queue = new Set<string>();
  private readonly retries = new Map<string, number>();
  private offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly step = (deadline: number): boolean => this.drain(deadline);

  constructor(
    readonly svc: ResourceService,
    private readonly spec: ControllerSpec,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    this.offs = this.spec.watches.map((w) =>
      this.svc.store.subscribe(w.def, { deliver: (e) => this.enqueue(...w.keys(e)) }),
    );
    this.timer = setInterval(() => this.enqueueAll(this.spec.allKeys()), this.spec.resyncMs ?? 10_000);
    this.timer.unref();
    this.enqueueAll(this.spec.allKeys());
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs) off();
    if (this.timer) clearInterval(this.timer);
    sharedSlices.cancel(this.step);
    this.spec.onStop?.();
  }

  /**
   * Keys waiting for a reconcile. A pass reconciles synchronously, so 0 seen from outside one means
   * everything enqueued so far has been reconciled (tests wait for it instead of sleeping).
   */
  get queued(): number {
    return this.queue.size;
  }

  enqueue(...keys: string[]): void {
    this.enqueueAll(keys);
  }

  /** Like enqueue, for long key lists (no spread of 10,000 arguments). */
  enqueueAll(keys: Iterable<string>): void {
    if (this.stopped) return;
    for (const k of keys) this.queue.add(k);
    if (this.queue.size > 0) sharedSlices.request(this.step);
  }

  /**
   * Processes queued keys until the turn's deadline (at most `sliceMs`), then yields to the event
   * loop, so that a resync of 10,000 keys never holds the API server's requests for long. A key
   * enqueued again while queued is processed once (the work queue's dedup).
   */
  private drain(deadline: number): boolean {
    const until = Math.min(deadline, performance.now() + (this.spec.sliceMs ?? 10));
    for (const key of this.queue) {
      if (this.stopped) return false;
      this.queue.delete(key);
      this.process(key);
      if (performance.now() >= until) break;
    }
    return this.queue.size > 0;
  }

  private process(key: string): void {
    try {
      this.spec.reconcile(key);
      this.retries.delete(key);
    } catch (err) {
      const attempt = (this.retries.get(key) ?? 0) + 1;
      this.retries.set(key, attempt);
      const delay = Math.min(5 * 2 ** attempt, 5_000);
      this.logger?.debug({ err, controller: this.spec.name, key, attempt }, 'reconcile failed; retrying');
      setTimeout(() => this.enqueue(key), delay).unref();
    }
  }
}

/** "namespace/name" keys, as client-go's MetaNamespaceKeyFunc. */
export function nsKey(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * The scheduler's queue as kube-scheduler 1.20 keeps it (pkg/scheduler/internal/queue): an active
 * queue of pods to try, a back-off queue of pods that failed recently, and an unschedulable set
 * of pods that wait for a cluster event that could make them fit. A pod that failed goes to the
 * unschedulable set; an event that can help (a node added or changed, an assigned pod deleted)
 * moves every such pod to the back-off queue, or straight to the active queue when its back-off
 * has passed; a pod left unschedulable longer than `unschedulableTimeoutMs` is moved anyway.
 * Keys only: the scheduler reads the pod itself when it pops one.
 */
export interface SchedulingQueueOptions {
  now?: () => number;
  /** podInitialBackoffSeconds and podMaxBackoffSeconds: 1 s and 10 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** unschedulableQTimeInterval: 60 s. */
  unschedulableTimeoutMs?: number;
}

interface Entry {
  /** Failed attempts so far (for the back-off). */
  attempts: number;
  /** When the last attempt failed. */
  failedAt: number;
}

export class SchedulingQueue {
  private readonly active = new Set<string>();
  private readonly backoff = new Map<string, Entry>();
  private readonly unschedulable = new Map<string, Entry>();
  /** Attempts of pods being tried or waiting, so a pod's back-off keeps growing until it fits. */
  private readonly attempts = new Map<string, number>();
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableTimeoutMs: number;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeoutMs = opts.unschedulableTimeoutMs ?? 60_000;
  }

  /** A new or updated pending pod: tried next, unless it already waits in the active queue. */
  add(key: string): void {
    if (this.active.has(key)) return;
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.active.add(key);
  }

  /** The pod is gone, bound, or no longer this scheduler's. */
  remove(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.attempts.delete(key);
  }

  /** The next pod to try, in arrival order, or undefined when none is active. */
  pop(): string | undefined {
    for (const key of this.active) {
      this.active.delete(key);
      return key;
    }
    return undefined;
  }

  /** An attempt failed: the pod waits for an event that could help it. */
  addUnschedulable(key: string): void {
    if (this.active.has(key)) return;
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    this.unschedulable.set(key, { attempts, failedAt: this.now() });
  }

  /** MoveAllToActiveOrBackoffQueue: a cluster event that may make pods fit. */
  moveAllToActiveOrBackoff(): void {
    const now = this.now();
    for (const [key, e] of this.unschedulable) {
      if (this.backoffExpiry(e) <= now) this.active.add(key);
      else this.backoff.set(key, e);
    }
    this.unschedulable.clear();
  }

  /** flushBackoffQCompleted (every second) and flushUnschedulableQLeftover (every 30 s). */
  flush(): void {
    const now = this.now();
    for (const [key, e] of this.backoff) {
      if (this.backoffExpiry(e) > now) continue;
      this.backoff.delete(key);
      this.active.add(key);
    }
    for (const [key, e] of this.unschedulable) {
      if (now - e.failedAt < this.unschedulableTimeoutMs) continue;
      this.unschedulable.delete(key);
      if (this.backoffExpiry(e) <= now) this.active.add(key);
      else this.backoff.set(key, e);
    }
  }

  private backoffExpiry(e: Entry): number {
    return e.failedAt + Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (e.attempts - 1));
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }
}

import type { Logger } from 'pino';
import type { Channel } from './channels/index.ts';
import type { NotificationMessage } from './channels/message.ts';
import type { Delivery, Store } from '../store/index.ts';
import {
  MAX_FAILURE_IDS,
  newEnvelope,
  readEnvelope,
  toPayload,
  withError,
  type Envelope,
  type HeldItem,
} from './envelope.ts';
import type { Rate, RateLimiter } from './rate-limit.ts';
import { Waker } from './waker.ts';

export interface Backoff {
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
}

export interface OutboxWorkerOptions {
  store: Store;
  channels: ReadonlyMap<string, Channel>;
  limiter: RateLimiter;
  /** Builds the storm-control summary of what a channel's limit held back in one window. */
  summarize: (channel: string, items: HeldItem[], rate: Rate) => NotificationMessage;
  backoff: Backoff;
  /** Rows claimed per query (default 50). */
  batchSize?: number;
  /** Longest sleep between polls; due times the worker knows of wake it earlier (default 1000 ms). */
  pollMs?: number;
  /** Claimed rows held in memory at most (default 200). */
  maxInFlight?: number;
  /** At start, 'sending' rows claimed longer ago than this are requeued (default 0: all of them). */
  staleAfterMs?: number;
  /** On stop, in-flight sends get this long before they are aborted (default 5000 ms). */
  stopGraceMs?: number;
  /** How often rows stranded in 'sending' (outcome not recorded) are looked for (default 60 s). */
  sweepEveryMs?: number;
  /** A 'sending' row this old, not held by this worker, is stranded (default 10 min; sends take at most 2 min). */
  strandedAfterMs?: number;
  now?: () => number;
  logger?: Logger;
  /** Every settled attempt (metrics, tests). */
  onOutcome?: (d: Delivery, outcome: 'sent' | 'retry' | 'dead' | 'held' | 'deferred') => void;
}

export type WorkerStats = Record<
  'claimed' | 'sent' | 'retried' | 'dead' | 'heldBack' | 'deferred' | 'requeuedAtStart' | 'stranded',
  number
>;

/** 5 s, 10 s, 20 s ... capped; a vendor's Retry-After is honoured when it asks for longer. */
export function backoffDelay(b: Backoff, attempt: number, retryAfterMs?: number): number {
  const exp = Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, attempt - 1));
  return retryAfterMs === undefined ? exp : Math.min(b.maxMs, Math.max(exp, retryAfterMs));
}

/**
 * Sends what the outbox holds: claims due rows, sends each through its channel (as many at a time
 * as the channel allows, channels in parallel, so one slow endpoint does not hold up the others), and records
 * the outcome: sent, retry with exponential back-off, or dead after the last attempt or a
 * permanent error. After a retryable failure the channel is paused until that retry, and rows
 * claimed meanwhile are handed back untried, so a hanging endpoint costs one timeout per back-off
 * step rather than one per queued message. Storm control happens here, at send time.
 */
export class OutboxWorker {
  readonly stats: WorkerStats = {
    claimed: 0,
    sent: 0,
    retried: 0,
    dead: 0,
    heldBack: 0,
    deferred: 0,
    requeuedAtStart: 0,
    stranded: 0,
  };
  private running = false;
  private stopping = false;
  /** Stopped as if the process died: nothing more is written to the store. */
  private crashed = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly queues = new Map<string, Delivery[]>();
  /** Lanes sending now, and how many per channel. */
  private readonly draining = new Set<Promise<void>>();
  private readonly lanes = new Map<string, number>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly abort = new AbortController();
  private readonly waker: Waker;
  private inFlight = 0;
  /** Ids of the claimed rows this worker holds (queued or being sent). */
  private readonly held = new Set<number>();
  private lastSweep = 0;
  /** The loop found no room for more claims (maxInFlight reached): wake it when a row finishes. */
  private starved = false;

  constructor(private readonly opts: OutboxWorkerOptions) {
    this.waker = new Waker(this.now, opts.pollMs ?? 1000);
  }

  private readonly now = (): number => (this.opts.now ?? Date.now)();

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping) throw new Error('a stopped OutboxWorker cannot be started again; create a new one');
    // Rows a crashed process left in 'sending' were maybe sent, maybe not: send them again (a
    // receiver can tell by the notification id, which is the row id and the same on every attempt).
    this.stats.requeuedAtStart = await this.opts.store.outbox.requeueStale(this.now() - (this.opts.staleAfterMs ?? 0));
    this.running = true;
    this.lastSweep = this.now();
    this.loopDone = this.loop();
  }

  /** Something is due at `at` (default now): claim then rather than at the next poll. */
  wake(at?: number): void {
    this.waker.wake(at);
  }

  /**
   * Graceful: stop claiming, hand back queued rows, let in-flight sends finish (abort after the
   * grace period and schedule them again). `crash: true` abandons everything as a killed process
   * would (tests of restart recovery): in-flight sends are aborted and nothing more is written.
   */
  async stop(opts: { crash?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.crashed = opts.crash ?? false;
    if (this.crashed) this.abort.abort();
    this.waker.wake();
    await this.loopDone;
    const queued = [...this.queues.values()].flatMap((q) => q.splice(0));
    this.inFlight -= queued.length;
    for (const d of queued) this.held.delete(d.id);
    if (!this.crashed)
      await this.opts.store.outbox.releaseClaims(
        queued.map((d) => d.id),
        this.now(),
      );
    const timer = setTimeout(() => this.abort.abort(), this.opts.stopGraceMs ?? 5000);
    await Promise.allSettled([...this.draining.values()]);
    clearTimeout(timer);
    this.waker.close();
  }

  private async loop(): Promise<void> {
    const batch = this.opts.batchSize ?? 50;
    const maxInFlight = this.opts.maxInFlight ?? 200;
    while (this.running) {
      const want = Math.min(batch, maxInFlight - this.inFlight);
      this.starved = want <= 0;
      let claimed: Delivery[] = [];
      if (want > 0) {
        try {
          claimed = await this.opts.store.outbox.claimDue(want, this.now());
        } catch (err) {
          this.opts.logger?.error({ err }, 'alerting: could not claim due notifications; retrying');
        }
      }
      if (!this.running && !this.crashed) {
        // Claimed while stop() began: hand them back rather than strand them in 'sending'.
        await this.opts.store.outbox
          .releaseClaims(
            claimed.map((d) => d.id),
            this.now(),
          )
          .catch(() => undefined);
        return;
      }
      for (const d of claimed) this.dispatch(d);
      await this.sweep();
      if (claimed.length > 0 && claimed.length === want) continue; // more may be due right now
      await this.waker.sleep();
    }
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < (this.opts.sweepEveryMs ?? 60_000)) return;
    this.lastSweep = now;
    try {
      this.stats.stranded += await this.opts.store.outbox.requeueStranded(
        now - (this.opts.strandedAfterMs ?? 600_000),
        this.held,
        now,
      );
    } catch (err) {
      this.opts.logger?.warn({ err }, 'alerting: could not look for stranded notifications');
    }
  }

  private dispatch(d: Delivery): void {
    this.stats.claimed++;
    this.inFlight++;
    this.held.add(d.id);
    let q = this.queues.get(d.channel);
    if (!q) this.queues.set(d.channel, (q = []));
    q.push(d);
    // A lane per queued row, up to the channel's concurrency: lanes stop when the queue runs dry,
    // so rows claimed later must be able to start new ones.
    const lanes = this.lanes.get(d.channel) ?? 0;
    if (lanes >= Math.max(1, this.opts.channels.get(d.channel)?.concurrency ?? 1)) return;
    this.lanes.set(d.channel, lanes + 1);
    const lane: Promise<void> = this.lane(d.channel, q).finally(() => this.draining.delete(lane));
    this.draining.add(lane);
  }

  /** Sends rows from a channel's queue one after another until it is empty (or the worker stops). */
  private async lane(channel: string, q: Delivery[]): Promise<void> {
    // Yield first, so every row of a claimed batch is queued before the lanes start taking them.
    await Promise.resolve();
    try {
      while (q.length > 0 && !this.stopping) {
        const d = q.shift();
        if (!d) break;
        try {
          await this.deliver(d);
        } catch (err) {
          // The row stays 'sending'; the next start requeues it. Nothing is lost, at worst delayed.
          this.opts.logger?.error({ err, delivery: d.id }, 'alerting: could not record a delivery outcome');
        } finally {
          this.inFlight--;
          this.held.delete(d.id);
          if (this.starved) {
            this.starved = false;
            this.waker.wake();
          }
        }
      }
    } finally {
      // In the same turn as the queue was found empty, so a row dispatched after it starts a lane.
      const left = (this.lanes.get(channel) ?? 1) - 1;
      if (left > 0) this.lanes.set(channel, left);
      else this.lanes.delete(channel);
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    const { store } = this.opts;
    const env = readEnvelope(d.payload);
    if (!env) {
      await store.outbox.markFailed(d.id, 'unreadable payload: not a Kubeloop notification envelope');
      return this.settled(d, 'dead');
    }
    const channel = this.opts.channels.get(d.channel);
    if (!channel) {
      const error = `channel "${d.channel}" is not configured`;
      await store.outbox.recordAttemptFailure(
        d.id,
        toPayload(withError(env, { attempt: d.attempts, at: this.now(), code: 'no_channel', message: error })),
        error,
      );
      return this.settled(d, 'dead');
    }
    const now = this.now();
    const blocked = this.blockedUntil.get(d.channel) ?? 0;
    if (blocked > now) {
      await store.outbox.releaseClaims([d.id], blocked);
      this.waker.wake(blocked);
      return this.settled(d, 'deferred');
    }
    // Summaries and test messages are never held back: a summary exists because of the limit, and
    // "Send test message" must work during a storm. They still use up budget.
    if (env.message.kind === 'summary' || env.message.kind === 'test') {
      this.opts.limiter.note(d.channel, now);
    } else {
      const decision = this.opts.limiter.take(d.channel, now);
      if (!decision.allowed) return this.hold(d, env, decision.windowEnd, decision.rate);
    }

    const msg: NotificationMessage = { ...env.message, id: env.message.id ?? `kubeloop-${d.id}` };
    const result = await channel.send(msg, { signal: this.abort.signal });
    if (this.crashed) return;
    if (result.ok) {
      await store.outbox.markSent(d.id, this.now());
      return this.settled(d, 'sent');
    }
    const at = this.now();
    const error = `${result.code}: ${result.message}`;
    const next = withError(env, {
      attempt: d.attempts,
      at,
      code: result.code,
      message: result.message,
      durationMs: result.durationMs,
      ...(result.status !== undefined ? { status: result.status } : {}),
    });
    if (!result.retryable || d.attempts >= this.opts.backoff.maxAttempts) {
      await store.outbox.recordAttemptFailure(d.id, toPayload(next), error);
      this.opts.logger?.error(
        { delivery: d.id, channel: d.channel, attempts: d.attempts, error },
        'alerting: notification given up',
      );
      return this.settled(d, 'dead');
    }
    // Cut short by shutdown: not the endpoint's fault, so due again at once on the next start.
    const shutdown = this.stopping && result.code === 'aborted';
    const retryAt = shutdown ? at : at + backoffDelay(this.opts.backoff, d.attempts, result.retryAfterMs);
    await store.outbox.recordAttemptFailure(d.id, toPayload(next), error, retryAt);
    if (!shutdown) this.blockedUntil.set(d.channel, retryAt);
    this.waker.wake(retryAt);
    this.opts.logger?.warn(
      { delivery: d.id, channel: d.channel, attempts: d.attempts, error, retryAt },
      'alerting: notification failed; will retry',
    );
    return this.settled(d, 'retry');
  }

  /** Folds a held-back row into its window's summary (atomically, see foldIntoSummary). */
  private async hold(d: Delivery, env: Envelope, windowEnd: number, rate: Rate): Promise<void> {
    const now = this.now();
    const item: HeldItem = {
      deliveryId: d.id,
      title: env.message.title,
      severity: env.message.severity,
      count: env.message.count,
      failureIds: env.failureIds,
    };
    const open = this.opts.limiter.summary(d.channel, now);
    const build = (items: HeldItem[]): Envelope => ({
      ...newEnvelope(
        this.opts.summarize(d.channel, items, rate),
        [...new Set(items.flatMap((i) => i.failureIds))].slice(0, MAX_FAILURE_IDS),
      ),
      heldBack: items,
    });
    const withOpen = build([...(open?.env.heldBack ?? []), item]);
    let written = withOpen;
    const id = await this.opts.store.outbox.foldIntoSummary({
      heldId: d.id,
      summaryId: open?.id,
      channel: d.channel,
      dueAt: windowEnd,
      now,
      payload: (fresh) => toPayload((written = fresh && open ? build([item]) : withOpen)),
      reason: (sid) =>
        `held back by the rate limit (${rate.messages} per ${rate.per / 1000} s); summarized in delivery #${sid}`,
    });
    this.opts.limiter.setSummary(d.channel, now, { id, env: written });
    this.waker.wake(windowEnd);
    this.settled(d, 'held');
  }

  private settled(d: Delivery, outcome: 'sent' | 'retry' | 'dead' | 'held' | 'deferred'): void {
    const key = ({ sent: 'sent', retry: 'retried', dead: 'dead', held: 'heldBack', deferred: 'deferred' } as const)[
      outcome
    ];
    this.stats[key]++;
    this.opts.onOutcome?.(d, outcome);
  }
}

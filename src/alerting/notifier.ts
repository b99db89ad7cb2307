import type { Logger } from 'pino';
import type { AlertingConfig } from './config.ts';
import type { Delivery, Store } from '../store/index.ts';
import { createChannel, type Channel, type ChannelType, type SendOptions } from './channels/index.ts';
import { catchUpWindow, saveCheckpoint, uncoveredFailures } from './catch-up.ts';
import { describeDelivery, newEnvelope, toPayload, type DeliveryView } from './envelope.ts';
import { Grouper, groupKey } from './grouper.ts';
import { OutboxWorker, type WorkerStats } from './outbox-worker.ts';
import { RateLimiter } from './rate-limit.ts';
import {
  actionMessage,
  failureMessage,
  resolvedMessage,
  summaryMessage,
  testMessage,
  type Notice,
  type RenderContext,
} from './render-failure.ts';
import { Router, type AlertFacts } from './router.ts';
import { severityOf } from './severity.ts';
import { Silences } from './silences.ts';
import { BackgroundTasks } from '../util/background-tasks.ts';

export interface NotifierOptions {
  store: Store;
  config: AlertingConfig;
  /** Cluster name for messages not about one failure (tests, summaries). */
  cluster: string;
  /** Base address of the UI when `alerting.publicUrl` is not set (the server's public URL). */
  publicUrl?: string;
  /** Notify failures the monitor recorded as pre-existing at start (`monitor.notifyExisting`). */
  notifyExisting?: boolean;
  logger?: Logger;
  now?: () => number;
  /** Log lines per message (default 20). */
  logLines?: number;
  /** Passed to every channel send (a test's fetch, a proxy). */
  sendOptions?: Omit<SendOptions, 'signal'>;
  /** Outbox worker tuning (see OutboxWorkerOptions). */
  worker?: {
    pollMs?: number;
    batchSize?: number;
    maxInFlight?: number;
    staleAfterMs?: number;
    stopGraceMs?: number;
    sweepEveryMs?: number;
    strandedAfterMs?: number;
  };
  /** Re-check for stored failures nobody notified (see catch-up.ts); false turns it off. */
  catchUp?: false | { slackMs?: number; everyMs?: number; maxMs?: number };
}

/** A workload the monitor found healthy again; its open failures were resolved at `resolvedAt`. */
export interface ResolvedWorkload {
  cluster: string;
  namespace: string;
  workloadKind: string;
  workloadName: string;
  resolvedAt: number;
}

export type NotifierStats = Record<
  'processed' | 'notified' | 'silenced' | 'unrouted' | 'preExisting' | 'errors' | 'resolvedNotices' | 'caughtUp',
  number
>;

/**
 * The notification pipeline. For each recorded failure: load it -> severity -> silences -> routes
 * -> per channel, the grouping window (a pending outbox row) -> the outbox worker sends it, under
 * each channel's rate limit, with retries. Everything is in the outbox before anything is sent.
 *
 * Wiring: `new Monitor({ ..., events: { recorded: (id) => void notifier.failureRecorded(id) } })`,
 * and `notifier.failureResolved(...)` when the monitor resolves a workload. Start the notifier
 * before the monitor and stop it after, then close the store.
 */
export class Notifier {
  readonly silences: Silences;
  readonly stats: NotifierStats = {
    processed: 0,
    notified: 0,
    silenced: 0,
    unrouted: 0,
    preExisting: 0,
    errors: 0,
    resolvedNotices: 0,
    caughtUp: 0,
  };
  private readonly channels: ReadonlyMap<string, Channel>;
  private readonly router: Router;
  private readonly grouper: Grouper;
  private readonly worker: OutboxWorker;
  private readonly ctx: RenderContext;
  /** Failures handled by this process, with their detection time (pruned behind the checkpoint). */
  private readonly processed = new Map<number, number>();
  private readonly background = new BackgroundTasks();
  /** Every failure detected before this has been handled (live or by catch-up). */
  private checkpoint = Number.NEGATIVE_INFINITY;
  /** Earliest detection time of a failure whose processing failed (the checkpoint stays before it). */
  private failedSince = Number.POSITIVE_INFINITY;
  private catchUpTimer: NodeJS.Timeout | undefined;
  private catchingUp: Promise<void> | undefined;

  constructor(private readonly opts: NotifierOptions) {
    const { config, store } = opts;
    this.channels = new Map(config.channels.map((c) => [c.name, createChannel(c, opts.sendOptions ?? {})]));
    this.router = new Router(
      config.routes,
      config.channels.map((c) => c.name),
    );
    this.ctx = {
      lang: config.lang,
      publicUrl: config.publicUrl ?? opts.publicUrl ?? 'http://127.0.0.1:7420',
      cluster: opts.cluster,
      logLines: opts.logLines ?? 20,
    };
    this.silences = new Silences({
      meta: store.meta,
      config: config.silences,
      now: this.now,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const limiter = new RateLimiter({
      default: { messages: config.rateLimit.messages, per: config.rateLimit.per },
      channels: config.rateLimit.channels,
    });
    this.worker = new OutboxWorker({
      store,
      channels: this.channels,
      limiter,
      now: this.now,
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...opts.worker,
      summarize: (channel, items, rate) => summaryMessage(channel, items, rate, this.ctx),
      backoff: {
        initialMs: config.delivery.initialBackoff,
        maxMs: config.delivery.maxBackoff,
        maxAttempts: config.delivery.maxAttempts,
      },
    });
    this.grouper = new Grouper({
      outbox: store.outbox,
      windowMs: config.grouping.window,
      now: this.now,
      due: (at) => this.worker.wake(at),
    });
  }

  private readonly now = (): number => (this.opts.now ?? Date.now)();

  async start(): Promise<void> {
    await this.silences.load();
    await this.grouper.rebuild();
    await this.worker.start();
    if (this.opts.catchUp === false) return;
    await this.catchUp();
    const every = this.opts.catchUp?.everyMs ?? 60_000;
    this.catchUpTimer = setInterval(() => void this.catchUp(), every);
    this.catchUpTimer.unref();
  }

  /** Waits for failures being processed, then stops the worker (see OutboxWorker.stop). */
  async stop(opts: { crash?: boolean } = {}): Promise<void> {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    this.catchUpTimer = undefined;
    await this.catchingUp;
    await this.settle();
    await this.worker.stop(opts);
  }

  /** The monitor stored (and captured) failure `id`. Never rejects: problems are logged and counted. */
  failureRecorded(id: number): Promise<void> {
    const task = this.process(id).catch((err: unknown) => {
      this.stats.errors++;
      // Forgotten, and the checkpoint held before it, so the next catch-up pass retries it.
      this.failedSince = Math.min(this.failedSince, this.processed.get(id) ?? this.now());
      this.processed.delete(id);
      this.opts.logger?.error(
        { err, failure: id },
        'alerting: could not queue the notification of a failure; catch-up will retry',
      );
    });
    this.background.track(task);
    return task;
  }

  /** Waits until every failure handed over so far is in the outbox (tests, shutdown). */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private async process(id: number): Promise<void> {
    if (this.processed.has(id)) return;
    this.processed.set(id, this.now());
    // Without catch-up passes nothing else prunes it; the monitor reports each failure once anyway.
    if (this.opts.catchUp === false && this.processed.size > 50_000) {
      for (const [old, at] of this.processed) if (at < this.now() - 3_600_000) this.processed.delete(old);
    }
    const f = await this.opts.store.failures.get(id);
    if (!f) return;
    this.processed.set(id, f.detectedAt);
    // Behind the checkpoint: a catch-up pass already handled it (the monitor's call came late).
    if (f.detectedAt < this.checkpoint) return;
    this.stats.processed++;
    if (f.preExisting && !this.opts.notifyExisting) {
      this.stats.preExisting++;
      return;
    }
    const severity = severityOf(f, this.opts.config.severity);
    const facts: AlertFacts = {
      cluster: f.cluster,
      namespace: f.namespace,
      workloadKind: f.workloadKind,
      workloadName: f.workloadName,
      reason: f.reason,
      severity,
    };
    const silence = this.silences.silencing(facts, f.detectedAt);
    if (silence) {
      this.stats.silenced++;
      this.opts.logger?.debug({ failure: id, silence: silence.id }, 'alerting: failure silenced');
      return;
    }
    const { channels } = this.router.route(facts);
    if (channels.length === 0) {
      this.stats.unrouted++;
      this.opts.logger?.debug({ failure: id }, 'alerting: no route matches the failure');
      return;
    }
    const { message, title, detail } = failureMessage(f, severity, this.ctx);
    const key = groupKey(f);
    await Promise.all(
      channels.map((channel) =>
        this.grouper.add({ channel, key, failureId: id, pod: f.pod, message, title, ...(detail ? { detail } : {}) }),
      ),
    );
    this.stats.notified++;
  }

  /**
   * The workload is healthy again: a resolved notice to every channel that was told about its
   * failures (when `notifyResolved`), due after any group of it still collecting on that channel so
   * the recovery never arrives before the failure.
   */
  async failureResolved(w: ResolvedWorkload): Promise<void> {
    if (!this.opts.config.notifyResolved) return;
    const { store } = this.opts;
    const page = await store.failures.list(
      {
        cluster: w.cluster,
        namespace: w.namespace,
        workloadKind: w.workloadKind,
        workload: w.workloadName,
        state: 'resolved',
      },
      { limit: 500 },
    );
    const failures = page.items.filter((f) => f.resolvedAt === w.resolvedAt);
    if (failures.length === 0) return;
    const ids = failures.map((f) => f.id).sort((a, b) => a - b);
    const channels = [...(await store.outbox.channelsNotifiedFor(ids))].filter((c) => this.channels.has(c));
    if (channels.length === 0) return;
    const env = newEnvelope(resolvedMessage(failures, w.resolvedAt, this.ctx), ids);
    const prefix = groupKey({ ...w, reason: '' });
    for (const channel of channels) {
      const now = this.now();
      const after = this.grouper.latestWindowEnd(channel, prefix);
      const due = after === undefined ? now : Math.max(now, after + 1);
      await store.outbox.enqueue({ failureId: ids[0], channel, payload: toPayload(env), nextAttemptAt: due }, now);
      this.worker.wake(due);
      this.stats.resolvedNotices++;
    }
  }

  /**
   * A message from a remediation playbook (an action done, a limit reached): to the named channels,
   * or to the channels the routes choose for its namespace/workload (reason "Remediation"). Queued
   * in the outbox like any notification; returns the delivery ids. Unknown channel names throw.
   */
  async sendNotice(n: Notice): Promise<number[]> {
    for (const c of n.channels ?? [])
      if (!this.channels.has(c))
        throw new RangeError(`unknown channel "${c}" (configured: ${[...this.channels.keys()].join(', ') || 'none'})`);
    const facts: AlertFacts = {
      cluster: this.opts.cluster,
      namespace: n.namespace ?? '',
      workloadKind: n.workload?.kind ?? '',
      workloadName: n.workload?.name ?? '',
      reason: 'Remediation',
      severity: n.severity,
    };
    const channels = n.channels ?? this.router.route(facts).channels;
    const now = this.now();
    const message = actionMessage(n, now, this.ctx);
    const ids: number[] = [];
    for (const channel of channels)
      ids.push((await this.opts.store.outbox.enqueue({ channel, payload: toPayload(newEnvelope(message)) }, now)).id);
    if (ids.length > 0) this.worker.wake();
    return ids;
  }

  /** "Send test message": queued like any notification, so it shows up as a delivery. */
  async sendTest(channel: string): Promise<Delivery> {
    if (!this.channels.has(channel)) throw new RangeError(`unknown channel "${channel}"`);
    const now = this.now();
    const d = await this.opts.store.outbox.enqueue(
      { channel, payload: toPayload(newEnvelope(testMessage(channel, now, this.ctx))) },
      now,
    );
    this.worker.wake();
    return d;
  }

  /** The configured channels, for the UI's channel page. */
  channelList(): { name: string; type: ChannelType }[] {
    return [...this.channels.values()].map((c) => ({ name: c.name, type: c.type }));
  }

  /** A failure's deliveries with decoded messages and error history (the API's view). */
  async deliveriesOf(failureId: number): Promise<DeliveryView[]> {
    return (await this.opts.store.outbox.listForFailure(failureId)).map(describeDelivery);
  }

  get workerStats(): Readonly<WorkerStats> {
    return this.worker.stats;
  }

  /** One catch-up pass (see catch-up.ts); runs at most one at a time. */
  catchUp(): Promise<void> {
    this.catchingUp ??= this.catchUpPass()
      .catch((err: unknown) => void this.opts.logger?.warn({ err }, 'alerting: catch-up pass failed; retrying later'))
      .finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private async catchUpPass(): Promise<void> {
    if (this.opts.catchUp === false) return;
    const { store } = this.opts;
    const cfg = this.opts.catchUp ?? {};
    const w = await catchUpWindow(store, this.now(), cfg.slackMs ?? 300_000, cfg.maxMs ?? 86_400_000);
    if (!w) return;
    const floor = this.failedSince;
    this.failedSince = Number.POSITIVE_INFINITY;
    for (const f of await uncoveredFailures(store, w, this.opts.config.grouping.window)) {
      if (this.processed.has(f.id)) continue;
      this.stats.caughtUp++;
      await this.failureRecorded(f.id);
    }
    const at = Math.min(w.until, floor, this.failedSince);
    await saveCheckpoint(store, at);
    this.checkpoint = at;
    for (const [id, at] of this.processed) if (at < this.checkpoint) this.processed.delete(id);
  }
}

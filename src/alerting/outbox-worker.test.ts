import { afterEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../test/support/chat-receivers.ts';
import { eventually } from '../../test/support/eventually.ts';
import type { Store } from '../store/index.ts';
import { createChannel, type Channel } from './channels/index.ts';
import { parseChannel } from './channels/config.ts';
import { describeDelivery, newEnvelope, toPayload } from './envelope.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.ts';
import { RateLimiter } from './rate-limit.ts';
import { summaryMessage, testMessage } from './render-failure.ts';
import { outboxIdle, tempStore } from './test-support.ts';

const ctx = { lang: 'en' as const, publicUrl: 'http://127.0.0.1:7420', cluster: 'prod' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Tuning = Partial<
  Pick<OutboxWorkerOptions, 'stopGraceMs' | 'staleAfterMs' | 'sweepEveryMs' | 'strandedAfterMs' | 'now'>
>;

async function setup(
  opts: { rate?: { messages: number; per: number }; maxAttempts?: number; timeoutMs?: number } & Tuning = {},
) {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  const receiver = await new WebhookReceiver().start();
  cleanups.push(() => receiver.stop());
  const channel = createChannel(
    parseChannel({ name: 'hook', type: 'webhook', url: receiver.url, timeoutMs: opts.timeoutMs ?? 2000 }),
  );
  const worker = new OutboxWorker({
    store: t.store,
    channels: new Map([['hook', channel]]),
    pollMs: 50,
    stopGraceMs: opts.stopGraceMs ?? 5000,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.staleAfterMs !== undefined ? { staleAfterMs: opts.staleAfterMs } : {}),
    ...(opts.sweepEveryMs !== undefined
      ? { sweepEveryMs: opts.sweepEveryMs, strandedAfterMs: opts.strandedAfterMs ?? 0 }
      : {}),
    limiter: new RateLimiter({ default: opts.rate ?? { messages: 1000, per: 60_000 }, channels: {} }),
    summarize: (name, items, rate) => summaryMessage(name, items, rate, ctx),
    backoff: { initialMs: 30, maxMs: 200, maxAttempts: opts.maxAttempts ?? 5 },
  });
  cleanups.push(() => worker.stop());
  return { store: t.store, receiver, worker };
}

async function enqueue(store: Store, title: string, failureIds: number[] = []): Promise<number> {
  const msg = {
    ...testMessage('hook', Date.now(), ctx),
    kind: 'failure' as const,
    severity: 'warning' as const,
    title,
  };
  return (await store.outbox.enqueue({ channel: 'hook', payload: toPayload(newEnvelope(msg, failureIds)) })).id;
}

const settledRow = (store: Store, id: number) => async () => {
  const d = await store.outbox.get(id);
  return d && (d.status === 'sent' || d.status === 'dead') ? d : undefined;
};

describe('outbox worker', () => {
  it('retries a 500 with back-off until it succeeds, keeping the attempts and the error history', async () => {
    const { store, receiver, worker } = await setup();
    receiver.fail({ status: 500, body: 'boom' }, 2);
    const id = await enqueue(store, 'flaky endpoint');
    await worker.start();
    const d = await eventually('delivery sent', settledRow(store, id));
    expect(d).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const view = describeDelivery(d);
    expect(view.errors.map((e) => [e.attempt, e.code, e.status])).toEqual([
      [1, 'http_500', 500],
      [2, 'http_500', 500],
    ]);
    expect(receiver.received).toHaveLength(3);
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]?.headers['x-kubeloop-notification-id']).toBe(`kubeloop-${id}`);
  });

  it('sends through as many lanes as the channel allows, also for rows claimed while lanes run', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    let active = 0;
    let most = 0;
    const sent: string[] = [];
    const slow: Channel = {
      name: 'hook',
      type: 'webhook',
      concurrency: 4,
      preview: () => ({ url: 'http://127.0.0.1/', headers: {}, body: '' }),
      async send(msg) {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 15));
        active--;
        sent.push(msg.title);
        return { ok: true, status: 200, durationMs: 15 };
      },
    };
    const worker = new OutboxWorker({
      store: t.store,
      channels: new Map([['hook', slow]]),
      pollMs: 20,
      batchSize: 5,
      limiter: new RateLimiter({ default: { messages: 1000, per: 60_000 }, channels: {} }),
      summarize: (name, items, rate) => summaryMessage(name, items, rate, ctx),
      backoff: { initialMs: 30, maxMs: 200, maxAttempts: 5 },
    });
    cleanups.push(() => worker.stop());
    for (let i = 0; i < 20; i++) await enqueue(t.store, `first ${i}`);
    await worker.start();
    await eventually('a few sent', async () => (sent.length >= 3 ? true : undefined));
    for (let i = 0; i < 20; i++) await enqueue(t.store, `second ${i}`);
    await eventually('all 40 sent', async () => (sent.length === 40 ? true : undefined));
    expect(most).toBe(4);
    expect(new Set(sent).size).toBe(40);
  });

  it('times out on a hanging endpoint and retries', async () => {
    // The setup's 2 s timeout: met by the hanging send, never by the retry to a live receiver (a
    // short one could also cut the retry short on a loaded machine).
    const { store, receiver, worker } = await setup();
    receiver.fail({ hang: true }, 1);
    const id = await enqueue(store, 'hanging endpoint');
    await worker.start();
    const d = await eventually('delivery sent', settledRow(store, id));
    expect(d).toMatchObject({ status: 'sent', attempts: 2 });
    expect(describeDelivery(d).errors[0]).toMatchObject({ attempt: 1, code: 'timeout' });
    expect(receiver.accepted).toHaveLength(1);
  });

  it('pauses a failing channel: queued rows are handed back untried, then all go out', async () => {
    const { store, receiver, worker } = await setup();
    receiver.fail({ status: 503, body: 'busy' }, 1);
    const ids = [await enqueue(store, 'one'), await enqueue(store, 'two'), await enqueue(store, 'three')];
    await worker.start();
    for (const id of ids) await eventually(`row ${id} sent`, settledRow(store, id));
    expect(receiver.received).toHaveLength(4); // one failed try, then each row once
    expect(receiver.accepted.map((a) => a.body.notification.title)).toEqual(['one', 'two', 'three']);
    expect((await store.outbox.get(ids[1] ?? 0))?.attempts).toBe(1); // the deferral did not count as an attempt
  });

  it('gives up as dead on a permanent error or after the last attempt', async () => {
    const { store, receiver, worker } = await setup({ maxAttempts: 2 });
    receiver.fail({ status: 400, body: 'bad' }, 1).fail({ status: 500, body: 'boom' }, 2);
    const permanent = await enqueue(store, 'permanent');
    await worker.start();
    expect(await eventually('dead', settledRow(store, permanent))).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'http_400: bad',
    });
    const exhausted = await enqueue(store, 'exhausted');
    worker.wake();
    expect(await eventually('dead', settledRow(store, exhausted))).toMatchObject({
      status: 'dead',
      attempts: 2,
      lastError: 'http_500: boom',
    });
  });

  it('holds back the overflow of the rate limit and sends one summary listing it at the end of the window', async () => {
    // The worker's clock: ahead of the rows' enqueue times (so they are due), and still until the
    // test ends the window, so all six meet one window however slow the machine.
    let clock = Date.now() + 60_000;
    const { store, receiver, worker } = await setup({ rate: { messages: 2, per: 1000 }, now: () => clock });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await enqueue(store, `failure ${i}`, [100 + i]));
    await worker.start();
    await receiver.waitForAccepted(2, 5000);
    await eventually('four held back', async () => {
      const dead = await store.db.selectFrom('outbox').select('id').where('status', '=', 'dead').execute();
      return dead.length === 4 ? true : undefined;
    });
    expect(receiver.accepted).toHaveLength(2); // the summary waits for the window's end
    clock += 1001;
    await receiver.waitForAccepted(3, 5000);
    const titles = receiver.accepted.map((a) => a.body.notification.title);
    expect(titles.slice(0, 2)).toEqual(['failure 0', 'failure 1']);
    expect(titles[2]).toBe('hook: 4 notifications held back by the rate limit (2 per 1 s)');
    const summary = receiver.accepted[2]?.body.notification;
    expect(summary).toMatchObject({ kind: 'summary', count: 4 });
    expect(String(summary?.['detail'])).toContain('• failure 5');

    // Nothing lost: every row is sent, or dead with a pointer to the summary that carried it.
    const rows = await Promise.all(ids.map((id) => eventually(`row ${id} settled`, settledRow(store, id))));
    expect(rows.map((r) => r?.status)).toEqual(['sent', 'sent', 'dead', 'dead', 'dead', 'dead']);
    const summaryId = Number(/#(\d+)/.exec(rows[2]?.lastError ?? '')?.[1]);
    expect(rows[2]?.lastError).toMatch(/^held back by the rate limit \(2 per 1 s\); summarized in delivery #\d+$/);
    const summaryRow = await eventually('summary settled', settledRow(store, summaryId));
    expect(summaryRow.status).toBe('sent');
    expect(describeDelivery(summaryRow).heldBack.map((h) => h.deliveryId)).toEqual(ids.slice(2));
    expect(describeDelivery(summaryRow).failureIds).toEqual([102, 103, 104, 105]);
    await eventually('outbox drained', () => outboxIdle(store));
    expect(receiver.accepted).toHaveLength(3);
  });

  it('stops gracefully: queued claims go back untouched, a hanging send is aborted and due again at once', async () => {
    const { store, receiver, worker } = await setup({ timeoutMs: 10_000, stopGraceMs: 200 });
    receiver.fail({ hang: true });
    const ids = [await enqueue(store, 'one'), await enqueue(store, 'two')];
    await worker.start();
    await eventually('first send in flight', async () => (receiver.received.length === 1 ? true : undefined));
    const stopping = Date.now();
    await worker.stop();
    expect(Date.now() - stopping).toBeLessThan(5_000); // the grace period (200 ms), not the 10 s timeout
    const [one, two] = await Promise.all(ids.map((id) => store.outbox.get(id)));
    expect(one).toMatchObject({ status: 'failed', attempts: 1 });
    expect(one?.lastError).toMatch(/^aborted/);
    expect(one?.nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(two).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('requeues a row stranded in sending (its outcome was never recorded) without a restart', async () => {
    const { store, receiver, worker } = await setup({
      staleAfterMs: 3_600_000,
      sweepEveryMs: 100,
      strandedAfterMs: 50,
    });
    const id = await enqueue(store, 'stranded');
    await store.outbox.claimDue(1); // claimed by a send whose outcome was lost
    await worker.start();
    expect(worker.stats.requeuedAtStart).toBe(0); // too recent for the start-up requeue
    await eventually('sent', settledRow(store, id));
    expect(worker.stats.stranded).toBe(1);
    expect(receiver.accepted).toHaveLength(1);
  });
});

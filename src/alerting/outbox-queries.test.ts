import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backends, sampleFailure, storeOpener } from '../store/test-backends.ts';
import type { NotificationMessage } from './channels/message.ts';
import { newEnvelope, readEnvelope, toPayload, withError } from './envelope.ts';
import { failureIdsCoveredSince, openPendingRows } from './outbox-queries.ts';

const msg = (title: string): NotificationMessage => ({
  kind: 'failure',
  title,
  severity: 'warning',
  cluster: 'c',
  pods: [],
  count: 1,
  logLines: [],
  lang: 'en',
});

// The outbox's finer steps (store/outbox-steps.ts) with the notifier's envelopes, on both dialects.
describe.each(backends)('the outbox steps with notifier envelopes on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());
  const now = 1_700_000_000_000;

  it('updates only pending payloads, and finds open groups and covered failures', async () => {
    const store = await stores.open();
    const { id: f1 } = await store.failures.insertOnce(sampleFailure());
    const open = await store.outbox.enqueue(
      { failureId: f1, channel: 'a', payload: toPayload(newEnvelope(msg('g'), [f1])), nextAttemptAt: now + 60_000 },
      now,
    );
    const due = await store.outbox.enqueue({ channel: 'b', payload: toPayload(newEnvelope(msg('d'), [4242])) }, now);
    expect(await store.outbox.updatePendingPayload(open.id, toPayload(newEnvelope(msg('g2'), [f1, 77])))).toBe(true);
    expect((await openPendingRows(store.outbox, now)).map((r) => [r.id, r.env.message.title])).toEqual([
      [open.id, 'g2'],
    ]);
    expect([...(await failureIdsCoveredSince(store.outbox, now))].sort((x, y) => x - y)).toEqual(
      [f1, 77, 4242].sort((x, y) => x - y),
    );
    expect(await failureIdsCoveredSince(store.outbox, now + 1)).toEqual(new Set());
    expect(await store.outbox.channelsNotifiedFor([f1, 99])).toEqual(new Set(['a']));

    await store.outbox.claimDue(10, now);
    expect(await store.outbox.updatePendingPayload(due.id, toPayload(newEnvelope(msg('x'))))).toBe(false); // claimed: untouched
  });

  it('records failures with their history, releases untried claims, requeues stranded ones', async () => {
    const store = await stores.open();
    const a = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('a'))) }, now);
    const b = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('b'))) }, now);
    const c = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('c'))) }, now);
    await store.outbox.claimDue(10, now);
    const env = withError(newEnvelope(msg('a')), {
      attempt: 1,
      at: now,
      code: 'http_500',
      message: 'boom',
      status: 500,
    });
    expect(await store.outbox.recordAttemptFailure(a.id, toPayload(env), 'http_500: boom', now + 5_000)).toBe(true);
    const failed = await store.outbox.get(a.id);
    expect(failed).toMatchObject({
      status: 'failed',
      lastError: 'http_500: boom',
      nextAttemptAt: now + 5_000,
      attempts: 1,
    });
    expect(readEnvelope(failed?.payload ?? null)?.errors).toHaveLength(1);

    expect(await store.outbox.releaseClaims([b.id], now + 10)).toBe(1);
    expect(await store.outbox.get(b.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      claimedAt: null,
      nextAttemptAt: now + 10,
    });

    expect(await store.outbox.requeueStranded(now + 1, new Set([c.id]), now + 2)).toBe(0); // held by this worker
    expect(await store.outbox.requeueStranded(now + 1, new Set(), now + 2)).toBe(1);
    expect(await store.outbox.get(c.id)).toMatchObject({ status: 'pending', nextAttemptAt: now + 2 });
  });

  it('folds a held-back row into its summary atomically', async () => {
    const store = await stores.open();
    const held1 = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('h1'))) }, now);
    const held2 = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('h2'))) }, now);
    await store.outbox.claimDue(10, now);
    const reason = (id: number) => `summarized in delivery #${id}`;
    const s1 = await store.outbox.foldIntoSummary({
      heldId: held1.id,
      summaryId: undefined,
      channel: 'a',
      payload: () => toPayload(newEnvelope(msg('s1'))),
      dueAt: now + 1000,
      now,
      reason,
    });
    const s2 = await store.outbox.foldIntoSummary({
      heldId: held2.id,
      summaryId: s1,
      channel: 'a',
      payload: (fresh) => toPayload(newEnvelope(msg(fresh ? 'new' : 's2'))),
      dueAt: now + 1000,
      now,
      reason,
    });
    expect(s2).toBe(s1);
    expect(await store.outbox.get(s1)).toMatchObject({ status: 'pending', nextAttemptAt: now + 1000, failureId: null });
    expect(readEnvelope((await store.outbox.get(s1))?.payload ?? null)?.message.title).toBe('s2');
    expect(await store.outbox.get(held2.id)).toMatchObject({
      status: 'dead',
      lastError: `summarized in delivery #${s1}`,
    });

    // The summary was claimed meanwhile: a new one is started rather than changing a row in flight.
    const held3 = await store.outbox.enqueue({ channel: 'a', payload: toPayload(newEnvelope(msg('h3'))) }, now);
    await store.outbox.claimDue(10, now + 1000);
    const s3 = await store.outbox.foldIntoSummary({
      heldId: held3.id,
      summaryId: s1,
      channel: 'a',
      payload: (fresh) => toPayload(newEnvelope(msg(fresh ? 'new' : 'stale'))),
      dueAt: now + 2000,
      now,
      reason,
    });
    expect(s3).not.toBe(s1);
    expect(readEnvelope((await store.outbox.get(s3))?.payload ?? null)?.message.title).toBe('new');
  });
});

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from './index.ts';
import { backends, sampleFailure, storeOpener } from './test-backends.ts';

describe.each(backends)('outbox on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());
  const now = 1_700_000_000_000;

  it('stores, claims due rows oldest first, and marks them sent', async () => {
    const store = await stores.open();
    const { id: failureId } = await store.failures.insertOnce(sampleFailure());
    const payload = { text: '容器 OOMKilled', fields: [{ k: 'exit', v: 137 }], mention: null };
    const later = await store.outbox.enqueue(
      { failureId, channel: 'wecom-ops', payload, nextAttemptAt: now + 60_000 },
      now,
    );
    const first = await store.outbox.enqueue({ failureId, channel: 'wecom-ops', payload }, now);
    const second = await store.outbox.enqueue({ channel: 'slack', payload: 'plain' }, now + 1);
    expect(first).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      failureId,
      payload,
    });

    const claimed = await store.outbox.claimDue(10, now + 1);
    expect(claimed.map((d) => d.id)).toEqual([first.id, second.id]);
    expect(claimed[0]).toMatchObject({ status: 'sending', attempts: 1, claimedAt: now + 1, payload });
    expect(await store.outbox.claimDue(10, now + 1)).toEqual([]); // nothing due is left; `later` waits

    expect(await store.outbox.markSent(first.id, now + 2)).toBe(true);
    expect(await store.outbox.markSent(first.id, now + 3)).toBe(false); // only a 'sending' row moves
    expect(await store.outbox.get(first.id)).toMatchObject({ status: 'sent', sentAt: now + 2, lastError: null });

    expect((await store.outbox.claimDue(10, now + 60_000)).map((d) => d.id)).toEqual([later.id]);
    expect((await store.outbox.listForFailure(failureId)).map((d) => d.id)).toEqual([later.id, first.id]);
    expect(await store.outbox.listForFailure(failureId + 1000)).toEqual([]);
  });

  it('retries a failed send at its next attempt time, and gives up as dead', async () => {
    const store = await stores.open();
    const d = await store.outbox.enqueue({ channel: 'dingtalk', payload: { n: 1 } }, now);
    await store.outbox.claimDue(1, now);
    expect(await store.outbox.markFailed(d.id, 'HTTP 500', now + 2_000)).toBe(true);
    expect(await store.outbox.get(d.id)).toMatchObject({
      status: 'failed',
      lastError: 'HTTP 500',
      nextAttemptAt: now + 2_000,
    });
    expect(await store.outbox.claimDue(1, now + 1_999)).toEqual([]);

    const retry = await store.outbox.claimDue(1, now + 2_000);
    expect(retry).toHaveLength(1);
    expect(retry[0]).toMatchObject({ id: d.id, attempts: 2, status: 'sending' });
    expect(await store.outbox.markFailed(d.id, 'timeout')).toBe(true);
    expect(await store.outbox.get(d.id)).toMatchObject({ status: 'dead', lastError: 'timeout', attempts: 2 });
    expect(await store.outbox.claimDue(1, now + 10_000_000)).toEqual([]);
  });

  it('never hands one row to two concurrent claimers', async () => {
    const store = await stores.open();
    const total = 60;
    for (let i = 0; i < total; i++) await store.outbox.enqueue({ channel: 'webhook', payload: { i } }, now);
    const claimedBy = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const mine: number[] = [];
        for (;;) {
          const batch = await store.outbox.claimDue(3, now);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((d) => d.id));
        }
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    // Each row was claimed exactly once.
    const rows = await Promise.all(all.map((id) => store.outbox.get(id)));
    expect(rows.every((r) => r?.status === 'sending' && r.attempts === 1)).toBe(true);
  });

  it('re-queues rows left in sending by a crash when the store reopens', async () => {
    const config = await backend.fresh();
    const crashed = await openStore(config);
    const a = await crashed.outbox.enqueue({ channel: 'feishu', payload: { a: 1 } }, now);
    const b = await crashed.outbox.enqueue({ channel: 'feishu', payload: { b: 2 } }, now);
    await crashed.outbox.claimDue(1, now); // a: claimed at `now`, then the process "dies"
    await crashed.outbox.claimDue(1, now + 50_000); // b: claimed recently by a live peer
    await crashed.close();

    const restarted = await openStore(config);
    try {
      // Leave claims younger than 30 s (a live sender's) alone; take back the stale one.
      expect(await restarted.outbox.requeueStale(now + 50_000 - 30_000)).toBe(1);
      expect(await restarted.outbox.get(a.id)).toMatchObject({ status: 'pending', claimedAt: null, attempts: 1 });
      expect(await restarted.outbox.get(b.id)).toMatchObject({ status: 'sending' });
      expect((await restarted.outbox.claimDue(10, now + 50_000)).map((d) => d.id)).toEqual([a.id]);
      // A plain start-up (single sender) takes back everything in flight.
      expect(await restarted.outbox.requeueStale(now + 60_000)).toBe(2);
      // Attempts keep counting across crashes: a was claimed three times, b twice.
      expect((await restarted.outbox.claimDue(10, now + 60_000)).map((d) => [d.id, d.attempts])).toEqual([
        [a.id, 3],
        [b.id, 2],
      ]);
    } finally {
      await restarted.close();
    }
  });
});

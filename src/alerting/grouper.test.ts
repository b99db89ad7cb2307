import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from './channels/message.ts';
import { readEnvelope } from './envelope.ts';
import { Grouper, type GroupMember } from './grouper.ts';
import { recordFailure, tempStore } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const message: NotificationMessage = {
  kind: 'failure',
  title: 'shop/api was OOMKilled (out of memory)',
  severity: 'critical',
  cluster: 'prod',
  pods: ['api-1'],
  count: 1,
  logLines: [],
  lang: 'en',
};
const member = (failureId: number, pod: string): GroupMember => ({
  channel: 'ops',
  key: 'prod/shop/Deployment/api/OOMKilled',
  failureId,
  pod,
  message: { ...message, pods: [pod] },
  title: message.title,
  detail: 'limit 512Mi',
});

describe('grouper', () => {
  it('collects a window in one pending row, survives a restart, and starts anew once the row is claimed', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const now = 1_000_000;
    const due: number[] = [];
    const make = (store = t.store) =>
      new Grouper({ outbox: store.outbox, windowMs: 60_000, now: () => now, due: (at) => due.push(at) });
    const [f1, f2, f3, f4] = [
      await recordFailure(t.store),
      await recordFailure(t.store),
      await recordFailure(t.store),
      await recordFailure(t.store),
    ];
    const g = make();
    const first = await g.add(member(f1, 'api-1'));
    expect(await g.add(member(f2, 'api-2'))).toEqual({ deliveryId: first.deliveryId, joined: true });
    expect(due).toEqual([now + 60_000]);

    const again = make(await t.reopen());
    expect(await again.rebuild()).toBe(1);
    expect(await again.add(member(f3, 'api-2'))).toEqual({ deliveryId: first.deliveryId, joined: true });
    const row = await t.store.outbox.get(first.deliveryId);
    expect(row).toMatchObject({ status: 'pending', nextAttemptAt: now + 60_000, failureId: f1 });
    const env = readEnvelope(row?.payload ?? null);
    expect(env?.failureIds).toEqual([f1, f2, f3]);
    expect(env?.message).toMatchObject({
      count: 3,
      pods: ['api-1', 'api-2'],
      title: 'shop/api was OOMKilled (out of memory) (3 times in 60 s)',
    });
    expect(env?.message.detail).toBe('3 failures of 2 pods within 60 s.\nlimit 512Mi');

    // The worker claimed the row (its window ended, seen from a slower clock): the next failure opens a new group.
    await t.store.outbox.claimDue(10, now + 60_000);
    const next = await again.add(member(f4, 'api-3'));
    expect(next.joined).toBe(false);
    expect(next.deliveryId).not.toBe(first.deliveryId);
  });

  it('sends at once, one row per failure, with a zero window', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const g = new Grouper({ outbox: t.store.outbox, windowMs: 0, now: () => 5, due: () => undefined });
    const a = await g.add(member(await recordFailure(t.store), 'api-1'));
    const b = await g.add(member(await recordFailure(t.store), 'api-2'));
    expect(a.deliveryId).not.toBe(b.deliveryId);
    expect((await t.store.outbox.get(b.deliveryId))?.nextAttemptAt).toBe(5);
  });
});

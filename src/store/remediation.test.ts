import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hashToken, LinkNameTakenError } from './index.ts';
import { backends, storeOpener } from './test-backends.ts';

/** The remediation tables on both dialects: links, inbox, alert de-duplication, audit queries, schedule claims. */
describe.each(backends)('remediation store on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());

  it('keeps links by token hash, refuses a taken name, and revokes', async () => {
    const store = await stores.open();
    const link = await store.alertLinks.create({ name: 'guance-prod', source: 'guance', tokenHash: hashToken('t1') });
    await expect(
      store.alertLinks.create({ name: 'guance-prod', source: 'guance', tokenHash: hashToken('t2') }),
    ).rejects.toBeInstanceOf(LinkNameTakenError);
    expect((await store.alertLinks.findActiveByTokenHash(hashToken('t1'), 5))?.lastUsedAt).toBe(5);
    expect(await store.alertLinks.revoke('guance-prod')).toBe(true);
    expect(await store.alertLinks.revoke('guance-prod')).toBe(false);
    expect(await store.alertLinks.findActiveByTokenHash(hashToken('t1'))).toBeUndefined();
    expect(link.revokedAt).toBeNull();
  });

  it('stores the inbox first, de-duplicates alerts and resumes pending ones', async () => {
    const store = await stores.open();
    const link = await store.alertLinks.create({ name: 'am', source: 'alertmanager', tokenHash: hashToken('x') });
    const inbox = await store.alerts.receive({ linkId: link.id, source: 'alertmanager', body: '{}' });
    expect((await store.alerts.pendingInbox()).map((i) => i.id)).toEqual([inbox]);
    const a = {
      source: 'alertmanager',
      alertId: 'fp@1',
      linkId: link.id,
      inboxId: inbox,
      status: 'firing',
      severity: 'warning',
      title: 't',
      labels: { a: '1' },
      annotations: {},
      raw: { x: 1 },
    };
    const first = await store.alerts.insertOnce(a);
    const again = await store.alerts.insertOnce(a);
    expect([first.created, again.created, again.id]).toEqual([true, false, first.id]);
    await store.alerts.finishInbox(inbox, 'done', { alertCount: 1 });
    expect(await store.alerts.pendingInbox()).toEqual([]);
    expect((await store.alerts.pending()).map((r) => r.id)).toEqual([first.id]);
    await store.alerts.markDone(first.id);
    expect(await store.alerts.get(first.id)).toMatchObject({
      state: 'done',
      duplicates: 1,
      labels: { a: '1' },
      raw: { x: 1 },
    });
  });

  it('answers the cooldown and budget questions from the audit log', async () => {
    const store = await stores.open();
    const target = { namespace: 'shop', kind: 'Deployment', name: 'api' };
    const base = {
      playbook: 'p',
      action: 'scale_out',
      triggerKind: 'alert' as const,
      spec: {},
      namespace: 'shop',
      targetKind: 'Deployment',
      targetName: 'api',
    };
    const { record } = await store.actions.begin({ ...base, key: 'alert/1/p/0', dryRun: false, mutates: true }, 1000);
    await store.actions.begin({ ...base, key: 'alert/2/p/0', dryRun: true, mutates: true }, 1100);
    await store.actions.begin({ ...base, key: 'alert/3/p/0', dryRun: false, mutates: false }, 1200);
    expect((await store.actions.lastMutationOn(target, 0))?.id).toBe(record.id);
    expect(await store.actions.lastMutationOn(target, 0, 'alert/1/')).toBeUndefined();
    expect(await store.actions.lastMutationOn(target, 1001)).toBeUndefined();
    expect(await store.actions.countMutationsSince(0)).toBe(1);
    await store.actions.complete(record.id, {
      state: 'succeeded',
      summary: 'replicas 1 -> 2',
      before: { replicas: 1 },
      after: { replicas: 2 },
    });
    expect(await store.actions.get(record.id)).toMatchObject({
      state: 'succeeded',
      dryRun: false,
      mutates: true,
      before: { replicas: 1 },
      after: { replicas: 2 },
    });
    expect((await store.actions.running()).map((r) => r.key)).toEqual(['alert/2/p/0', 'alert/3/p/0']);
    expect((await store.actions.list({ namespace: 'shop' }, { limit: 2 })).total).toBe(3);
  });

  it('claims a scheduled occurrence once', async () => {
    const store = await stores.open();
    expect(await store.scheduleRuns.claim('tick', 60_000, 'running')).toBe(true);
    expect(await store.scheduleRuns.claim('tick', 60_000, 'missed')).toBe(false);
    await store.scheduleRuns.finish('tick', 60_000);
    expect(await store.scheduleRuns.latest('tick')).toMatchObject({ scheduledAt: 60_000, state: 'done' });
  });
});

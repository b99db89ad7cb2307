/**
 * The notification pipeline end to end: a real SQLite store in a temp dir, the Notifier with its
 * outbox worker, and the local vendor receivers that check each request's exact format. Windows
 * and back-off are shortened so the whole file runs in a few seconds; a check that nothing more
 * was sent waits until the outbox has nothing left to send.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Notifier, type NotifierOptions } from '../../src/alerting/notifier.ts';
import { outboxIdle, recordFailure, tempStore, testConfig } from '../../src/alerting/test-support.ts';
import type { Store } from '../../src/store/index.ts';
import { startChatReceivers, type ChatReceivers } from '../support/chat-receivers.ts';
import { eventually } from '../support/eventually.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Everything queued has been sent or given up: the receivers' counts are final. */
const drained = (store: Store): Promise<true> => eventually('outbox drained', () => outboxIdle(store));

// Long enough that no send to a live receiver times out on a loaded machine.
async function setup(
  alerting: (r: ChatReceivers) => Record<string, unknown>,
  extra: Partial<NotifierOptions> = {},
  timeoutMs = 10_000,
) {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  const r = await startChatReceivers({ dingtalk: 'SECdd', webhook: 'hook-secret' });
  cleanups.push(() => r.stop());
  const channels = [
    { name: 'ops', type: 'wecom', url: r.wecom.url, timeoutMs },
    { name: 'dd', type: 'dingtalk', url: r.dingtalk.url, secret: 'SECdd', timeoutMs },
    { name: 'team', type: 'slack', url: r.slack.url, timeoutMs },
    { name: 'hook', type: 'webhook', url: r.webhook.url, secret: 'hook-secret', timeoutMs },
  ];
  const config = testConfig({ channels, ...alerting(r) });
  const make = (store: Store): Notifier => {
    const n = new Notifier({
      store,
      config,
      cluster: 'prod',
      publicUrl: 'http://kubeloop.test:7420',
      catchUp: false,
      worker: { pollMs: 50, stopGraceMs: 500 },
      ...extra,
    });
    cleanups.push(() => n.stop());
    return n;
  };
  const notifier = make(t.store);
  await notifier.start();
  return { store: t.store, r, notifier, make, reopen: t.reopen };
}

/** The generic webhook's notifications (structured, so fields can be checked directly). */
const hookMessages = (r: ChatReceivers) => r.webhook.accepted.map((a) => a.body.notification);

describe('notifier end to end', () => {
  it('routes by first match and continue, to each vendor in its own format', async () => {
    const { store, r, notifier } = await setup(() => ({
      routes: [
        { match: { namespaces: ['pay*'], severity: 'critical' }, channels: ['ops'], continue: true },
        { match: { namespaces: ['payments'] }, channels: ['dd'] },
        { match: { workloads: ['shop/*'] }, channels: ['team'] },
      ],
    }));
    await notifier.failureRecorded(
      await recordFailure(store, { namespace: 'payments', workloadName: 'api', reason: 'OOMKilled' }),
    );
    await notifier.failureRecorded(
      await recordFailure(store, {
        namespace: 'payments',
        workloadName: 'web',
        reason: 'ImagePullBackOff',
        exitCode: undefined,
      }),
    );
    await notifier.failureRecorded(
      await recordFailure(store, { namespace: 'shop', workloadName: 'cart', reason: 'Error', exitCode: 1 }),
    );
    await notifier.failureRecorded(
      await recordFailure(store, { namespace: 'batch', workloadName: 'job', reason: 'Error' }),
    ); // unrouted
    await r.dingtalk.waitForAccepted(2);
    await r.wecom.waitForAccepted(1);
    await r.slack.waitForAccepted(1);
    await drained(store);
    expect(r.wecom.accepted.map((a) => a.raw)).toEqual([expect.stringContaining('payments/api was OOMKilled')]);
    expect(r.dingtalk.accepted.map((a) => a.raw)).toEqual([
      expect.stringContaining('payments/api was OOMKilled'),
      expect.stringContaining('payments/web cannot pull its image'),
    ]);
    expect(r.slack.accepted.map((a) => a.raw)).toEqual([expect.stringContaining('shop/cart crashed with exit code 1')]);
    expect(r.webhook.accepted).toHaveLength(0);
    expect(notifier.stats).toMatchObject({ notified: 3, unrouted: 1 });
    // Messages carry the node, the last log lines without ANSI codes, and the link to the failure.
    expect(r.wecom.accepted[0]?.raw).toContain('node-1');
    expect(r.wecom.accepted[0]?.raw).toContain('ERROR heap exhausted');
    expect(r.wecom.accepted[0]?.raw).not.toContain('\\u001b');
    expect(r.wecom.accepted[0]?.raw).toMatch(/http:\/\/kubeloop\.test:7420\/failures\/\d+/);
  });

  it('groups 5 failures of one workload within the window into one message with the count and the pods', async () => {
    // The notifier's clock stands still until the test moves it past the window's end.
    let clock = Date.now();
    const { store, r, notifier } = await setup(
      () => ({ routes: [{ channels: ['hook'] }], grouping: { window: '400ms' }, lang: 'zh-CN' }),
      { now: () => clock },
    );
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await recordFailure(store, { pod: `api-${i}`, reason: 'OOMKilled' }));
    const other = await recordFailure(store, { workloadName: 'web', pod: 'web-1', reason: 'OOMKilled' });
    await Promise.all([...ids, other].map((id) => notifier.failureRecorded(id)));
    // Collecting until the window ends: one pending delivery per group, nothing sent.
    const collecting = await notifier.deliveriesOf(ids[0] ?? 0);
    expect(collecting.map((d) => d.status)).toEqual(['pending']);
    expect(r.webhook.received).toHaveLength(0);
    clock += 401;
    await r.webhook.waitForAccepted(2);
    await drained(store);
    const msgs = hookMessages(r);
    expect(msgs).toHaveLength(2);
    const api = msgs.find((m) => m['workload'] && JSON.stringify(m['workload']).includes('"api"'));
    expect(api).toMatchObject({ count: 5, pods: ['api-1', 'api-2', 'api-3', 'api-4', 'api-5'], lang: 'zh-CN' });
    expect(api?.title).toContain('5 次');
    const deliveries = await eventually('group sent', async () => {
      const list = await notifier.deliveriesOf(ids[0] ?? 0);
      return list[0]?.status === 'sent' ? list : undefined;
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'sent', failureIds: ids });
  });

  it('suppresses silenced failures (config and runtime) and sends the rest', async () => {
    const { store, r, notifier } = await setup(() => ({
      routes: [{ channels: ['hook'] }],
      silences: [{ matchers: { namespaces: ['staging'] }, expiresAt: '2099-01-01T00:00:00Z' }],
    }));
    await notifier.silences.add({ matchers: { workloads: ['shop/api'], reasons: ['OOMKilled'] }, durationMs: 60_000 });
    await notifier.failureRecorded(await recordFailure(store, { namespace: 'staging', workloadName: 'x' }));
    await notifier.failureRecorded(await recordFailure(store, { workloadName: 'api', reason: 'OOMKilled' }));
    await notifier.failureRecorded(await recordFailure(store, { workloadName: 'api', reason: 'Error', exitCode: 2 }));
    await r.webhook.waitForAccepted(1);
    await drained(store);
    expect(hookMessages(r).map((m) => m.title)).toEqual(['shop/api crashed with exit code 2']);
    expect(notifier.stats.silenced).toBe(2);
  });

  it('summarizes a storm beyond the rate limit instead of dropping it', async () => {
    // The clock stands still while the storm lands, so all ten fall in one rate window however slow the machine.
    let clock = Date.now();
    const { store, r, notifier } = await setup(
      () => ({ routes: [{ channels: ['hook'] }], rateLimit: { messages: 3, per: '1s' } }),
      { now: () => clock },
    );
    for (let i = 0; i < 10; i++)
      await notifier.failureRecorded(await recordFailure(store, { workloadName: `w${i}`, pod: `w${i}-1` }));
    await r.webhook.waitForAccepted(3, 5000);
    // Held back: the other seven are given up with a pointer to the summary collecting them.
    await eventually('seven held back', async () => {
      const dead = await store.db.selectFrom('outbox').select('id').where('status', '=', 'dead').execute();
      return dead.length === 7 ? true : undefined;
    });
    clock += 1001; // the window ends: the summary of the held-back seven goes out
    await r.webhook.waitForAccepted(4, 5000);
    await drained(store);
    const msgs = hookMessages(r);
    expect(msgs).toHaveLength(4);
    expect(msgs[3]).toMatchObject({ kind: 'summary', count: 7 });
    const listed = String(msgs[3]?.['detail']).split('\n');
    expect(listed).toHaveLength(7);
    const named = [...msgs.slice(0, 3).map((m) => m.title), ...listed].join('\n');
    for (let i = 0; i < 10; i++) expect(named).toContain(`shop/w${i} was OOMKilled`);
  });

  it('retries a 500 and a hanging endpoint until delivered, showing attempts and errors', async () => {
    // A timeout short enough to meet soon, long enough that the retry to a live receiver succeeds.
    const { store, r, notifier } = await setup(
      () => ({ routes: [{ match: { workloads: ['api'] }, channels: ['ops'] }, { channels: ['team'] }] }),
      {},
      2000,
    );
    r.wecom.fail({ status: 500, body: 'internal error' }, 2);
    r.slack.fail({ hang: true }, 1);
    const api = await recordFailure(store, { workloadName: 'api' });
    const web = await recordFailure(store, { workloadName: 'web' });
    await Promise.all([notifier.failureRecorded(api), notifier.failureRecorded(web)]);
    await r.wecom.waitForAccepted(1, 5000);
    await r.slack.waitForAccepted(1, 5000);
    const [toOps] = await eventually('sent', async () =>
      (await notifier.deliveriesOf(api))[0]?.status === 'sent' ? notifier.deliveriesOf(api) : undefined,
    );
    expect(toOps).toMatchObject({ channel: 'ops', attempts: 3 });
    expect(toOps?.errors.map((e) => e.code)).toEqual(['http_500', 'http_500']);
    const [toTeam] = await eventually('sent', async () =>
      (await notifier.deliveriesOf(web))[0]?.status === 'sent' ? notifier.deliveriesOf(web) : undefined,
    );
    expect(toTeam).toMatchObject({ channel: 'team', attempts: 2 });
    expect(toTeam?.errors.map((e) => e.code)).toEqual(['timeout']);
    expect(r.wecom.accepted).toHaveLength(1);
    expect(r.slack.accepted).toHaveLength(1);
  });

  it('sends a resolved notice to the channels told of the failure, when notifyResolved', async () => {
    const { store, r, notifier } = await setup(() => ({
      routes: [
        { match: { workloads: ['api'] }, channels: ['hook'] },
        { match: { workloads: ['web'] }, channels: ['team'] },
      ],
    }));
    const a = await recordFailure(store, { workloadName: 'api', pod: 'api-1' });
    const b = await recordFailure(store, { workloadName: 'api', pod: 'api-2', reason: 'Error', exitCode: 1 });
    await Promise.all([notifier.failureRecorded(a), notifier.failureRecorded(b)]);
    await r.webhook.waitForAccepted(2);
    const at = Date.now();
    await store.failures.resolveWorkload({
      cluster: 'prod',
      namespace: 'shop',
      workloadKind: 'Deployment',
      workloadName: 'api',
      at,
    });
    await notifier.failureResolved({
      cluster: 'prod',
      namespace: 'shop',
      workloadKind: 'Deployment',
      workloadName: 'api',
      resolvedAt: at,
    });
    await r.webhook.waitForAccepted(3);
    expect(hookMessages(r)[2]).toMatchObject({
      kind: 'resolved',
      title: 'shop/api recovered',
      count: 2,
      pods: ['api-1', 'api-2'],
    });
    await drained(store);
    expect(r.slack.accepted).toHaveLength(0);
  });

  it('sends no resolved notice when notifyResolved is off; test messages go through the outbox', async () => {
    const { store, r, notifier } = await setup(() => ({ routes: [{ channels: ['hook'] }], notifyResolved: false }));
    await notifier.failureRecorded(await recordFailure(store, { workloadName: 'api' }));
    const at = Date.now();
    await store.failures.resolveWorkload({
      cluster: 'prod',
      namespace: 'shop',
      workloadKind: 'Deployment',
      workloadName: 'api',
      at,
    });
    await notifier.failureResolved({
      cluster: 'prod',
      namespace: 'shop',
      workloadKind: 'Deployment',
      workloadName: 'api',
      resolvedAt: at,
    });
    const test = await notifier.sendTest('ops');
    await r.wecom.waitForAccepted(1);
    expect(r.wecom.accepted[0]?.raw).toContain('Kubeloop test message');
    expect(
      await eventually('test sent', async () =>
        (await store.outbox.get(test.id))?.status === 'sent' ? true : undefined,
      ),
    ).toBe(true);
    await expect(notifier.sendTest('nope')).rejects.toThrow(/unknown channel "nope"/);
    await drained(store);
    expect(hookMessages(r).map((m) => m.kind)).toEqual(['failure']);
  });

  it('delivers every message exactly once across a crash with deliveries pending and sending', async () => {
    // The clock stands still until b-3 has joined: however slow the restart, the window is still open.
    let clock = Date.now();
    const { store, r, notifier, make, reopen } = await setup(
      () => ({ routes: [{ channels: ['hook'] }], grouping: { window: '2500ms' } }),
      { now: () => clock },
      10_000,
    );
    r.webhook.fail({ hang: true }, 1); // the first send hangs: it is 'sending' when the process dies
    const test = await notifier.sendTest('hook');
    await eventually('a send in flight', async () => (r.webhook.received.length === 1 ? true : undefined));
    expect((await store.outbox.get(test.id))?.status).toBe('sending');
    const ids = [
      await recordFailure(store, { workloadName: 'a', pod: 'a-1' }),
      await recordFailure(store, { workloadName: 'b', pod: 'b-1' }),
      await recordFailure(store, { workloadName: 'b', pod: 'b-2' }),
    ];
    await Promise.all(ids.map((id) => notifier.failureRecorded(id))); // two groups collecting (pending rows)
    await notifier.stop({ crash: true });
    await store.close();

    const store2 = await reopen();
    const again = make(store2);
    await again.start();
    expect(again.workerStats.requeuedAtStart).toBe(1);
    await again.failureRecorded(await recordFailure(store2, { workloadName: 'b', pod: 'b-3' })); // joins the persisted group
    clock += 2501;
    await r.webhook.waitForAccepted(3, 5000);
    await drained(store2);
    const msgs = hookMessages(r);
    expect(msgs).toHaveLength(3);
    expect(new Set(r.webhook.accepted.map((a) => a.headers['x-kubeloop-notification-id'])).size).toBe(3);
    const of = (w: string) => msgs.find((m) => JSON.stringify(m['workload'] ?? {}).includes(`"${w}"`));
    expect(msgs.filter((m) => m.kind === 'test')).toHaveLength(1);
    expect(of('a')).toMatchObject({ count: 1, pods: ['a-1'] });
    expect(of('b')).toMatchObject({ count: 3, pods: ['b-1', 'b-2', 'b-3'] });
  });

  it('after a crash, catches up a stored failure nobody was told about, once; pre-existing ones stay quiet', async () => {
    const catchUp = { slackMs: 0, everyMs: 60_000 };
    const { store, r, notifier, make, reopen } = await setup(() => ({ routes: [{ channels: ['hook'] }] }), { catchUp });
    const a = await recordFailure(store, { workloadName: 'a' });
    await notifier.failureRecorded(a);
    // Sent and recorded as sent (a crash between the two would rightly send it again: at least once).
    await eventually('a sent', async () => ((await notifier.deliveriesOf(a))[0]?.status === 'sent' ? true : undefined));
    await recordFailure(store, { workloadName: 'b' }); // stored; the process died before the monitor's call
    await recordFailure(store, { workloadName: 'c', preExisting: true });
    await notifier.stop({ crash: true });

    const store2 = await reopen();
    const again = make(store2);
    await again.start();
    await r.webhook.waitForAccepted(2);
    await drained(store2);
    expect(hookMessages(r).map((m) => m.title)).toEqual([
      'shop/a was OOMKilled (out of memory)',
      'shop/b was OOMKilled (out of memory)',
    ]);
    expect(again.stats).toMatchObject({ caughtUp: 2, notified: 1, preExisting: 1 });
  });
});

import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim } from '../../test/support/sim.ts';
import { eventually } from '../../test/support/eventually.ts';
import { ManualClock } from '../../test/support/manual-clock.ts';
import { TcpProxy } from '../../test/support/tcp-proxy.ts';
import { ListWatch, type ListWatchHandlers } from './list-watch.ts';
import { notReadyReason } from './informer-health.ts';
import { slimPod, type SlimPod } from './pods.ts';

/**
 * The informer against the sim's real HTTP API, behind a TCP relay that can drop connections or
 * refuse them. Time (back-off, redelivery, resync) runs on a manual clock; the network does not.
 */

const WATCH_WINDOW = 30;
let t: TestSim;
let proxy: TcpProxy;
let kc: KubeConfig;
let core: CoreV1Api;
const running: ListWatch<SlimPod>[] = [];

beforeAll(async () => {
  t = await startTestSim({
    controllers: { workloads: false, scheduler: false, kubelet: false },
    watchWindow: WATCH_WINDOW,
  });
  proxy = await TcpProxy.start(Number(new URL(t.sim.url).port));
  kc = new KubeConfig();
  const cluster = t.kc.getCurrentCluster();
  kc.loadFromOptions({
    clusters: [
      { name: 'sim', server: `https://127.0.0.1:${proxy.port}`, caData: cluster?.caData, skipTLSVerify: false },
    ],
    users: [{ name: 'u', token: t.kc.getCurrentUser()?.token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
    currentContext: 'sim',
  });
  core = t.kc.makeApiClient(CoreV1Api);
}, 30_000);

afterEach(() => {
  for (const lw of running.splice(0)) lw.stop();
  proxy.refuse(false);
});

afterAll(async () => {
  await proxy?.stop();
  await t?.sim.stop();
});

const podBody = (name: string) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'kubeloop/app:1' }] },
});

async function namespace(name: string, pods: string[]): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
  for (const p of pods) await core.createNamespacedPod({ namespace: name, body: podBody(p) });
}

function informer(
  ns: string,
  clock: ManualClock,
  handlers: ListWatchHandlers<SlimPod>,
  resyncMs = 0,
): ListWatch<SlimPod> {
  const lw = new ListWatch<SlimPod>(
    {
      kc,
      path: `/api/v1/namespaces/${ns}/pods`,
      slim: slimPod,
      clock,
      resyncMs,
      retryBaseMs: 200,
      handlerRetryBaseMs: 1_000,
    },
    handlers,
  );
  running.push(lw);
  return lw;
}

/** Runs the informer's timers as they come (reconnects, relists) until `done` holds. */
async function driveUntil(clock: ManualClock, what: string, done: () => boolean): Promise<void> {
  await eventually(
    what,
    async () => {
      if (done()) return true;
      const due = clock.pending()[0];
      if (due !== undefined) clock.advance(due);
      return undefined;
    },
    10_000,
  );
}

const names = (lw: ListWatch<SlimPod>): string[] => [...lw.values()].map((p) => p.metadata.name).sort();

/** Waits for the informer to arm its next timer (a reconnect or redelivery), then runs it. */
async function runNextTimer(clock: ManualClock, what: string): Promise<number> {
  const due = await eventually(`a timer for ${what}`, async () => clock.pending()[0], 10_000);
  clock.advance(due);
  return due;
}

describe('ListWatch', () => {
  it('keeps the cache at what the handler last accepted and delivers a failed change again after a back-off', async () => {
    await namespace('lw-handler', ['steady']);
    const clock = new ManualClock();
    let failuresLeft = 2;
    const seen: { name: string; old: string | undefined }[] = [];
    const lw = informer('lw-handler', clock, {
      upsert: async (pod, old) => {
        seen.push({ name: pod.metadata.name, old: old?.metadata.name });
        if (pod.metadata.name === 'flaky' && failuresLeft-- > 0) throw new Error('store unavailable');
      },
    });
    await lw.start();
    expect(names(lw)).toEqual(['steady']);

    await core.createNamespacedPod({ namespace: 'lw-handler', body: podBody('flaky') });
    await eventually('the first failure', async () => (lw.stats.handlerErrors === 1 ? true : undefined));
    expect(names(lw)).toEqual(['steady']);
    expect(lw.health().pendingRedeliveries).toBe(1);

    expect(await runNextTimer(clock, 'the first redelivery')).toBe(1_000);
    await eventually('the second failure', async () => (lw.stats.handlerErrors === 2 ? true : undefined));
    expect(names(lw)).toEqual(['steady']);
    expect(await runNextTimer(clock, 'the second redelivery')).toBe(2_000);
    await eventually('flaky accepted', async () => (names(lw).includes('flaky') ? true : undefined));

    expect(lw.health().pendingRedeliveries).toBe(0);
    expect(lw.stats.redeliveries).toBe(2);
    // Each delivery of the new pod compared it with the same (absent) accepted state.
    expect(seen.filter((s) => s.name === 'flaky')).toEqual([
      { name: 'flaky', old: undefined },
      { name: 'flaky', old: undefined },
      { name: 'flaky', old: undefined },
    ]);
  });

  it('resumes a dropped watch from the last resourceVersion, with no relist and no change lost', async () => {
    await namespace('lw-drop', ['a']);
    const clock = new ManualClock();
    const lw = informer('lw-drop', clock, {});
    await lw.start();
    await eventually('the watch connected', async () => (lw.health().phase === 'watching' ? true : undefined));

    proxy.cut();
    for (const p of ['b', 'c']) await core.createNamespacedPod({ namespace: 'lw-drop', body: podBody(p) });
    await core.deleteNamespacedPod({ namespace: 'lw-drop', name: 'a', gracePeriodSeconds: 0 });
    await runNextTimer(clock, 'the reconnect');
    await eventually('the changes made while disconnected', async () =>
      names(lw).join() === 'b,c' ? true : undefined,
    );
    expect(lw.stats.lists).toBe(1);
    expect(lw.stats.relistsOn410).toBe(0);
  });

  it('relists on 410 Gone when the watch window passed while disconnected, and reports what went away', async () => {
    await namespace('lw-gone', ['keep', 'drop']);
    const clock = new ManualClock();
    const deleted: string[] = [];
    const lw = informer('lw-gone', clock, { delete: (pod) => void deleted.push(pod.metadata.name) });
    await lw.start();
    await eventually('the watch connected', async () => (lw.health().phase === 'watching' ? true : undefined));

    proxy.refuse(true);
    await core.deleteNamespacedPod({ namespace: 'lw-gone', name: 'drop', gracePeriodSeconds: 0 });
    await core.createNamespace({ body: { metadata: { name: 'lw-gone-churn' } } });
    for (let i = 0; i < WATCH_WINDOW + 5; i++)
      await core.createNamespacedPod({ namespace: 'lw-gone-churn', body: podBody(`p${i}`) });
    await core.createNamespacedPod({ namespace: 'lw-gone', body: podBody('new') });
    proxy.refuse(false);
    await driveUntil(clock, 'the relist', () => lw.stats.relistsOn410 === 1 && names(lw).join() === 'keep,new');
    expect(deleted).toEqual(['drop']);
    expect(lw.stats.lists).toBe(2);
  });

  it('reports an unreachable API server in its health, backs off with growing delays, and recovers', async () => {
    await namespace('lw-down', ['x']);
    const clock = new ManualClock();
    const lw = informer('lw-down', clock, {});
    await lw.start();
    await eventually('the watch connected', async () => (lw.health().phase === 'watching' ? true : undefined));

    proxy.refuse(true);
    const delays = [
      await runNextTimer(clock, 'retry 1'),
      await runNextTimer(clock, 'retry 2'),
      await runNextTimer(clock, 'retry 3'),
    ];
    expect(delays).toEqual([200, 400, 800]);
    await eventually('the third failure', async () => (clock.pending().length > 0 ? true : undefined));
    const h = lw.health();
    expect(h.phase).toBe('reconnecting');
    expect(h.failingSince).toBeDefined();
    expect(h.lastError).toBeTruthy();
    expect(notReadyReason([h], clock.now(), 60_000)).toBeUndefined();
    expect(notReadyReason([h], clock.now() + 61_000, 60_000)).toMatch(
      /^\/api\/v1\/namespaces\/lw-down\/pods: cannot watch for \d+ s: /,
    );

    proxy.refuse(false);
    await core.createNamespacedPod({ namespace: 'lw-down', body: podBody('y') });
    await driveUntil(clock, 'recovery', () => lw.health().phase === 'watching' && names(lw).join() === 'x,y');
    expect(lw.health().failingSince).toBeUndefined();
    expect(notReadyReason([lw.health()], clock.now() + 61_000, 60_000)).toBeUndefined();
  });

  it('delivers every cached object again on resync', async () => {
    await namespace('lw-resync', ['r1', 'r2']);
    const clock = new ManualClock();
    const again: string[] = [];
    const lw = informer(
      'lw-resync',
      clock,
      { upsert: (pod, old) => void (old === pod ? again.push(pod.metadata.name) : undefined) },
      60_000,
    );
    await lw.start();
    expect(clock.pending()).toEqual([60_000]);
    clock.advance(60_000);
    expect(again.sort()).toEqual(['r1', 'r2']);
    expect(lw.stats.resyncs).toBe(1);
  });

  it('says why it is not ready before its first list', async () => {
    const clock = new ManualClock();
    const lw = informer('lw-none', clock, {});
    expect(notReadyReason([lw.health()], clock.now(), 60_000)).toBe('/api/v1/namespaces/lw-none/pods: not listed yet');
    proxy.refuse(true);
    await expect(lw.start()).rejects.toThrow();
    expect(notReadyReason([lw.health()], clock.now(), 60_000)).toMatch(/not listed yet \(.+\)/);
  });
});

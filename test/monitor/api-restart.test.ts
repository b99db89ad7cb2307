import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, type V1ContainerStatus } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { backends } from '../../src/store/test-backends.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';

/** How many instances of a container have crashed, from its status (the sim's ground truth). */
function crashedInstances(cs: V1ContainerStatus): number {
  const deadNow = cs.state?.terminated !== undefined || cs.state?.waiting?.reason === 'CrashLoopBackOff';
  return cs.restartCount + (deadNow ? 1 : 0);
}

afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

describe.each(backends)('the monitor across an API server restart, store on $name', (backend) => {
  let t: TestSim;
  let store: Store;
  let core: CoreV1Api;

  beforeAll(async () => {
    // Back-off 200 ms doubling to 60 s: a burst of crashes, then a long quiet back-off to compare in.
    t = await startTestSim({
      controllers: {},
      kubelet: { startDelayMs: 10, stopDelayMs: 10, backoffBaseMs: 200, backoffMaxMs: 60_000 },
    });
    addNode(t.sim.service, 'node-1', 0);
    core = t.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'r' } } });
    store = await openStore(await backend.fresh());
  });

  afterAll(async () => {
    await store?.close();
    await t?.sim.stop();
  });

  it('misses no crash and records none twice when the API server goes away mid-watch', async () => {
    const monitor = new Monitor({ kc: t.kc, store, config: monitorConfigSchema.parse({}), cluster: 'sim' });
    await monitor.start();
    try {
      for (const name of ['a', 'b', 'c']) {
        await core.createNamespacedPod({
          namespace: 'r',
          body: {
            metadata: { name, annotations: { 'sim.kubeloop.dev/crash-after': '150ms' } },
            spec: { containers: [{ name: 'app', image: 'app:1' }] },
          },
        });
      }
      // Mid-burst: every pod has crashed and been recorded once before the API server goes away.
      await eventually(
        'a first crash of each pod recorded',
        async () => {
          const items = (await store.failures.list({ namespace: 'r' }, { limit: 500 })).items;
          return new Set(items.map((f) => f.pod)).size === 3 ? true : undefined;
        },
        10_000,
      );
      // The API server is down for 1.5 s while the pods keep crashing.
      await t.sim.restartApiServer(1_500);
      // Wait for the burst to end (back-off reaches several seconds) and the monitor to catch up.
      const truth = await eventually(
        'crash burst over and recorded',
        async () => {
          const pods = (await core.listNamespacedPod({ namespace: 'r' })).items;
          const expected = pods.reduce(
            (n, p) => n + crashedInstances(p.status?.containerStatuses?.[0] as V1ContainerStatus),
            0,
          );
          await monitor.settle();
          const recorded = (await store.failures.list({ namespace: 'r' }, { limit: 500 })).total;
          return expected >= 15 && recorded === expected ? { expected, pods } : undefined;
        },
        30_000,
        250,
      );
      const items = (await store.failures.list({ namespace: 'r' }, { limit: 500 })).items;
      expect(new Set(items.map((f) => f.key)).size).toBe(items.length);
      for (const p of truth.pods) {
        const cs = p.status?.containerStatuses?.[0] as V1ContainerStatus;
        const instances = items
          .filter((f) => f.pod === p.metadata?.name)
          .map((f) => f.restartCount)
          .sort((x, y) => x - y);
        expect(instances).toEqual([...Array(crashedInstances(cs)).keys()]);
      }
      expect(monitor.watchStats.watches).toBeGreaterThan(3);
    } finally {
      monitor.stop();
      await monitor.settle();
    }
  }, 60_000);
});

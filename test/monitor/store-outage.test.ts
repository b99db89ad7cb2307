import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { backends } from '../../src/store/test-backends.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';

/**
 * A failure whose record could not be stored must not wait for the pod's next change: a pod that
 * failed once and stays failed never changes again. The informer delivers it again after a
 * back-off until the store takes it.
 */

const config = monitorConfigSchema.parse({});
const sqlite = backends.find((b) => b.name === 'sqlite') ?? backends[0];

afterAll(async () => {
  await sqlite?.cleanup();
});

describe('the monitor while the store refuses writes', () => {
  let t: TestSim;
  let store: Store;

  beforeAll(async () => {
    if (!sqlite) throw new Error('no sqlite test backend');
    t = await startTestSim({ controllers: {}, kubelet: { startDelayMs: 10, stopDelayMs: 10 } });
    addNode(t.sim.service, 'node-1', 0);
    await t.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'outage' } } });
    store = await openStore(await sqlite.fresh());
  });

  afterAll(async () => {
    await store?.close();
    await t?.sim.stop();
  });

  it("stores a quiet pod's only failure once the store is back, with no further pod update", async () => {
    let refusals = 2;
    const failures = new Proxy(store.failures, {
      get(target, prop, receiver) {
        if (prop !== 'insertOnce') return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<Store['failures']['insertOnce']>) => {
          if (refusals > 0) {
            refusals--;
            return Promise.reject(new Error('SQLITE_BUSY: database is locked'));
          }
          return target.insertOnce(...args);
        };
      },
    });
    const monitor = new Monitor({ kc: t.kc, store: { ...store, failures } as Store, config, cluster: 'sim' });
    await monitor.start();
    try {
      await t.kc.makeApiClient(CoreV1Api).createNamespacedPod({
        namespace: 'outage',
        body: {
          metadata: {
            name: 'once',
            annotations: { 'sim.kubeloop.dev/crash-after': '100ms', 'sim.kubeloop.dev/exit-code': '2' },
          },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'app:1' }] },
        },
      });
      const stored = await eventually(
        'the failure stored after two refusals',
        async () => (await store.failures.list({ namespace: 'outage' })).items[0],
        15_000,
      );
      expect(refusals).toBe(0);
      expect(stored).toMatchObject({ reason: 'Error', exitCode: 2, workloadName: 'once' });
      await monitor.settle();
      expect((await store.failures.list({ namespace: 'outage' })).total).toBe(1);
    } finally {
      monitor.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startRealCluster, type RealCluster } from '../support/real-cluster/real-cluster.ts';
import { eventually } from '../support/eventually.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';

let real: RealCluster;
let store: Store;
let dir: string;

beforeAll(async () => {
  real = await startRealCluster();
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-real-'));
  store = await openStore({ dataDir: dir });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await real?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the exception monitor against a real kube-apiserver 1.20', () => {
  it('records a crash reported in pod status once, and why there are no logs (no kubelet here)', async () => {
    const kc = real.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    // A just-started apiserver may still be bootstrapping (default service account admission, RBAC): retry briefly.
    await eventually('namespace created', async () =>
      core.createNamespace({ body: { metadata: { name: 'crash' } } }).then(
        () => true,
        (err: unknown) => ((err as { code?: number }).code === 409 ? true : undefined),
      ),
    );
    await eventually(
      'default service account',
      async () =>
        (await core.listNamespacedServiceAccount({ namespace: 'crash' })).items.some(
          (sa) => sa.metadata?.name === 'default',
        )
          ? true
          : undefined,
      20_000,
    );
    // The ServiceAccount admission plugin refuses pods (500, Retry-After) until the SA's token secret exists.
    await eventually(
      'pod created',
      async () =>
        core
          .createNamespacedPod({
            namespace: 'crash',
            body: {
              metadata: { name: 'app' },
              spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
            },
          })
          .then(
            () => true,
            (err: unknown) =>
              /No API token found for service account/.test(String((err as Error).message))
                ? undefined
                : Promise.reject(err),
          ),
      30_000,
      200,
    );
    const monitor = new Monitor({
      kc,
      store,
      config: monitorConfigSchema.parse({ warningEvents: false }),
      cluster: 'real',
    });
    await monitor.start();
    try {
      // No kubelet runs with this control plane: the test plays it, writing status as a kubelet would.
      const status = (
        restartCount: number,
        state: Record<string, unknown>,
        lastState: Record<string, unknown> = {},
      ): object => ({
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'app', image: 'app:1', imageID: '', ready: false, restartCount, state, lastState },
          ],
        },
      });
      const terminated = {
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: '2026-11-30T10:00:00Z',
          finishedAt: '2026-11-30T10:05:00Z',
        },
      };
      const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      await core.patchNamespacedPodStatus({ namespace: 'crash', name: 'app', body: status(0, terminated) }, merge);
      await core.patchNamespacedPodStatus(
        {
          namespace: 'crash',
          name: 'app',
          body: status(1, { running: { startedAt: '2026-11-30T10:05:01Z' } }, terminated),
        },
        merge,
      );
      const f = await eventually(
        'failure recorded',
        async () => (await store.failures.list({ namespace: 'crash' })).items[0],
      );
      await monitor.settle();
      const full = await store.failures.get(f.id);
      expect(full).toMatchObject({
        reason: 'OOMKilled',
        exitCode: 137,
        signal: 9,
        restartCount: 0,
        workloadKind: 'Pod',
        workloadName: 'app',
      });
      expect(full?.logs).toBe('');
      expect(full?.logsError).toMatch(/^\d{3} /);
      expect((await store.failures.list({ namespace: 'crash' })).total).toBe(1);
    } finally {
      monitor.stop();
    }
  }, 60_000);
});

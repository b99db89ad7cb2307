import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { backends } from '../../src/store/test-backends.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';

const config = monitorConfigSchema.parse({ resolveAfter: '1s', excludePods: ['^ignored-'] });
const crashLog = 'java.lang.IllegalStateException: pool exhausted\\n\\tat com.ruoyi.system.Pool.take(Pool.java:17)';

afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

// The same suite on each store: the monitor's dedupe (insertOnce) and queries must hold on both.
describe.each(backends)('the exception monitor on the simulated cluster, store on $name', (backend) => {
  let t: TestSim;
  let store: Store;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const newMonitor = (): Monitor => new Monitor({ kc: t.kc, store, config, cluster: 'sim' });

  beforeAll(async () => {
    t = await startTestSim({
      controllers: {},
      kubelet: { startDelayMs: 10, stopDelayMs: 10, backoffBaseMs: 400, backoffMaxMs: 800 },
    });
    addNode(t.sim.service, 'node-1', 0);
    core = t.kc.makeApiClient(CoreV1Api);
    apps = t.kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'm' } } });
    store = await openStore(await backend.fresh());
  });

  afterAll(async () => {
    await store?.close();
    await t?.sim.stop();
  });

  it('records a pre-existing failure as such, then every new crash once with its previous logs, owners, Services and events', async () => {
    await core.createNamespacedPod({
      namespace: 'm',
      body: {
        metadata: { name: 'old-broken' },
        spec: { containers: [{ name: 'c', image: 'registry/does-not-exist:1' }] },
      },
    });
    await eventually('image pull failure visible', async () =>
      (
        await core.readNamespacedPod({ namespace: 'm', name: 'old-broken' })
      ).status?.containerStatuses?.[0]?.state?.waiting?.reason?.includes('Image')
        ? true
        : undefined,
    );

    const monitor = newMonitor();
    await monitor.start();
    try {
      const pre = await eventually(
        'pre-existing failure',
        async () => (await store.failures.list({ namespace: 'm', workload: 'old-broken' })).items[0],
      );
      expect(pre.preExisting).toBe(true);

      await core.createNamespacedService({
        namespace: 'm',
        body: { metadata: { name: 'system' }, spec: { selector: { app: 'system' }, ports: [{ port: 80 }] } },
      });
      await apps.createNamespacedDeployment({
        namespace: 'm',
        body: {
          metadata: { name: 'system' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'system' } },
            template: {
              metadata: {
                labels: { app: 'system' },
                annotations: {
                  'sim.kubeloop.dev/crash-after': '150ms',
                  'sim.kubeloop.dev/exit-code': '3',
                  'sim.kubeloop.dev/crash-log': crashLog,
                },
              },
              spec: { containers: [{ name: 'app', image: 'ruoyi/system:1' }] },
            },
          },
        },
      });
      const page = await eventually(
        '3 crashes recorded',
        async () => {
          const p = await store.failures.list({ namespace: 'm', workload: 'system' });
          return p.total >= 3 ? p : undefined;
        },
        20_000,
      );
      await monitor.settle();
      const keys = page.items.map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(page.items.map((f) => f.restartCount).sort()).toEqual(
        [...new Set(page.items.map((f) => f.restartCount))].sort(),
      );
      const first = await store.failures.get(page.items.at(-1)?.id ?? 0);
      expect(first).toMatchObject({
        reason: 'Error',
        exitCode: 3,
        workloadKind: 'Deployment',
        workloadName: 'system',
        preExisting: false,
        services: ['system'],
        node: 'node-1',
      });
      expect(first?.ownerChain.map((o) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
      expect(first?.logs).toContain('java.lang.IllegalStateException: pool exhausted');
      expect(first?.logs).toContain('\tat com.ruoyi.system.Pool.take(Pool.java:17)');
      expect(first?.logsError).toBeNull();
      // Every crash has its own instance's logs (or says why not): never the next instance's lines.
      for (const f of page.items) {
        const full = await store.failures.get(f.id);
        if (full?.logsError) {
          // The only excuse: the instance moved on before its logs could be read; then no lines at all.
          expect(full.logsError).toMatch(
            /restarted \d+ times before its logs could be read|never reported this termination|kept restarting while its logs were read/,
          );
          expect(full.logs ?? '').toBe('');
          continue;
        }
        expect(full?.logs).toContain('pool exhausted');
      }
    } finally {
      // Records still in flight land before the next test counts rows.
      monitor.stop();
      await monitor.settle();
    }
  });

  it('after a restart of Kubeloop records what happened meanwhile once, and nothing twice', async () => {
    const before = await store.failures.list({ namespace: 'm' }, { limit: 500 });
    const lastSeen = Math.max(...before.items.filter((f) => f.workloadName === 'system').map((f) => f.restartCount));
    // Kubeloop is down until the crash loop has gone on past what it saw (two more restarts: at
    // least one instance died unseen), rather than for a fixed time.
    await eventually(
      'system crashed again while Kubeloop was down',
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: 'm', labelSelector: 'app=system' })).items;
        return pods.some((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= lastSeen + 2)
          ? true
          : undefined;
      },
      20_000,
      50,
    );
    const monitor = newMonitor();
    await monitor.start();
    await monitor.settle();
    // Stopped and settled, its counts are final and match the store.
    monitor.stop();
    await monitor.settle();
    const after = await store.failures.list({ namespace: 'm' }, { limit: 500 });
    expect(after.total).toBeGreaterThan(before.total);
    const keys = after.items.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    // Crashes that happened while Kubeloop was down are news, not pre-existing.
    expect(after.items.filter((f) => f.workloadName === 'system').every((f) => !f.preExisting)).toBe(true);
    // Every row added since is one this monitor recorded; whatever else it detected, the store had.
    expect(monitor.stats.recorded).toBe(after.total - before.total);
    expect(monitor.stats.detected).toBe(monitor.stats.recorded + monitor.stats.duplicates);
    // old-broken still shows the image pull failure the first monitor stored: seen again, refused by the store.
    expect(monitor.stats.duplicates).toBeGreaterThanOrEqual(1);
  });

  it('ignores excluded pods, resolves a workload once it is healthy, and records Warning events as findings', async () => {
    const monitor = newMonitor();
    await monitor.start();
    try {
      await core.createNamespacedPod({
        namespace: 'm',
        body: { metadata: { name: 'ignored-x' }, spec: { containers: [{ name: 'c', image: 'x/does-not-exist:1' }] } },
      });
      await apps.patchNamespacedDeployment({
        namespace: 'm',
        name: 'system',
        body: [{ op: 'remove', path: '/spec/template/metadata/annotations' }],
      });
      await eventually(
        'system resolved',
        async () => {
          const open = await store.failures.list({ namespace: 'm', workload: 'system', state: 'open' });
          return open.total === 0 ? true : undefined;
        },
        20_000,
      );
      const findings = await eventually('BackOff finding', async () => {
        const f = await store.findings.list({ namespace: 'm', reason: 'BackOff' });
        return f.length > 0 ? f : undefined;
      });
      expect(findings[0]?.workloadName).toBe('system');
      expect((await store.failures.list({ namespace: 'm', workload: 'ignored-x' })).total).toBe(0);
    } finally {
      monitor.stop();
      await monitor.settle();
    }
  });

  it('captures a bounded, marked-truncated tail of a 50 MB log', async () => {
    const monitor = newMonitor();
    await monitor.start();
    try {
      await core.createNamespacedPod({
        namespace: 'm',
        body: {
          metadata: {
            name: 'chatty',
            annotations: { 'sim.kubeloop.dev/crash-after': '3s', 'sim.kubeloop.dev/crash-log': 'FATAL last words' },
          },
          spec: { containers: [{ name: 'app', image: 'app:1' }] },
        },
      });
      const pod = await eventually('running', async () => {
        const p = await core.readNamespacedPod({ namespace: 'm', name: 'chatty' });
        return p.status?.phase === 'Running' ? p : undefined;
      });
      // 50 MB written straight into the container's log (the kubelet keeps its rotation size of it).
      const line = `${'x'.repeat(99)}`;
      const chunk = Array.from({ length: 1000 }, () => line).join('\n');
      for (let i = 0; i < 500; i++) t.sim.logs.append(pod.metadata?.uid ?? '', 'app', chunk);
      const f = await eventually(
        'chatty failure',
        async () => (await store.failures.list({ namespace: 'm', workload: 'chatty' })).items[0],
        15_000,
      );
      await monitor.settle();
      const full = await store.failures.get(f.id);
      expect(full?.logsTruncated).toBe(true);
      expect(Buffer.byteLength(full?.logs ?? '')).toBeLessThanOrEqual(256 * 1024);
      expect(full?.logs?.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(1000);
      expect(full?.logs).toContain('FATAL last words');
    } finally {
      monitor.stop();
      await monitor.settle();
    }
  }, 30_000);
});

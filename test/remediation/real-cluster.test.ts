import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startRealCluster, type RealCluster } from '../support/real-cluster/real-cluster.ts';
import { eventually } from '../support/eventually.ts';
import { actionsOf, guanceAlert, startHarness, type Harness } from './support.ts';

/**
 * The seed-000 scale-out against the differential suite's real control plane: kube-apiserver 1.20
 * and kube-controller-manager, whose ReplicaSet controller really creates the pods the alert names
 * (there is no kubelet: they stay Pending, which does not matter for scaling).
 */
let real: RealCluster;
let h: Harness;

beforeAll(async () => {
  real = await startRealCluster();
  h = await startHarness(real.kubeconfig(), {
    playbooks: [
      {
        name: 'seed-scale-out',
        cooldown: '0s',
        trigger: { alert: { source: 'guance' } },
        actions: [{ action: 'scale_out', max: 3 }],
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await real?.stop();
});

describe('scale-out on a real kube-apiserver + kube-controller-manager', () => {
  it('finds the Deployment behind the alerting pod, scales it 1 -> 2 -> 3, then stops at the limit', async () => {
    const kc = real.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await eventually(
      'namespace created',
      async () =>
        core.createNamespace({ body: { metadata: { name: 'gc-dev' } } }).then(
          () => true,
          (err: unknown) => ((err as { code?: number }).code === 409 ? true : undefined),
        ),
      20_000,
    );
    await eventually(
      'default service account',
      async () =>
        (await core.listNamespacedServiceAccount({ namespace: 'gc-dev' })).items.some(
          (sa) => sa.metadata?.name === 'default',
        )
          ? true
          : undefined,
      30_000,
    );
    await apps.createNamespacedDeployment({
      namespace: 'gc-dev',
      body: {
        metadata: { name: 'ruoyi-system' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'ruoyi-system' } },
          template: {
            metadata: { labels: { app: 'ruoyi-system' } },
            spec: { containers: [{ name: 'app', image: 'ruoyi-system:1' }] },
          },
        },
      },
    });
    const link = await h.link('guance', 'guance-real');
    const podNames = async (): Promise<string[]> =>
      (await core.listNamespacedPod({ namespace: 'gc-dev', labelSelector: 'app=ruoyi-system' })).items.map(
        (p) => p.metadata?.name ?? '',
      );
    const pod = await eventually(
      'the ReplicaSet controller to create a pod',
      async () => (await podNames())[0],
      30_000,
    );
    for (const [i, expected] of [
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'skipped'],
    ] as const) {
      const r = await h.post(link, guanceAlert(`event-real-${i}`, 'gc-dev', pod));
      expect(r.status).toBe(202);
      await h.platform.remediation.settle();
      const [a] = await actionsOf(h.platform, (r.json.accepted as { id: number }[])[0]?.id ?? 0);
      expect(a?.state, a?.summary).toBe(expected);
    }
    const dep = await apps.readNamespacedDeployment({ name: 'ruoyi-system', namespace: 'gc-dev' });
    expect(dep.spec?.replicas).toBe(3);
    // The real controllers act on the change: three pods exist.
    await eventually('three pods', async () => ((await podNames()).length === 3 ? true : undefined), 30_000);
    const events = await core.listNamespacedEvent({ namespace: 'gc-dev' });
    expect(
      events.items.some((e) => e.reason === 'ScaleOutLimitReached' && e.involvedObject.name === 'ruoyi-system'),
    ).toBe(true);
  }, 120_000);
});

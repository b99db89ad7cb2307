import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startRealCluster, type RealCluster } from './real-cluster.ts';
import { eventually } from '../eventually.ts';

let real: RealCluster;

beforeAll(async () => {
  real = await startRealCluster();
}, 900_000);
afterAll(async () => {
  await real?.stop();
});

describe('the real control plane', () => {
  it('runs kube-controller-manager: a Deployment gets a ReplicaSet and Pods', async () => {
    const kc = real.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'smoke' } } });
    await apps.createNamespacedDeployment({
      namespace: 'smoke',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
      },
    });
    await eventually(
      '2 pods created by the ReplicaSet',
      async () => ((await core.listNamespacedPod({ namespace: 'smoke' })).items.length >= 2 ? true : undefined),
      40_000,
      200,
    );
    expect((await core.listNamespacedPod({ namespace: 'smoke' })).items).toHaveLength(2);
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'smoke' });
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('Deployment');
  }, 60_000);
});

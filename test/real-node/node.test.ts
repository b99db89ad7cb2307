import { describe, expect, inject, it } from 'vitest';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { BUSYBOX_IMAGE } from '../support/real-node/real-node.ts';
import { eventually } from '../support/eventually.ts';

const info = inject('realNode');
const kc = new KubeConfig();
kc.loadFromString(info.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

describe('the real node', () => {
  it('is Ready and reports kubelet v1.20.2 on containerd', async () => {
    const node = await core.readNode({ name: info.nodeName });
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.20.2');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).toBe(info.nodeIP);
  });

  it('runs a Deployment: pods get 198.18.0.0/16 addresses and become Ready', async () => {
    await core.createNamespace({ body: { metadata: { name: 'node-smoke' } } });
    await apps.createNamespacedDeployment({
      namespace: 'node-smoke',
      body: {
        metadata: { name: 'sleep' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'sleep' } },
          template: {
            metadata: { labels: { app: 'sleep' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }],
            },
          },
        },
      },
    });
    await eventually(
      '2 available replicas',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'sleep', namespace: 'node-smoke' });
        return d.status?.availableReplicas === 2 ? d : undefined;
      },
      60_000,
      250,
    );
    const pods = await core.listNamespacedPod({ namespace: 'node-smoke' });
    for (const p of pods.items) expect(p.status?.podIP).toMatch(/^198\.18\./);
    await core.deleteNamespace({ name: 'node-smoke' });
  });
});

import { AppsV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { mergePatch, sleep } from '../sim-cluster/kube.ts';

/** A Deployment of `image` running `sleep`, at 0 replicas, as both sides get it. */
function sleeper(name: string, image: string): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'app', image, command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '8Mi' } } },
          ],
        },
      },
    },
  };
}

/**
 * Times a Deployment of `replicas` in the `default` namespace (its ServiceAccount token exists once
 * the cluster has started): from the scale subresource PATCH 0 -> `replicas` until the Deployment
 * reports every replica available (status.availableReplicas, what `kubectl rollout status` waits
 * for), polled every 100 ms. The Deployment is deleted afterwards.
 */
export async function timeRollout(kc: KubeConfig, replicas: number, image: string, timeoutMs: number): Promise<number> {
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = 'default';
  await apps.createNamespacedDeployment({ namespace: ns, body: sleeper('bench-rollout', image) });
  try {
    const t0 = performance.now();
    await apps.patchNamespacedDeploymentScale(
      { name: 'bench-rollout', namespace: ns, body: { spec: { replicas } } },
      mergePatch,
    );
    for (;;) {
      const d = await apps.readNamespacedDeployment({ name: 'bench-rollout', namespace: ns });
      if ((d.status?.availableReplicas ?? 0) >= replicas) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs)
        throw new Error(
          `${replicas}-replica Deployment not available within ${timeoutMs / 1000} s (available ${d.status?.availableReplicas ?? 0})`,
        );
      await sleep(100);
    }
  } finally {
    await apps.deleteNamespacedDeployment({ name: 'bench-rollout', namespace: ns });
  }
}

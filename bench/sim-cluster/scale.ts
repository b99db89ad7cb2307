import { AppsV1Api, CoreV1Api, type V1Endpoints, type V1Pod } from '@kubernetes/client-node';
import { startClusterSim } from './sim-process.ts';
import { deployment, isRunningReady, mergePatch, service, sleep, startWatch, waitUntil } from './kube.ts';

export interface ScaleRun {
  /** From the scale request until both conditions below hold. */
  totalMs: number;
  /** Until every replica is Running and Ready (as a pod watch sees it). */
  podsMs: number;
  /** Until the Service's Endpoints list every replica as a ready address. */
  endpointsMs: number;
  /** CPU seconds the sim process used from the scale request to the end (less sensitive than wall time to other load on the machine). */
  simCpuSeconds: number;
  rssMiB: number;
}

export interface ScaleFlags {
  nodes: number;
  replicas: number;
  timeoutSeconds: number;
}

const NS = 'default';
const NAME = 'web';

function readyAddresses(ep: V1Endpoints): number {
  return (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

/**
 * One run on a fresh sim: a Deployment at 0 replicas and its Service exist; the clock starts
 * when the client PATCHes the Deployment's scale subresource to `replicas` and stops at the
 * watch event that makes both "all pods Running+Ready" and "Endpoints has all ready addresses" true.
 */
export async function scaleRun(f: ScaleFlags): Promise<ScaleRun> {
  const sim = await startClusterSim({ nodes: f.nodes, nodeCpu: '64', nodeMemory: '256Gi', kubelet: {} });
  try {
    const core = sim.kc.makeApiClient(CoreV1Api);
    const apps = sim.kc.makeApiClient(AppsV1Api);
    await core.createNamespacedService({ namespace: NS, body: service(NAME) });
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment(NAME, 0) });
    const deadline = performance.now() + 10_000;
    for (;;) {
      const d = await apps.readNamespacedDeployment({ name: NAME, namespace: NS });
      if ((d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1)) break;
      if (performance.now() > deadline)
        throw new Error('the deployment controller did not observe the Deployment within 10 s');
      await sleep(50);
    }

    const ready = new Set<string>();
    let endpoints = 0;
    let podsAt: number | undefined;
    let endpointsAt: number | undefined;
    const pods = await startWatch<V1Pod>(
      sim.kc,
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: `app=${NAME}` },
      (type, pod, at) => {
        const name = pod.metadata?.name ?? '';
        if (type !== 'DELETED' && isRunningReady(pod)) ready.add(name);
        else ready.delete(name);
        if (podsAt === undefined && ready.size >= f.replicas) podsAt = at;
      },
    );
    const eps = await startWatch<V1Endpoints>(
      sim.kc,
      `/api/v1/namespaces/${NS}/endpoints`,
      { fieldSelector: `metadata.name=${NAME}` },
      (type, ep, at) => {
        endpoints = type === 'DELETED' ? 0 : readyAddresses(ep);
        if (endpointsAt === undefined && endpoints >= f.replicas) endpointsAt = at;
      },
    );
    try {
      const cpu0 = await sim.cpuSeconds();
      const t0 = performance.now();
      await apps.patchNamespacedDeploymentScale(
        { name: NAME, namespace: NS, body: { spec: { replicas: f.replicas } } },
        mergePatch,
      );
      await waitUntil(
        `scale 0 -> ${f.replicas}`,
        f.timeoutSeconds * 1000,
        () => podsAt !== undefined && endpointsAt !== undefined,
        () => `${ready.size}/${f.replicas} pods Running+Ready, ${endpoints}/${f.replicas} ready endpoint addresses`,
        [pods, eps],
      );
      const podsMs = (podsAt ?? NaN) - t0;
      const endpointsMs = (endpointsAt ?? NaN) - t0;
      const simCpuSeconds = (await sim.cpuSeconds()) - cpu0;
      return { totalMs: Math.max(podsMs, endpointsMs), podsMs, endpointsMs, simCpuSeconds, rssMiB: await sim.rssMiB() };
    } finally {
      pods.stop();
      eps.stop();
    }
  } finally {
    await sim.stop();
  }
}

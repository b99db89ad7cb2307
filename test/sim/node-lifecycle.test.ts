import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiException, AppsV1Api, CoordinationV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { Kubectl } from '../support/kubectl.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';

let t: TestSim;
let core: CoreV1Api;
let k: Kubectl;

beforeAll(async () => {
  // Heartbeats every 100 ms, Unknown after 3 s of silence (heartbeats and the node monitor share
  // one event loop: a loaded machine can stall it for a second and must not make a live node look
  // silent), and the default 300 s toleration of unreachable nodes scaled down to 1.5 s.
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 20, stopDelayMs: 20, heartbeatIntervalMs: 100 },
    nodeLifecycle: { monitorPeriodMs: 100, monitorGracePeriodMs: 3000, tolerationSecondsScale: 0.005 },
  });
  addNode(t.sim.service, 'node-1', 0);
  addNode(t.sim.service, 'node-2', 1);
  core = t.kc.makeApiClient(CoreV1Api);
  k = await Kubectl.forKubeconfig(t.sim.kubeconfig());
  await core.createNamespace({ body: { metadata: { name: 'nl' } } });
});
afterAll(async () => {
  await t.sim.stop();
});

const ready = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const podsIn = async (): Promise<V1Pod[]> =>
  (await core.listNamespacedPod({ namespace: 'nl', labelSelector: 'app=web' })).items;
const readyCondition = async (
  node: string,
): Promise<{ status?: string; reason?: string; message?: string } | undefined> =>
  (await core.readNode({ name: node })).status?.conditions?.find((c) => c.type === 'Ready');

describe('node lifecycle', () => {
  it('heartbeats every node through a Lease and its Ready condition', async () => {
    const lease = await eventually('lease', async () => {
      try {
        return await t.kc
          .makeApiClient(CoordinationV1Api)
          .readNamespacedLease({ namespace: 'kube-node-lease', name: 'node-1' });
      } catch (err) {
        // Not created yet is the only answer to wait through.
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    });
    expect(lease.spec?.holderIdentity).toBe('node-1');
    expect(lease.spec?.leaseDurationSeconds).toBe(40);
    expect(lease.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'node-1' });
    const cond = (await core.readNode({ name: 'node-1' })).status?.conditions?.find((c) => c.type === 'Ready');
    expect(cond?.lastHeartbeatTime).toBeDefined();
  });

  it('marks a silent node Unknown, taints it, evicts its pods to the other node, and recovers', async () => {
    await t.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'nl',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          // One CPU each on four-CPU nodes: the scheduler spreads them, one per node.
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'app', image: 'kubeloop/app:1', resources: { requests: { cpu: '1' } } }] },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: 'nl',
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    });
    const before = await eventually('two ready pods', async () => {
      const pods = (await podsIn()).filter(ready);
      return pods.length === 2 ? pods : undefined;
    });
    const victim = before[0]?.spec?.nodeName ?? '';
    const survivor = victim === 'node-1' ? 'node-2' : 'node-1';
    const stranded = before.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata?.name ?? '');

    await k.ok(['annotate', 'node', victim, 'sim.kubeloop.dev/down=true']);

    const unknown = await eventually('Ready Unknown', async () => {
      const c = await readyCondition(victim);
      return c?.status === 'Unknown' ? c : undefined;
    });
    expect(unknown.reason).toBe('NodeStatusUnknown');
    expect(unknown.message).toBe('Kubelet stopped posting node status.');
    const taints = await eventually('taints', async () => {
      const ts = (await core.readNode({ name: victim })).spec?.taints ?? [];
      return ts.length === 2 ? ts : undefined;
    });
    expect(taints.map((x) => `${x.key}:${x.effect}`).sort()).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    expect(taints.every((x) => x.timeAdded !== undefined)).toBe(true);
    expect(await k.ok(['get', 'node', victim])).toMatch(new RegExp(`^${victim}\\s+NotReady`, 'm'));
    const nodeEvent = (
      await core.listNamespacedEvent({
        namespace: 'default',
        fieldSelector: `involvedObject.name=${victim},reason=NodeNotReady`,
      })
    ).items[0];
    expect(nodeEvent?.message).toBe(`Node ${victim} status is now: NodeNotReady`);
    expect(nodeEvent?.source?.component).toBe('node-controller');

    // Its pods are NotReady (they stay so even once evicted: the kubelet cannot report them) and out of the Service.
    await eventually('stranded pods NotReady', async () => {
      const pods = (await podsIn()).filter((p) => stranded.includes(p.metadata?.name ?? ''));
      return pods.every((p) => !ready(p)) ? true : undefined;
    });
    const strandedIps = before.filter((p) => p.spec?.nodeName === victim).map((p) => p.status?.podIP);
    await eventually('endpoints without the stranded pods', async () => {
      const ep = await core.readNamespacedEndpoints({ namespace: 'nl', name: 'web' });
      const ips = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
      return ips.some((ip) => strandedIps.includes(ip)) ? undefined : true;
    });
    const podEvent = (
      await core.listNamespacedEvent({
        namespace: 'nl',
        fieldSelector: `involvedObject.name=${stranded[0] ?? ''},reason=NodeNotReady`,
      })
    ).items[0];
    expect(podEvent?.message).toBe('Node is not ready');

    // After the (scaled) 300 s toleration they are evicted, and the ReplicaSet replaces them on the survivor.
    await eventually('eviction', async () => {
      const pods = (await podsIn()).filter((p) => stranded.includes(p.metadata?.name ?? ''));
      return pods.every((p) => p.metadata?.deletionTimestamp) ? true : undefined;
    });
    const eviction = (
      await core.listNamespacedEvent({
        namespace: 'nl',
        fieldSelector: `involvedObject.name=${stranded[0] ?? ''},reason=TaintManagerEviction`,
      })
    ).items[0];
    expect(eviction?.message).toBe(`Marking for deletion Pod nl/${stranded[0] ?? ''}`);
    expect(eviction?.source?.component).toBe('taint-controller');
    const after = await eventually('two ready pods on the survivor', async () => {
      const pods = (await podsIn()).filter((p) => !p.metadata?.deletionTimestamp && ready(p));
      return pods.length === 2 ? pods : undefined;
    });
    expect(after.map((p) => p.spec?.nodeName)).toEqual([survivor, survivor]);

    await k.ok(['annotate', 'node', victim, 'sim.kubeloop.dev/down-']);

    const back = await eventually('Ready True', async () => {
      const c = await readyCondition(victim);
      return c?.status === 'True' ? c : undefined;
    });
    expect(back.reason).toBe('KubeletReady');
    await eventually('taints removed', async () =>
      ((await core.readNode({ name: victim })).spec?.taints ?? []).length === 0 ? true : undefined,
    );
    // The kubelet, reachable again, finishes the evictions it could not confirm while down.
    await eventually('evicted pods gone', async () =>
      (await podsIn()).some((p) => stranded.includes(p.metadata?.name ?? '')) ? undefined : true,
    );
    const readyEvent = (
      await core.listNamespacedEvent({
        namespace: 'default',
        fieldSelector: `involvedObject.name=${victim},reason=NodeReady`,
      })
    ).items[0];
    expect(readyEvent?.message).toBe(`Node ${victim} status is now: NodeReady`);
  });
});

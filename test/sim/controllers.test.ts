import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiException, AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';

let t: TestSim;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  t = await startTestSim({ controllers: {}, kubelet: { startDelayMs: 50, stopDelayMs: 50 } });
  for (let i = 0; i < 3; i++) addNode(t.sim.service, `node-${i + 1}`, i);
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'demo' } } });
  await apps.createNamespacedDeployment({
    namespace: 'demo',
    body: {
      metadata: { name: 'httpserver' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'httpserver' } },
        template: {
          metadata: { labels: { app: 'httpserver' } },
          spec: {
            containers: [
              {
                name: 'httpserver',
                image: 'kubeloop/httpserver:1.0',
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },
  });
});
afterAll(async () => {
  await t.sim.stop();
});

const running = (pods: V1Pod[]): V1Pod[] =>
  pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);

describe('the simulated cluster behaves like one', () => {
  it('schedules, starts and readies the demo Deployment, and reports its status', async () => {
    const dep = await eventually('httpserver available', async () => {
      const d = await apps.readNamespacedDeployment({ namespace: 'demo', name: 'httpserver' });
      return d.status?.availableReplicas === 2 ? d : undefined;
    });
    expect(dep.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const pods = running((await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=httpserver' })).items);
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.spec?.nodeName).toMatch(/^node-\d$/);
      expect(p.status?.podIP).toMatch(/^10\.244\./);
      expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
      expect(p.metadata?.labels?.['pod-template-hash']).toBeTruthy();
    }
  });

  it('rolls out a new template and keeps the old ReplicaSet at zero', async () => {
    await apps.patchNamespacedDeployment({
      namespace: 'demo',
      name: 'httpserver',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'kubeloop/httpserver:2.0' }],
    });
    const done = await eventually('rollout complete', async () => {
      const rs = (await apps.listNamespacedReplicaSet({ namespace: 'demo' })).items;
      const fresh = rs.find((r) => r.spec?.template?.spec?.containers[0]?.image === 'kubeloop/httpserver:2.0');
      const old = rs.filter((r) => r !== fresh);
      return fresh?.status?.readyReplicas === 2 && old.every((r) => r.spec?.replicas === 0)
        ? { fresh, old }
        : undefined;
    });
    expect(done.fresh?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const dep = await apps.readNamespacedDeployment({ namespace: 'demo', name: 'httpserver' });
    expect(dep.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('leaves a pod that fits nowhere Pending with a FailedScheduling event', async () => {
    await core.createNamespacedPod({
      namespace: 'demo',
      body: {
        metadata: { name: 'huge' },
        spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '64' } } }] },
      },
    });
    const ev = await eventually(
      'FailedScheduling',
      async () =>
        (
          await core.listNamespacedEvent({
            namespace: 'demo',
            fieldSelector: 'involvedObject.name=huge,reason=FailedScheduling',
          })
        ).items[0],
    );
    expect(ev.message).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    const pod = await core.readNamespacedPod({ namespace: 'demo', name: 'huge' });
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.reason).toBe('Unschedulable');
  });

  it('deletes dependents in the foreground before the owner goes', async () => {
    await apps.deleteNamespacedDeployment({ namespace: 'demo', name: 'httpserver', propagationPolicy: 'Foreground' });
    await eventually('deployment gone', async () => {
      try {
        await apps.readNamespacedDeployment({ namespace: 'demo', name: 'httpserver' });
        return undefined;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return true;
        throw err;
      }
    });
    const left = (await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=httpserver' })).items;
    expect(left).toEqual([]);
    expect((await apps.listNamespacedReplicaSet({ namespace: 'demo' })).items).toEqual([]);
  });
});

describe('DaemonSets', () => {
  it('runs one pod on every node', async () => {
    await apps.createNamespacedDaemonSet({
      namespace: 'demo',
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ name: 'a', image: 'kubeloop/agent:1' }] },
          },
        },
      },
    });
    const ds = await eventually('3 ready agents', async () => {
      const d = await apps.readNamespacedDaemonSet({ namespace: 'demo', name: 'agent' });
      return d.status?.numberReady === 3 ? d : undefined;
    });
    expect(ds.status?.desiredNumberScheduled).toBe(3);
    const nodes = (await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=agent' })).items
      .map((p) => p.spec?.nodeName)
      .sort();
    expect(nodes).toEqual(['node-1', 'node-2', 'node-3']);
  });
});

describe('StatefulSets', () => {
  it('creates ordinal pods in order and scales down from the highest ordinal', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: 'demo',
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 3,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'mysql:8' }] } },
        },
      },
    });
    await eventually('3 ready', async () =>
      (await apps.readNamespacedStatefulSet({ namespace: 'demo', name: 'db' })).status?.readyReplicas === 3
        ? true
        : undefined,
    );
    const pods = (await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=db' })).items;
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    const created = pods
      .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
      .map((p) => Number(p.metadata?.resourceVersion));
    expect(created[0]).toBeLessThan(created[1] ?? 0);
    await apps.patchNamespacedStatefulSetScale({
      namespace: 'demo',
      name: 'db',
      body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
    });
    await eventually('1 left', async () => {
      const left = (await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=db' })).items;
      return left.length === 1 ? left : undefined;
    }).then((left) => expect(left[0]?.metadata?.name).toBe('db-0'));
  });
});

describe('metrics.k8s.io', () => {
  it('serves PodMetrics and NodeMetrics that kubectl top reads', async () => {
    const { Kubectl } = await import('../support/kubectl.ts');
    const k = await Kubectl.forKubeconfig(t.sim.kubeconfig());
    await eventually('a running db pod', async () =>
      (await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=db' })).items.some(
        (p) => p.status?.phase === 'Running',
      )
        ? true
        : undefined,
    );
    const pods = await k.ok(['top', 'pods', '-n', 'demo', '-l', 'app=db']);
    expect(pods.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(pods).toMatch(/^db-0\s+\d+m\s+\d+Mi/m);
    const nodes = await k.ok(['top', 'nodes']);
    expect(nodes).toMatch(/^node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    const missing = await k.run(['top', 'pod', 'nope', '-n', 'demo']);
    expect(missing.code).not.toBe(0);
  });
});

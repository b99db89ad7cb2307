import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';

let t: TestSim;
let core: CoreV1Api;

beforeAll(async () => {
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 20, stopDelayMs: 20, backoffBaseMs: 300, backoffMaxMs: 1200, jobRunMs: 100 },
  });
  addNode(t.sim.service, 'node-1', 0);
  core = t.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'k' } } });
});
afterAll(async () => {
  await t.sim.stop();
});

function pod(name: string, annotations: Record<string, string>, restartPolicy = 'Always'): V1Pod {
  return {
    metadata: { name, annotations },
    spec: { restartPolicy, containers: [{ name: 'app', image: 'kubeloop/app:1' }] },
  };
}

describe('the simulated kubelet', () => {
  it('restarts a crashing container with CrashLoopBackOff and keeps the previous logs', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: pod('crasher', {
        'sim.kubeloop.dev/crash-after': '100ms',
        'sim.kubeloop.dev/exit-code': '2',
        'sim.kubeloop.dev/crash-log': 'java.lang.NullPointerException\\n\\tat com.ruoyi.Main.run(Main.java:42)',
      }),
    });
    const backoff = await eventually('CrashLoopBackOff', async () => {
      const p = await core.readNamespacedPod({ namespace: 'k', name: 'crasher' });
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
    });
    expect(backoff.restartCount).toBeGreaterThanOrEqual(1);
    expect(backoff.lastState?.terminated?.exitCode).toBe(2);
    expect(backoff.lastState?.terminated?.reason).toBe('Error');
    const previous = await core.readNamespacedPodLog({ namespace: 'k', name: 'crasher', previous: true });
    expect(previous).toContain('java.lang.NullPointerException');
    expect(previous).toContain('\tat com.ruoyi.Main.run(Main.java:42)');
    const events = await core.listNamespacedEvent({
      namespace: 'k',
      fieldSelector: 'involvedObject.name=crasher,reason=BackOff',
    });
    // The wording of kubelets since 1.26 (1.20 said only "Back-off restarting failed container").
    expect(events.items[0]?.message).toMatch(
      /^Back-off restarting failed container app in pod crasher_k\([0-9a-f-]{36}\)$/,
    );
    expect(backoff.state?.waiting?.message).toMatch(
      /^back-off \d+s restarting failed container=app pod=crasher_k\([0-9a-f-]{36}\)$/,
    );
  });

  it('reports OOMKilled with exit code 137', async () => {
    await core.createNamespacedPod({ namespace: 'k', body: pod('oom', { 'sim.kubeloop.dev/oom-after': '80ms' }) });
    const cs = await eventually('OOMKilled', async () => {
      const s = (await core.readNamespacedPod({ namespace: 'k', name: 'oom' })).status?.containerStatuses?.[0];
      return s?.lastState?.terminated?.reason === 'OOMKilled' || s?.state?.terminated?.reason === 'OOMKilled'
        ? s
        : undefined;
    });
    expect((cs.lastState?.terminated ?? cs.state?.terminated)?.exitCode).toBe(137);
  });

  it('honours restartPolicy Never: a failed container stays terminated and the pod Failed', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: pod('once', { 'sim.kubeloop.dev/crash-after': '50ms', 'sim.kubeloop.dev/exit-code': '3' }, 'Never'),
    });
    const p = await eventually('Failed', async () => {
      const x = await core.readNamespacedPod({ namespace: 'k', name: 'once' });
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3);
  });

  it('reports an image that cannot be pulled and a bad model annotation as events', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: {
        metadata: { name: 'nopull', annotations: { 'sim.kubeloop.dev/crash-after': 'soon' } },
        spec: { containers: [{ name: 'app', image: 'example/does-not-exist:1' }] },
      },
    });
    await eventually('ImagePullBackOff', async () => {
      const s = (await core.readNamespacedPod({ namespace: 'k', name: 'nopull' })).status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === 'ImagePullBackOff' ? true : undefined;
    });
    const warn = await core.listNamespacedEvent({
      namespace: 'k',
      fieldSelector: 'involvedObject.name=nopull,reason=InvalidSimAnnotation',
    });
    expect(warn.items[0]?.message).toMatch(/sim\.kubeloop\.dev\/crash-after: "soon" ignored/);
  });

  it('kills a container whose liveness probe fails failureThreshold times and restarts it (137)', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: {
        metadata: { name: 'unlive', annotations: { 'sim.kubeloop.dev/liveness-fail-after': '0s' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'kubeloop/app:1',
              livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 },
            },
          ],
        },
      },
    });
    const cs = await eventually(
      'restarted by liveness',
      async () => {
        const s = (await core.readNamespacedPod({ namespace: 'k', name: 'unlive' })).status?.containerStatuses?.[0];
        return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated ? s : undefined;
      },
      5_000,
    );
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const events = await core.listNamespacedEvent({ namespace: 'k', fieldSelector: 'involvedObject.name=unlive' });
    const messages = events.items.map((e) => `${e.reason}: ${e.message}`);
    expect(messages).toContain('Unhealthy: Liveness probe failed: ');
    expect(messages).toContain('Killing: Container app failed liveness probe, will be restarted');
  });

  it('runs Job pods to completion and the Job completes', async () => {
    const batch = t.kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: 'k',
      body: {
        metadata: { name: 'j' },
        spec: {
          completions: 2,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
    });
    const job = await eventually('job complete', async () => {
      const j = await batch.readNamespacedJob({ namespace: 'k', name: 'j' });
      return j.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined;
    });
    expect(job.status?.succeeded).toBe(2);
  });

  it('confirms graceful deletion of a running pod', async () => {
    await core.createNamespacedPod({ namespace: 'k', body: pod('graceful', {}) });
    await eventually('running', async () =>
      (await core.readNamespacedPod({ namespace: 'k', name: 'graceful' })).status?.phase === 'Running'
        ? true
        : undefined,
    );
    await core.deleteNamespacedPod({ namespace: 'k', name: 'graceful' });
    await eventually('gone', async () =>
      (await core.listNamespacedPod({ namespace: 'k', fieldSelector: 'metadata.name=graceful' })).items.length === 0
        ? true
        : undefined,
    );
  });

  it('OOMKills a leaking container when its memory reaches the limit, with an OOMKilling event on the node', async () => {
    // 600 MiB/min from a 32 MiB base to a 42 MiB limit: ~1 s to the kill.
    await core.createNamespacedPod({
      namespace: 'k',
      body: {
        metadata: {
          name: 'leaker',
          annotations: { 'sim.kubeloop.dev/memory-mib': '32', 'sim.kubeloop.dev/leak-memory-mib-per-min': '600' },
        },
        spec: { containers: [{ name: 'app', image: 'ruoyi/system:1', resources: { limits: { memory: '42Mi' } } }] },
      },
    });
    const cs = await eventually('OOMKilled at the limit', async () => {
      const s = (await core.readNamespacedPod({ namespace: 'k', name: 'leaker' })).status?.containerStatuses?.[0];
      return s?.lastState?.terminated?.reason === 'OOMKilled' ? s : undefined;
    });
    const ran =
      Date.parse(cs.lastState?.terminated?.finishedAt as unknown as string) -
      Date.parse(cs.lastState?.terminated?.startedAt as unknown as string);
    // Killed when the leak reaches the limit (10 MiB at 600 MiB/min: 1 s), not on some later check.
    expect(ran).toBeLessThan(3_000);
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.kind=Node,reason=OOMKilling',
    });
    expect(
      events.items.some(
        (e) => e.message?.includes('Memory cgroup out of memory: Killed process') && e.message.includes('k/leaker'),
      ),
    ).toBe(true);
    // The kubelet's own OOM watcher line, naming the victim process (the container has no command: its name).
    // Its pid differs each time, so after 10 on one node within 10 minutes client-go's event
    // aggregator combines them ("(combined from similar events): ..."), as it does on a real node.
    const system = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.kind=Node,reason=SystemOOM',
    });
    expect(system.items.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^(\(combined from similar events\): )?System OOM encountered, victim process: app, pid: \d+$/,
      ),
    );
  });

  it('records Unhealthy events while the readiness probe fails', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: {
        metadata: { name: 'flaky', annotations: { 'sim.kubeloop.dev/unready-after': '100ms' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    });
    const ev = await eventually('Unhealthy repeated', async () => {
      const list = await core.listNamespacedEvent({
        namespace: 'k',
        fieldSelector: 'involvedObject.name=flaky,reason=Unhealthy',
      });
      const e = list.items[0];
      return e && (e.count ?? 0) >= 2 ? e : undefined;
    });
    expect(ev.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(ev.type).toBe('Warning');
    const p = await core.readNamespacedPod({ namespace: 'k', name: 'flaky' });
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('crashes at random with a rate, reproducibly per container', async () => {
    await core.createNamespacedPod({
      namespace: 'k',
      body: pod('random', { 'sim.kubeloop.dev/crash-rate-per-hour': '36000' }),
    });
    const cs = await eventually('a random crash', async () => {
      const s = (await core.readNamespacedPod({ namespace: 'k', name: 'random' })).status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 1 ? s : undefined;
    });
    expect(cs.lastState?.terminated?.reason).toBe('Error');
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ContainerStatus, V1Deployment } from '@kubernetes/client-node';
import { BUSYBOX_IMAGE } from '../support/real-node/real-node.ts';
import { restartDaemon } from '../support/real-node/daemon.ts';
import { eventually } from '../support/eventually.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Failure } from '../../src/store/failures.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { monitorConfigSchema } from '../../src/monitor/config.ts';
import { createKlNamespace, deleteKlNamespace, nodeClients, podsOf } from './kl-namespace.ts';

/**
 * The exception monitor on a real node: real containers crash, are OOM-killed, or cannot pull
 * their image; the kubelet reports it with its real timing (restart, then 10 s back-off doubling)
 * and serves the real logs. Each failed instance must be stored exactly once with the lines that
 * instance printed, also across a kubelet restart in the middle of the crash loop.
 */
const { kc, core, apps } = nodeClients();
let ns: string;
let dir: string;
let store: Store;
let monitor: Monitor;

/** Each instance counts itself in an emptyDir (it survives container restarts), so its line names it. */
const COUNT = 'n=$(( $(cat /state/n 2>/dev/null || echo 0) + 1 )); echo $n > /state/n';

function deployment(name: string, script: string, container: Record<string, unknown> = {}): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: BUSYBOX_IMAGE,
              command: ['sh', '-c', script],
              volumeMounts: [{ name: 'state', mountPath: '/state' }],
              ...container,
            },
          ],
          volumes: [{ name: 'state', emptyDir: {} }],
        },
      },
    },
  };
}

async function statusOf(app: string): Promise<{ pod: string; cs: V1ContainerStatus }> {
  const [pod] = await podsOf(core, ns, `app=${app}`);
  const cs = pod?.status?.containerStatuses?.[0];
  if (!pod?.metadata?.name || !cs) throw new Error(`no container status for ${app} yet`);
  return { pod: pod.metadata.name, cs };
}

/** How many instances of the container have died, as the kubelet reports it now. */
function deadInstances(cs: V1ContainerStatus): number {
  const newestDead = cs.state?.terminated !== undefined || cs.state?.waiting?.reason === 'CrashLoopBackOff';
  return cs.restartCount + (newestDead ? 1 : 0);
}

async function failuresOf(workload: string): Promise<Failure[]> {
  const page = await store.failures.list({ namespace: ns, workload }, { limit: 500 });
  const full = await Promise.all(page.items.map((f) => store.failures.get(f.id)));
  return full.filter((f): f is Failure => f !== undefined).sort((a, b) => a.restartCount - b.restartCount);
}

/**
 * Waits until the stored failures are exactly one per dead instance (0..n-1: none missing, none
 * twice, under any reason) and all captured; the kubelet's status and the store are read again
 * until they agree, since the loop keeps crashing meanwhile.
 */
async function oncePerInstance(app: string, minDead: number, ms: number): Promise<Failure[]> {
  let last = '';
  try {
    return await eventually(
      `one failure per dead instance of ${app}`,
      async () => {
        await monitor.settle();
        const stored = await failuresOf(app);
        const { cs } = await statusOf(app);
        const dead = deadInstances(cs);
        last = `kubelet: restartCount ${cs.restartCount}, state ${JSON.stringify(cs.state)}; stored: ${JSON.stringify(stored.map((f) => [f.restartCount, f.reason]))}`;
        if (dead < minDead || stored.length !== dead) return undefined;
        if (!stored.every((f, i) => f.restartCount === i && f.details['captured'] === true)) return undefined;
        return (await statusOf(app)).cs.restartCount === cs.restartCount ? stored : undefined;
      },
      ms,
      500,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${last}`, { cause: err });
  }
}

/**
 * The stored logs are the dead instance's own line (instance n ran under restartCount n - 1), never
 * its successor's. The kubelet writes only a pod's newest status, so an instance whose immediate
 * restart and next death fell within one write never shows as terminated: the monitor infers it
 * from the restart count, says so, and has no logs to offer (the kubelet serves only the newer one).
 */
function expectOwnLogs(f: Failure, line: (n: number) => string, exitCode: number): void {
  if (f.details['inferred'] === true) {
    expect(f.logs ?? '', `inferred instance ${f.restartCount}`).toBe('');
    expect(f.logsError).toMatch(/never reported this termination/);
    return;
  }
  expect(f.exitCode, `instance ${f.restartCount}`).toBe(exitCode);
  // The first restart is immediate, and a real kubelet removes a dead container (with its log) when
  // the next instance dies: for a container that dies within a second (the OOM loop), instance 0's
  // log may be gone before anyone can read it. Then the record must say so, and hold no other lines.
  if (
    f.restartCount === 0 &&
    (f.logs ?? '') === '' &&
    /unable to retrieve container logs|could not read the logs/.test(f.logsError ?? '')
  )
    return;
  expect(f.logs, `logs of instance ${f.restartCount} (${f.logsError ?? ''})`).toContain(line(f.restartCount + 1));
  expect(f.logs).not.toContain(line(f.restartCount + 2));
}

beforeAll(async () => {
  ns = await createKlNamespace(core, 'monitor');
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-real-node-monitor-'));
  store = await openStore({ dataDir: dir });
  monitor = new Monitor({ kc, store, config: monitorConfigSchema.parse({ namespaces: [ns] }), cluster: 'real-node' });
  await monitor.start();
}, 60_000);

afterAll(async () => {
  monitor?.stop();
  await monitor?.settle();
  await store?.close();
  await deleteKlNamespace(core, ns);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the exception monitor on a real node (kubelet 1.20 + containerd)', () => {
  it("records every crash, OOM kill and image pull failure once, with the dead instance's own logs, across a kubelet restart", async () => {
    // Each crash-loop instance lives 3 s: a real kubelet removes a dead container (and its log) when
    // the next instance dies, so after the immediate first restart instance 0's logs exist only that long.
    await Promise.all([
      apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('crash', `${COUNT}; echo "kl-crash: instance $n is about to fail"; sleep 3; exit 3`),
      }),
      apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('oom', `${COUNT}; echo "kl-oom: instance $n grows"; x=a; while true; do x=$x$x; done`, {
          resources: { limits: { memory: '32Mi' }, requests: { memory: '32Mi' } },
        }),
      }),
      // A registry on loopback where nothing listens: the pull fails without traffic leaving the machine.
      apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('missing', 'true', { image: '127.0.0.1:1/kubeloop/missing:0.0' }),
      }),
    ]);

    // The crash loop's first restart is immediate, the second after 10 s, the third after 20 s: in
    // that back-off, once everything so far is recorded, the kubelet restarts (a crash loop spends
    // most of its time in back-off, so that is where a kubelet restart usually meets it).
    const before = await eventually(
      'the crash loop in back-off after its second restart',
      async () => {
        const { cs } = await statusOf('crash').catch(() => ({ cs: undefined }));
        return cs && cs.restartCount >= 2 && cs.state?.waiting?.reason === 'CrashLoopBackOff'
          ? cs.restartCount
          : undefined;
      },
      60_000,
      250,
    );
    await oncePerInstance('crash', before + 1, 15_000);
    await restartDaemon('kubelet');
    const restartedAt = Date.now();
    // The kubelet's back-off lives in its memory: the dead container restarts at once, then after 10 s.
    await eventually(
      'two more crash-loop restarts after the kubelet restart',
      async () => {
        const { cs } = await statusOf('crash').catch(() => ({ cs: undefined }));
        return cs && cs.restartCount >= before + 2 ? true : undefined;
      },
      90_000,
      500,
    );

    const crashes = await oncePerInstance('crash', before + 3, 30_000);
    expect(
      crashes.some((f) => f.occurredAt > restartedAt),
      'failures after the kubelet restart are recorded',
    ).toBe(true);
    for (const f of crashes) {
      expect(f, `instance ${f.restartCount}`).toMatchObject({
        reason: 'Error',
        workloadKind: 'Deployment',
        workloadName: 'crash',
        container: 'app',
        node: inject('realNode').nodeName,
      });
      expectOwnLogs(f, (n) => `kl-crash: instance ${n} is about to fail`, 3);
    }
    // Instances that did not die within an immediate restart's status write are all reported.
    expect(crashes.filter((f) => f.details['inferred'] === true).length).toBeLessThanOrEqual(2);
    expect(crashes.at(-1)?.details['inferred']).toBeUndefined();

    const ooms = await oncePerInstance('oom', 2, 30_000);
    for (const f of ooms) {
      expect(f, `instance ${f.restartCount}`).toMatchObject({ reason: 'OOMKilled', workloadName: 'oom' });
      expectOwnLogs(f, (n) => `kl-oom: instance ${n} grows`, 137);
      if (f.details['inferred'] !== true) expect(f.signal).toBe(9);
    }
    expect(ooms.at(-1)?.details['inferred']).toBeUndefined();

    // ErrImagePull and ImagePullBackOff alternate for as long as the image is missing: one failure.
    const { cs: pull } = await statusOf('missing');
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(pull.state?.waiting?.reason);
    const missing = await failuresOf('missing');
    expect(missing.map((f) => [f.restartCount, f.reason])).toSatisfy(
      (rows: unknown[][]) =>
        rows.length === 1 && rows[0]?.[0] === 0 && ['ErrImagePull', 'ImagePullBackOff'].includes(String(rows[0]?.[1])),
    );
    expect(missing[0]?.message).toMatch(/127\.0\.0\.1:1\/kubeloop\/missing:0\.0/);
  }, 180_000);
});

import { createNamespace } from './namespace.ts';
import { call, type Target } from '../target.ts';
import type { Scenario } from '../scenario.ts';

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: unknown[]; deletionTimestamp?: string };
  status?: { phase?: string };
}
interface Job {
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

async function waitFor<T>(t: Target, what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${t.name}: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Job -> Pods: completions one after another, then a failing Job past its backoff limit. */
export const jobs: Scenario = {
  name: 'jobs',
  async run(t, rec) {
    const ns = t.ns('jobs');
    await createNamespace(t, ns);
    const jobsPath = `/apis/batch/v1/namespaces/${ns}/jobs`;
    const pods = `/api/v1/namespaces/${ns}/pods`;
    const listPods = async (job: string): Promise<Pod[]> =>
      ((await call(t, 'GET', `${pods}?labelSelector=job-name%3D${job}`)).body as { items: Pod[] }).items;
    const finish = async (pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> => {
      await call(t, 'PATCH', `${pods}/${pod.metadata.name}/status`, {
        body: { status: { phase } },
        contentType: 'application/merge-patch+json',
      });
    };
    const job = (name: string, completions: number, backoffLimit: number): unknown => ({
      metadata: { name },
      spec: {
        completions,
        parallelism: 1,
        backoffLimit,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    await call(t, 'POST', jobsPath, { body: job('twice', 2, 6) });
    for (let round = 1; round <= 2; round++) {
      const pending = await waitFor(t, `pod ${round}`, async () =>
        (await listPods('twice')).find((p) => !p.status?.phase || p.status.phase === 'Pending'),
      );
      rec.record(`pod ${round}`, {
        labels: Object.keys(pending.metadata.labels ?? {}).sort(),
        owners: pending.metadata.ownerReferences,
        count: (await listPods('twice')).length,
      });
      await finish(pending, 'Succeeded');
    }
    const done = await waitFor(t, 'twice complete', async () => {
      const j = (await call(t, 'GET', `${jobsPath}/twice`)).body as Job;
      return j.status?.conditions?.some((c) => c.type === 'Complete') ? j : undefined;
    });
    rec.record('complete', {
      active: done.status?.active,
      succeeded: done.status?.succeeded,
      conditions: done.status?.conditions?.map((c) => `${c.type}=${c.status}`),
    });

    await call(t, 'POST', jobsPath, { body: job('fails', 1, 0) });
    const first = await waitFor(t, 'failing pod', async () => (await listPods('fails'))[0]);
    await finish(first, 'Failed');
    const failed = await waitFor(t, 'fails failed', async () => {
      const j = (await call(t, 'GET', `${jobsPath}/fails`)).body as Job;
      return j.status?.conditions?.some((c) => c.type === 'Failed') ? j : undefined;
    });
    rec.record('failed', {
      failed: failed.status?.failed,
      active: failed.status?.active,
      conditions: failed.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`),
    });
    const events = (
      (await call(t, 'GET', `/api/v1/namespaces/${ns}/events`)).body as {
        items: { reason: string; involvedObject: { kind: string } }[];
      }
    ).items;
    rec.record(
      'event reasons',
      [...new Set(events.filter((e) => e.involvedObject.kind === 'Job').map((e) => e.reason))].sort(),
    );
  },
};

import { createNamespace } from './namespace.ts';
import { call, watchEvents } from '../target.ts';
import type { Scenario } from '../scenario.ts';

/** After churn and a compaction, resuming from an old resourceVersion answers 410 Expired / Gone. */
export const compaction: Scenario = {
  name: 'compaction',
  async run(t, rec) {
    const ns = t.ns('compaction');
    await createNamespace(t, ns);
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    const first = await call(t, 'POST', leases, { body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } } });
    const old = (first.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    for (let i = 0; i < 50; i++)
      await call(t, 'PATCH', `${leases}/l`, {
        body: { spec: { leaseDurationSeconds: i + 1 } },
        contentType: 'application/merge-patch+json',
      });
    const current = (await call(t, 'GET', `${leases}/l`)).body as { metadata: { resourceVersion: string } };
    await t.compact(current.metadata.resourceVersion);
    const events = await watchEvents(t, `${leases}?watch=true&resourceVersion=${old}`, { count: 1, ms: 3000 });
    rec.record(
      'watch from a compacted resourceVersion',
      events.slice(0, 1).map((e) => ({
        type: e.type,
        code: e.object['code'],
        reason: e.object['reason'],
        message: e.object['message'],
      })),
    );
    const list = await call(t, 'GET', `${leases}?resourceVersion=${old}&resourceVersionMatch=Exact`);
    rec.record('list at a compacted resourceVersion', {
      status: list.status,
      reason: (list.body as { reason?: string }).reason,
    });
  },
};

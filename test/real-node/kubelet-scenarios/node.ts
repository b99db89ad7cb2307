import { pick, type Scenario } from '../../differential/scenario.ts';
import { call, until } from './kit.ts';

type Obj = Record<string, unknown>;

const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kubeloop-node';

/** The node as its kubelet reports it: conditions, addresses, capacity, and its Lease heartbeat. */
export const nodeScenario: Scenario = {
  name: 'node',
  async run(t, rec) {
    const node = (await call(t, 'GET', '/api/v1/nodes/kubeloop-node')).body as Obj;
    const status = (node['status'] ?? {}) as Obj;
    rec.record(
      'conditions',
      ((status['conditions'] ?? []) as Obj[]).map((c) => ({
        ...pick(c, 'type', 'status', 'reason', 'message'),
        heartbeat: c['lastHeartbeatTime'] !== undefined,
      })),
    );
    rec.record(
      'address types',
      ((status['addresses'] ?? []) as Obj[]).map((a) => a['type']),
    );
    rec.record('capacity keys', Object.keys((status['capacity'] ?? {}) as Obj).sort());
    rec.record('allocatable keys', Object.keys((status['allocatable'] ?? {}) as Obj).sort());
    rec.record('nodeInfo keys', Object.keys((status['nodeInfo'] ?? {}) as Obj).sort());
    const lease = (await call(t, 'GET', LEASE)).body as Obj;
    rec.record('lease', {
      ...pick(lease, 'spec.holderIdentity', 'spec.leaseDurationSeconds'),
      owner: pick(
        ((lease['metadata'] as Obj)['ownerReferences'] as Obj[] | undefined)?.[0],
        'apiVersion',
        'kind',
        'name',
      ),
    });
    const first = String((lease['spec'] as Obj)['renewTime']);
    // The kubelet renews its Lease every 10 s (a quarter of the 40 s duration).
    const renewed = await until(
      t,
      'the Lease renewed',
      async () => {
        const l = (await call(t, 'GET', LEASE)).body as Obj;
        return String((l['spec'] as Obj)['renewTime']) !== first ? true : undefined;
      },
      15_000,
    ).catch(() => false);
    rec.record('lease renewed within 15 s', renewed);
  },
};

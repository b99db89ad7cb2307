import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatMicroTime, formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { EventRecorder } from '../controllers/events.ts';
import { nodeConditions, type NodeCondition } from '../controllers/node-lifecycle.ts';

/** `kubectl annotate node X sim.kubeloop.dev/down=true` cuts the node's kubelet off from the API server. */
export const DOWN_ANNOTATION = 'sim.kubeloop.dev/down';

export function isNodeDown(node: KubeObject | undefined): boolean {
  return node?.metadata.annotations?.[DOWN_ANNOTATION] === 'true';
}

export interface HeartbeatOptions {
  /** Lease renewal and status check period (kubelet: 10 s, a quarter of the 40 s lease). */
  intervalMs?: number;
  /** An unchanged status is re-posted this often anyway (--node-status-report-frequency, 5 min). */
  statusReportMs?: number;
  /** A node's kubelet reached the API server again after being down. */
  onUp?: (node: string) => void;
  logger?: Logger;
}

/** The conditions a healthy kubelet reports, with its own reasons and messages. */
const HEALTHY: NodeCondition[] = [
  {
    type: 'MemoryPressure',
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
  },
  {
    type: 'DiskPressure',
    status: 'False',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
  },
  {
    type: 'PIDPressure',
    status: 'False',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
  },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

const LEASE_DURATION_SECONDS = 40;

/**
 * The kubelet's two heartbeats for every node: it renews the node's Lease in kube-node-lease,
 * and posts the node's conditions when they differ from what it knows (after the node lifecycle
 * controller set them Unknown, say) or when the report period has passed. A node annotated down
 * does neither, which is what the node lifecycle controller notices.
 */
export function nodeHeartbeat(svc: ResourceService, opts: HeartbeatOptions = {}): { start(): void; stop(): void } {
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const leaseDef = svc.registry.find('coordination.k8s.io', 'v1', 'leases') as ResourceDef;
  const down = new Set<string>();
  const recorders = new Map<string, EventRecorder>();
  let timer: NodeJS.Timeout | undefined;
  let off: (() => void) | undefined;
  let stopped = false;

  const recorder = (node: string): EventRecorder => {
    let r = recorders.get(node);
    if (!r) recorders.set(node, (r = new EventRecorder(svc, { component: 'kubelet', host: node })));
    return r;
  };

  const renewLease = (node: KubeObject, now: Date): void => {
    const name = node.metadata.name ?? '';
    const current = svc.store.get(leaseDef, 'kube-node-lease', name);
    if (current) {
      const next = structuredClone(current.obj);
      next.spec = {
        ...asObject(next.spec),
        holderIdentity: name,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: formatMicroTime(now),
      };
      svc.commitUpdate({ def: leaseDef, namespace: 'kube-node-lease', name }, current, next, undefined, {
        fieldManager: 'kubelet',
      });
      return;
    }
    svc.create(
      leaseDef,
      'kube-node-lease',
      {
        // Owned by the node, so the garbage collector removes it with the node.
        metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }] },
        spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: formatMicroTime(now) },
      },
      { fieldManager: 'kubelet' },
    );
  };

  /** setNodeStatus + tryUpdateNodeStatus: a transition time moves only when a status changes. */
  const postStatus = (node: KubeObject, now: Date): void => {
    const name = node.metadata.name ?? '';
    const stamp = formatTime(now);
    const previous = nodeConditions(node);
    const healthyTypes = new Set(HEALTHY.map((c) => c.type));
    const wanted: NodeCondition[] = [
      ...previous.filter((c) => !healthyTypes.has(c.type)),
      ...HEALTHY.map((h) => {
        const old = previous.find((c) => c.type === h.type);
        return {
          ...h,
          lastHeartbeatTime: stamp,
          lastTransitionTime: old && old.status === h.status ? (old.lastTransitionTime ?? stamp) : stamp,
        };
      }),
    ];
    const withoutHeartbeat = (cs: NodeCondition[]): NodeCondition[] =>
      cs.map(({ lastHeartbeatTime: _h, ...rest }) => rest).sort((a, b) => a.type.localeCompare(b.type));
    const lastBeat = Date.parse(previous.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '');
    const due = Number.isNaN(lastBeat) || now.getTime() - lastBeat >= (opts.statusReportMs ?? 300_000);
    if (!due && deepEqual(withoutHeartbeat(previous), withoutHeartbeat(wanted))) return;
    const current = svc.store.get(nodeDef, undefined, name);
    if (!current) return;
    const next = structuredClone(current.obj);
    next.status = { ...asObject(next.status), conditions: wanted };
    svc.commitUpdate({ def: nodeDef, namespace: undefined, name }, current, next, 'status', {
      fieldManager: 'kubelet',
    });
    const wasReady = previous.find((c) => c.type === 'Ready')?.status;
    if (wasReady !== undefined && wasReady !== 'True')
      recorder(name).record(current.obj, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
  };

  const beat = (name: string): void => {
    if (stopped) return;
    const node = svc.store.get(nodeDef, undefined, name)?.obj;
    if (!node) {
      down.delete(name);
      return;
    }
    if (isNodeDown(node)) {
      down.add(name);
      return;
    }
    const now = svc.now();
    try {
      renewLease(node, now);
      postStatus(node, now);
    } catch (err) {
      // A missing kube-node-lease namespace or a racing writer: the next beat tries again.
      if (!isApiError(err)) throw err;
      opts.logger?.debug({ err, node: name }, 'kubelet: heartbeat failed');
      return;
    }
    if (down.delete(name)) {
      opts.logger?.info({ node: name }, 'kubelet: node is up again');
      opts.onUp?.(name);
    }
  };

  const beatAll = (): void => {
    for (const so of svc.store.listCurrent(nodeDef, undefined)) beat(so.obj.metadata.name ?? '');
  };

  return {
    start: () => {
      // A new node, or one whose down annotation went away, is posted at once, not a period later.
      off = svc.store.subscribe(nodeDef, {
        deliver: (e) => {
          if (e.type === 'DELETED') return;
          const name = e.object.obj.metadata.name ?? '';
          // Noted at once, so even a short outage ends with onUp re-reporting what it skipped.
          if (isNodeDown(e.object.obj)) down.add(name);
          else if (e.type === 'ADDED' || down.has(name)) setImmediate(() => beat(name));
        },
      });
      timer = setInterval(beatAll, opts.intervalMs ?? 10_000);
      timer.unref();
      beatAll();
    },
    stop: () => {
      stopped = true;
      off?.();
      if (timer) clearInterval(timer);
    },
  };
}

import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import type { StoreEvent, StoredObject } from '../api/store/stored.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { EventRecorder } from './events.ts';
import { podTolerations, toleratesAll } from './taints.ts';
import { NodeInfoCache, podRequests, type NodeInfo, type Requests } from './scheduler/node-info.ts';
import { SchedulingQueue } from './scheduler/scheduling-queue.ts';
import { sharedSlices } from './slice-scheduler.ts';

export { podRequests } from './scheduler/node-info.ts';

type Obj = Record<string, unknown>;

/** Why a node cannot take the pod, in the scheduler's words, or undefined when it fits. */
function unfit(n: NodeInfo, pod: KubeObject, req: Requests, selector: Obj): string | undefined {
  if (!n.ready) return 'node(s) were not ready';
  if (n.unschedulable) return 'node(s) were unschedulable';
  if (!Object.entries(selector).every(([k, v]) => n.labels[k] === v)) return "node(s) didn't match node selector";
  // TaintToleration filter: the effect must match too, so the default unreachable:NoExecute
  // toleration does not let a pod onto a node tainted unreachable:NoSchedule.
  if (n.taints.length > 0 && !toleratesAll(podTolerations(pod), n.taints, ['NoSchedule', 'NoExecute']))
    return "node(s) had taint(s) that the pod didn't tolerate";
  if (n.allocatable.pods - n.requested.pods < 1) return 'Too many pods';
  if (n.allocatable.cpu - n.requested.cpu < req.cpu) return 'Insufficient cpu';
  if (n.allocatable.memory - n.requested.memory < req.memory) return 'Insufficient memory';
  return undefined;
}

function isOurs(pod: KubeObject): boolean {
  const spec = asObject(pod.spec);
  const schedulerName = spec['schedulerName'];
  return (
    !spec['nodeName'] &&
    !pod.metadata.deletionTimestamp &&
    (schedulerName === undefined || schedulerName === 'default-scheduler')
  );
}

/** podutil.UpdatePodCondition: the transition time moves only when the status does. */
function withCondition(pod: KubeObject, cond: Obj, now: string): Obj[] | undefined {
  const conds = Array.isArray(asObject(pod.status)['conditions'])
    ? (asObject(pod.status)['conditions'] as unknown[]).map(asObject)
    : [];
  const old = conds.find((c) => c['type'] === 'PodScheduled');
  const next = {
    ...cond,
    lastTransitionTime: old && old['status'] === cond['status'] ? old['lastTransitionTime'] : now,
  };
  if (old && deepEqual(old, next)) return undefined;
  return [...conds.filter((c) => c['type'] !== 'PodScheduled'), next];
}

export interface SchedulerOptions {
  logger?: Logger;
  /** How long one pass may hold the event loop before it yields (ms; shared with every sliced component). */
  sliceMs?: number;
}

/**
 * The scheduler, shaped like kube-scheduler's: a node-info cache of aggregated requests kept from
 * events, and a scheduling queue (active, back-off, unschedulable). Each pending pod is tried once;
 * it is bound to the fitting node with the most free CPU, or stays Pending with PodScheduled=False
 * and a FailedScheduling event and waits until a node is added or changes or a bound pod goes.
 */
export function scheduler(svc: ResourceService, o: SchedulerOptions = {}): { start(): void; stop(): void } {
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'default-scheduler' });
  const cache = new NodeInfoCache();
  const queue = new SchedulingQueue();
  const sliceMs = o.sliceMs ?? 10;
  let offs: (() => void)[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fail = (key: string, current: StoredObject, message: string): void => {
    const pod = current.obj;
    const [namespace, name] = [pod.metadata.namespace, pod.metadata.name ?? ''];
    const conditions = withCondition(
      pod,
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, reason: 'Unschedulable', message },
      formatTime(svc.now()),
    );
    if (conditions) {
      const next = structuredClone(pod);
      next.status = { ...asObject(next.status), conditions };
      svc.commitUpdate({ def: podDef, namespace, name }, current, next, 'status', { fieldManager: 'kube-scheduler' });
    }
    events.record(pod, 'Warning', 'FailedScheduling', message);
    queue.addUnschedulable(key);
  };

  const scheduleOne = (key: string): void => {
    const i = key.indexOf('/');
    const [namespace, name] = [key.slice(0, i), key.slice(i + 1)];
    const current = svc.store.get(podDef, namespace, name);
    if (!current || !isOurs(current.obj)) return;
    const pod = current.obj;
    const req = podRequests(pod);
    const selector = asObject(asObject(pod.spec)['nodeSelector']);
    const reasons = new Map<string, number>();
    let best: NodeInfo | undefined;
    for (const n of cache.list()) {
      const why = unfit(n, pod, req, selector);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else if (
        !best ||
        free(n, 'cpu') > free(best, 'cpu') ||
        (free(n, 'cpu') === free(best, 'cpu') && free(n, 'memory') > free(best, 'memory'))
      )
        best = n;
    }
    if (!best) {
      const detail = [...reasons]
        .sort()
        .map(([r, n]) => `${n} ${r}`)
        .join(', ');
      fail(key, current, `0/${cache.size} nodes are available${reasons.size > 0 ? `: ${detail}.` : '.'}`);
      return;
    }
    const next = structuredClone(pod);
    next.spec = { ...asObject(next.spec), nodeName: best.name };
    const conditions = withCondition(
      pod,
      { type: 'PodScheduled', status: 'True', lastProbeTime: null },
      formatTime(svc.now()),
    );
    if (conditions) next.status = { ...asObject(next.status), conditions };
    // Binding is the one way a pod's nodeName changes: written directly, as the binding subresource does.
    svc.store.commit(podDef, 'MODIFIED', next);
    events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${best.name}`);
  };

  // Pods are tried in slices of the turn's shared budget, so that a long queue never holds the event loop (and the API) for long.
  const run = (deadline: number): boolean => {
    const until = Math.min(deadline, performance.now() + sliceMs);
    for (let key = queue.pop(); key !== undefined && !stopped; key = queue.pop()) {
      try {
        scheduleOne(key);
      } catch (err) {
        o.logger?.debug({ err, key }, 'scheduler: attempt failed; backing off');
        queue.addUnschedulable(key);
      }
      if (performance.now() >= until) break;
    }
    return !stopped && queue.sizes().active > 0;
  };
  const kick = (): void => {
    if (!stopped && queue.sizes().active > 0) sharedSlices.request(run);
  };

  const onPod = (e: StoreEvent): void => {
    const pod = e.object.obj;
    const released = cache.updatePod(e.key, pod, e.type === 'DELETED');
    if (e.type !== 'DELETED' && isOurs(pod)) {
      // A pending pod's own change can make it fit (isPodUpdated ignores status-only writes).
      if (
        e.type === 'ADDED' ||
        !queue.has(e.key) ||
        !e.prev ||
        !deepEqual(e.prev.obj.spec, pod.spec) ||
        !deepEqual(e.prev.obj.metadata.labels, pod.metadata.labels)
      )
        queue.add(e.key);
    } else {
      queue.remove(e.key);
    }
    if (released) queue.moveAllToActiveOrBackoff();
    kick();
  };
  const onNode = (e: StoreEvent): void => {
    if (e.type === 'DELETED') cache.removeNode(e.object.obj.metadata.name ?? '');
    else if (cache.upsertNode(e.object.obj)) queue.moveAllToActiveOrBackoff();
    kick();
  };

  return {
    start() {
      stopped = false;
      for (const so of svc.store.values(nodeDef)) cache.upsertNode(so.obj);
      for (const so of svc.store.values(podDef)) {
        cache.updatePod(so.key, so.obj);
        if (isOurs(so.obj)) queue.add(so.key);
      }
      offs = [svc.store.subscribe(podDef, { deliver: onPod }), svc.store.subscribe(nodeDef, { deliver: onNode })];
      flushTimer = setInterval(() => {
        queue.flush();
        kick();
      }, 1_000);
      flushTimer.unref();
      kick();
    },
    stop() {
      stopped = true;
      sharedSlices.cancel(run);
      for (const off of offs) off();
      if (flushTimer) clearInterval(flushTimer);
    },
  };
}

function free(n: NodeInfo, what: 'cpu' | 'memory'): number {
  return n.allocatable[what] - n.requested[what];
}

import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, nsKey, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { isReady } from './pods.ts';
import {
  conditionsUnknown,
  nodeConditions,
  noExecuteTaintKey,
  noScheduleTaintKeys,
  podStatusNotReady,
  readyStatus,
  reconcileTaints,
} from './node-lifecycle.ts';
import { evictionDecision, nodeTaints, podTolerations } from './taints.ts';

export interface NodeLifecycleOptions {
  /** How often every node's health is checked (--node-monitor-period, 5 s). */
  monitorPeriodMs?: number;
  /** Silence after which a node is Unknown (--node-monitor-grace-period, 40 s). */
  monitorGracePeriodMs?: number;
  /** The same for a node whose kubelet never posted Ready (--node-startup-grace-period, 60 s). */
  startupGracePeriodMs?: number;
  /** Multiplies pods' tolerationSeconds, so tests can see a 300 s eviction in a second or two. */
  tolerationSecondsScale?: number;
  logger?: Logger;
}

/** What the controller last heard from a node's kubelet, and when it heard it (nodeHealthData). */
interface Health {
  probeMs: number;
  heartbeat: string | undefined;
  renewTime: string | undefined;
}

function def(svc: ResourceService, group: string, resource: string): ResourceDef {
  const d = svc.registry.find(group, 'v1', resource);
  if (!d) throw new Error(`node lifecycle controller: ${resource} missing from the registry`);
  return d;
}

/**
 * kube-controller-manager's node lifecycle controller with its NoExecute taint manager. The
 * monitor notices kubelets that stopped heartbeating (node status or Lease in kube-node-lease),
 * sets their conditions Unknown, taints the node and marks its pods not ready; the taint manager
 * deletes pods from nodes with NoExecute taints they do not tolerate, or tolerate only for a while.
 */
export function nodeLifecycleController(
  svc: ResourceService,
  opts: NodeLifecycleOptions = {},
): { start(): void; stop(): void } {
  const nodeDef = def(svc, '', 'nodes');
  const podDef = def(svc, '', 'pods');
  const leaseDef = def(svc, 'coordination.k8s.io', 'leases');
  const nodeEvents = new EventRecorder(svc, { component: 'node-controller' });
  const taintEvents = new EventRecorder(svc, { component: 'taint-controller' });
  const monitorPeriodMs = opts.monitorPeriodMs ?? 5_000;
  const health = new Map<string, Health>();
  const scheduled = new Map<string, NodeJS.Timeout>();

  // A full scan in no order (no sort of every key): rare, on a node's NoExecute taints changing.
  const podsOn = (node: string): KubeObject[] =>
    [...svc.store.values(podDef)].map((so) => so.obj).filter((p) => asObject(p.spec)['nodeName'] === node);
  const nodeReady = (node: KubeObject): boolean => readyStatus(nodeConditions(node)) === 'True';

  /** The controller's own clock decides staleness: any new heartbeat or lease renewal resets it. */
  const observe = (node: KubeObject, nowMs: number): Health => {
    const name = node.metadata.name ?? '';
    const heartbeat = nodeConditions(node).find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    const lease = svc.store.get(leaseDef, 'kube-node-lease', name)?.obj;
    const renewTime =
      typeof asObject(lease?.spec)['renewTime'] === 'string' ? String(asObject(lease?.spec)['renewTime']) : undefined;
    const h = health.get(name);
    if (!h) {
      const fresh = { probeMs: nowMs, heartbeat, renewTime };
      health.set(name, fresh);
      return fresh;
    }
    if (h.heartbeat !== heartbeat || (renewTime !== undefined && renewTime !== h.renewTime))
      Object.assign(h, { probeMs: nowMs, heartbeat, renewTime });
    return h;
  };

  const monitor = (name: string): void => {
    let current = svc.store.get(nodeDef, undefined, name);
    if (!current) {
      health.delete(name);
      return;
    }
    const now = svc.now();
    const stamp = formatTime(now);
    const observed = nodeConditions(current.obj);
    const h = observe(current.obj, now.getTime());
    const grace =
      readyStatus(observed) === undefined
        ? (opts.startupGracePeriodMs ?? 60_000)
        : (opts.monitorGracePeriodMs ?? 40_000);
    let conditions = observed;
    if (now.getTime() - h.probeMs > grace) {
      conditions = conditionsUnknown(observed, stamp, current.obj.metadata.creationTimestamp ?? stamp);
      if (!deepEqual(conditions, observed)) {
        opts.logger?.info(
          { node: name, silentMs: now.getTime() - h.probeMs },
          'node lifecycle: kubelet stopped posting node status',
        );
        const next = structuredClone(current.obj);
        next.status = { ...asObject(next.status), conditions };
        current = svc.commitUpdate({ def: nodeDef, namespace: undefined, name }, current, next, 'status');
      }
    }
    const ready = readyStatus(conditions);
    // Reported once, when the controller sees the node leave Ready (RecordNodeStatusChange).
    if (readyStatus(observed) === 'True' && ready !== 'True')
      nodeEvents.record(current.obj, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);

    const nodes = svc.store.listCurrent(nodeDef, undefined);
    const fullDisruption = nodes.length > 0 && nodes.every((so) => !nodeReady(so.obj));
    const taints = reconcileTaints(
      nodeTaints(current.obj),
      noScheduleTaintKeys(conditions),
      noExecuteTaintKey(ready, fullDisruption),
      stamp,
    );
    if (!deepEqual(taints, nodeTaints(current.obj))) {
      const next = structuredClone(current.obj);
      // An emptied list is dropped, as Go's omitempty leaves it out of the stored node.
      const { taints: _old, ...rest } = asObject(next.spec);
      next.spec = taints.length > 0 ? { ...rest, taints } : rest;
      current = svc.commitUpdate({ def: nodeDef, namespace: undefined, name }, current, next, undefined);
    }
    if (ready !== 'True') markPodsNotReady(current.obj, stamp);
  };

  /** Endpoints follow pod readiness, so a dead node's pods leave Services before they are evicted. */
  const markPodsNotReady = (node: KubeObject, stamp: string): void => {
    for (const pod of podsOn(node.metadata.name ?? '')) {
      const status = podStatusNotReady(asObject(pod.status), stamp);
      const current = svc.store.get(podDef, pod.metadata.namespace, pod.metadata.name ?? '');
      if (!status || !current) continue;
      svc.commitUpdate(
        { def: podDef, namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' },
        current,
        { ...structuredClone(current.obj), status },
        'status',
      );
      nodeEvents.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
  };

  const cancel = (key: string, pod: KubeObject | undefined): void => {
    const timer = scheduled.get(key);
    if (!timer) return;
    clearTimeout(timer);
    scheduled.delete(key);
    if (pod) taintEvents.record(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const evict = (key: string, pod: KubeObject): void => {
    scheduled.delete(key);
    taintEvents.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      // A plain delete: the pod's own grace period applies, as when the taint manager deletes it.
      svc.delete({ def: podDef, namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' });
    } catch (err) {
      if (!isApiError(err) || err.code !== 404) throw err;
    }
  };

  const taintManager = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const pod = svc.store.get(podDef, namespace, name)?.obj;
    const nodeName = pod ? asObject(pod.spec)['nodeName'] : undefined;
    const node = typeof nodeName === 'string' ? svc.store.get(nodeDef, undefined, nodeName)?.obj : undefined;
    if (!pod || pod.metadata.deletionTimestamp || !node) {
      cancel(key, undefined);
      return;
    }
    const nowMs = svc.now().getTime();
    const decision = evictionDecision(podTolerations(pod), nodeTaints(node), nowMs, opts.tolerationSecondsScale ?? 1);
    if (decision.kind === 'keep') {
      cancel(key, pod);
      return;
    }
    if (decision.atMs <= nowMs) {
      evict(key, pod);
      return;
    }
    if (scheduled.has(key)) clearTimeout(scheduled.get(key));
    const timer = setTimeout(() => {
      scheduled.delete(key);
      taintCtl.enqueue(key);
    }, decision.atMs - nowMs);
    timer.unref();
    scheduled.set(key, timer);
  };

  const podOnUnreadyNode = (pod: KubeObject): string[] => {
    const nodeName = asObject(pod.spec)['nodeName'];
    if (typeof nodeName !== 'string' || !isReady(pod)) return [];
    const node = svc.store.get(nodeDef, undefined, nodeName)?.obj;
    return node && !nodeReady(node) ? [nodeName] : [];
  };

  const nodeKeys = (): string[] => svc.store.listCurrent(nodeDef, undefined).map((so) => so.key);
  const monitorCtl = new Controller(
    svc,
    {
      name: 'node-lifecycle',
      watches: [
        // A change of readiness can start or end a full disruption, which concerns every node.
        {
          def: nodeDef,
          keys: (e) => (!e.prev || nodeReady(e.prev.obj) !== nodeReady(e.object.obj) ? nodeKeys() : [e.key]),
        },
        { def: leaseDef, keys: (e) => (e.namespace === 'kube-node-lease' ? [e.object.obj.metadata.name ?? ''] : []) },
        // A pod that turns up Ready on a node that is not (processPod) is marked not ready too.
        { def: podDef, keys: (e) => podOnUnreadyNode(e.object.obj) },
      ],
      allKeys: nodeKeys,
      reconcile: monitor,
      resyncMs: monitorPeriodMs,
    },
    opts.logger,
  );

  const noExecute = (node: KubeObject | undefined): unknown =>
    node ? nodeTaints(node).filter((t) => t.effect === 'NoExecute') : [];
  const taintedPods = (): string[] => {
    const tainted = new Set(
      [...svc.store.values(nodeDef)]
        .filter((so) => nodeTaints(so.obj).some((t) => t.effect === 'NoExecute'))
        .map((so) => so.key),
    );
    // With no NoExecute taint anywhere (the usual case) the 10,000 pods need no scan at all.
    const keys =
      tainted.size === 0
        ? []
        : [...svc.store.values(podDef)]
            .filter((so) => tainted.has(String(asObject(so.obj.spec)['nodeName'] ?? '')))
            .map((so) => so.key);
    return [...new Set([...keys, ...scheduled.keys()])];
  };
  const taintCtl = new Controller(
    svc,
    {
      name: 'taint-manager',
      watches: [
        { def: podDef, keys: (e) => (asObject(e.object.obj.spec)['nodeName'] ? [e.key] : []) },
        {
          def: nodeDef,
          keys: (e) =>
            deepEqual(noExecute(e.prev?.obj), noExecute(e.type === 'DELETED' ? undefined : e.object.obj))
              ? []
              : podsOn(e.object.obj.metadata.name ?? '').map((p) => nsKey(p.metadata.namespace, p.metadata.name)),
        },
      ],
      allKeys: taintedPods,
      reconcile: taintManager,
      resyncMs: monitorPeriodMs,
      onStop: () => {
        for (const t of scheduled.values()) clearTimeout(t);
        scheduled.clear();
      },
    },
    opts.logger,
  );

  return {
    start: () => {
      monitorCtl.start();
      taintCtl.start();
    },
    stop: () => {
      monitorCtl.stop();
      taintCtl.stop();
    },
  };
}

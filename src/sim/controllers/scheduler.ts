import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { cpuMillis, parseQuantity } from '../../util/quantity.ts';
import { Controller, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { isActive } from './pods.ts';
import { nodeTaints, podTolerations, toleratesAll } from './taints.ts';

type Obj = Record<string, unknown>;


/** Sum of the pod's container requests: CPU in millicores, memory in bytes. */
export function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of Array.isArray(asObject(pod.spec)['containers']) ? (asObject(pod.spec)['containers'] as unknown[]) : []) {
    const req = asObject(asObject(asObject(c)['resources'])['requests']);
    cpu += cpuMillis(req['cpu']) ?? 0;
    memory += parseQuantity(req['memory']) ?? 0;
  }
  return { cpu, memory };
}

interface NodeFit {
  node: KubeObject;
  freeCpu: number;
  freeMemory: number;
  freePods: number;
}

function nodeReady(node: KubeObject): boolean {
  const conds = asObject(node.status)['conditions'];
  return Array.isArray(conds) && conds.some((c) => asObject(c)['type'] === 'Ready' && asObject(c)['status'] === 'True');
}

/** Why a node cannot take the pod, in the scheduler's words, or undefined when it fits. */
function unfit(f: NodeFit, pod: KubeObject, req: { cpu: number; memory: number }, selector: Obj): string | undefined {
  const spec = asObject(f.node.spec);
  if (!nodeReady(f.node)) return 'node(s) were not ready';
  if (spec['unschedulable'] === true) return 'node(s) were unschedulable';
  if (!Object.entries(selector).every(([k, v]) => f.node.metadata.labels?.[k] === v)) return "node(s) didn't match node selector";
  // TaintToleration filter: the effect must match too, so the default unreachable:NoExecute
  // toleration does not let a pod onto a node tainted unreachable:NoSchedule.
  if (!toleratesAll(podTolerations(pod), nodeTaints(f.node), ['NoSchedule', 'NoExecute'])) return "node(s) had taint(s) that the pod didn't tolerate";
  if (f.freePods < 1) return 'Too many pods';
  if (f.freeCpu < req.cpu) return 'Insufficient cpu';
  if (f.freeMemory < req.memory) return 'Insufficient memory';
  return undefined;
}

/**
 * The scheduler: binds each pending pod to the node with the most free capacity that fits its
 * requests, node selector and taints; a pod that fits nowhere stays Pending with
 * PodScheduled=False and a FailedScheduling event, and is retried when anything changes.
 */
export function scheduler(svc: ResourceService, logger?: Logger): Controller {
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'default-scheduler' });

  const capacity = (): NodeFit[] => {
    const used = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const so of svc.store.listCurrent(podDef, undefined)) {
      const nodeName = asObject(so.obj.spec)['nodeName'];
      if (typeof nodeName !== 'string' || !isActive(so.obj)) continue;
      const r = podRequests(so.obj);
      const u = used.get(nodeName) ?? { cpu: 0, memory: 0, pods: 0 };
      used.set(nodeName, { cpu: u.cpu + r.cpu, memory: u.memory + r.memory, pods: u.pods + 1 });
    }
    return svc.store.listCurrent(nodeDef, undefined).map((so) => {
      const alloc = asObject(asObject(so.obj.status)['allocatable']);
      const u = used.get(so.obj.metadata.name ?? '') ?? { cpu: 0, memory: 0, pods: 0 };
      return {
        node: so.obj,
        freeCpu: (cpuMillis(alloc['cpu']) ?? 0) - u.cpu,
        freeMemory: (parseQuantity(alloc['memory']) ?? 0) - u.memory,
        freePods: (parseQuantity(alloc['pods']) ?? 110) - u.pods,
      };
    });
  };

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const current = svc.store.get(podDef, namespace, name);
    const pod = current?.obj;
    if (!current || !pod || asObject(pod.spec)['nodeName'] || pod.metadata.deletionTimestamp) return;
    const schedulerName = asObject(pod.spec)['schedulerName'];
    if (schedulerName !== undefined && schedulerName !== 'default-scheduler') return;
    const req = podRequests(pod);
    const selector = asObject(asObject(pod.spec)['nodeSelector']);
    const reasons = new Map<string, number>();
    const fits = capacity().filter((f) => {
      const why = unfit(f, pod, req, selector);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      return why === undefined;
    });
    const now = formatTime(svc.now());
    const next = structuredClone(pod);
    const status = asObject(next.status);
    const others = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]).filter((c) => asObject(c)['type'] !== 'PodScheduled') : [];
    if (fits.length === 0) {
      const total = capacity().length;
      const message = `0/${total} nodes are available${reasons.size > 0 ? ': ' : '.'}${[...reasons].sort().map(([r, n]) => `${n} ${r}`).join(', ')}${reasons.size > 0 ? '.' : ''}`;
      next.status = { ...status, conditions: [...others, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'Unschedulable', message }] };
      if (!deepEqual(asObject(pod.status)['conditions'], asObject(next.status)['conditions'])) {
        svc.commitUpdate({ def: podDef, namespace, name }, current, next, 'status');
        events.record(pod, 'Warning', 'FailedScheduling', message);
      }
      return;
    }
    fits.sort((a, b) => b.freeCpu - a.freeCpu || b.freeMemory - a.freeMemory);
    const chosen = fits[0]?.node.metadata.name ?? '';
    next.spec = { ...asObject(next.spec), nodeName: chosen };
    next.status = { ...status, conditions: [...others, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
    // Binding is the one way a pod's nodeName changes: written directly, as the binding subresource does.
    svc.store.commit(podDef, 'MODIFIED', next);
    events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace ?? ''}/${name} to ${chosen}`);
  };

  const pending = (): string[] => [...svc.store.values(podDef)].filter((so) => !asObject(so.obj.spec)['nodeName'] && !so.obj.metadata.deletionTimestamp).map((so) => so.key);
  return new Controller(svc, {
    name: 'scheduler',
    watches: [
      { def: podDef, keys: (e) => (e.type === 'ADDED' ? [e.key] : e.type === 'DELETED' ? pending() : []) },
      { def: nodeDef, keys: () => pending() },
    ],
    allKeys: pending,
    reconcile,
    resyncMs: 2_000,
  }, logger);
}

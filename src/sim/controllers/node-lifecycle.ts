import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import { NOT_READY_TAINT, UNREACHABLE_TAINT, type Taint } from './taints.ts';

type Obj = Record<string, unknown>;

/** The pure rules of kube-controller-manager's node lifecycle controller (node_lifecycle_controller.go). */

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export function nodeConditions(node: KubeObject): NodeCondition[] {
  const raw = asObject(node.status)['conditions'];
  return Array.isArray(raw)
    ? raw.map((c) => asObject(c) as unknown as NodeCondition).filter((c) => typeof c.type === 'string')
    : [];
}

export function readyStatus(conditions: NodeCondition[]): string | undefined {
  return conditions.find((c) => c.type === 'Ready')?.status;
}

/** The conditions the kubelet owns; all of them go Unknown when it stops posting. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * tryUpdateNodeHealth once the grace period has passed without a heartbeat: every kubelet
 * condition becomes Unknown (keeping its last heartbeat, which says when the kubelet was last
 * heard from); one the kubelet never posted is added as NodeStatusNeverUpdated.
 */
export function conditionsUnknown(conditions: NodeCondition[], now: string, created: string): NodeCondition[] {
  const out = conditions.map((c) => ({ ...c }));
  for (const type of KUBELET_CONDITIONS) {
    const c = out.find((x) => x.type === type);
    if (!c) {
      out.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: created,
        lastTransitionTime: now,
      });
    } else if (c.status !== 'Unknown') {
      Object.assign(c, {
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: now,
      });
    }
  }
  return out;
}

/** nodeConditionToTaintKeyStatusMap: which condition states put which NoSchedule taint on a node. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: NOT_READY_TAINT, Unknown: UNREACHABLE_TAINT },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** doNoScheduleTaintingPass: the NoSchedule taint keys the node's conditions call for. */
export function noScheduleTaintKeys(conditions: NodeCondition[]): string[] {
  return conditions.flatMap((c) => {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    return key ? [key] : [];
  });
}

/**
 * doNoExecuteTaintingPass: Ready False taints not-ready, Unknown taints unreachable, True neither.
 * When every node is not ready the controller assumes its own connectivity is at fault (full
 * disruption) and taints none, so a control-plane hiccup does not evict the whole cluster.
 */
export function noExecuteTaintKey(ready: string | undefined, fullDisruption: boolean): string | undefined {
  if (fullDisruption) return undefined;
  if (ready === 'False') return NOT_READY_TAINT;
  if (ready === 'Unknown') return UNREACHABLE_TAINT;
  return undefined;
}

/**
 * The node's taints after both passes: controller-owned taints that no longer apply go, wanted
 * ones are appended with timeAdded (SwapNodeControllerTaint), everything else is left alone and a
 * taint already present keeps its timeAdded, which the taint manager counts tolerations from.
 */
export function reconcileTaints(
  existing: Taint[],
  noSchedule: string[],
  noExecute: string | undefined,
  now: string,
): Taint[] {
  const owned = (t: Taint): boolean =>
    (t.effect === 'NoSchedule' && CONDITION_TAINT_KEYS.has(t.key)) ||
    (t.effect === 'NoExecute' && (t.key === NOT_READY_TAINT || t.key === UNREACHABLE_TAINT));
  const wanted: Taint[] = [
    ...noSchedule.map((key) => ({ key, effect: 'NoSchedule' })),
    ...(noExecute ? [{ key: noExecute, effect: 'NoExecute' }] : []),
  ];
  const isWanted = (t: Taint): boolean => wanted.some((w) => w.key === t.key && w.effect === t.effect);
  const kept = existing.filter((t) => !owned(t) || isWanted(t));
  const added = wanted
    .filter((w) => !kept.some((t) => t.key === w.key && t.effect === w.effect))
    .map((w) => ({ ...w, timeAdded: now }));
  return [...kept, ...added];
}

/**
 * MarkPodsNotReady for one pod: its Ready condition turns False (reason and message kept, the
 * transition time now), or undefined when it is not Ready=True and nothing changes.
 */
export function podStatusNotReady(status: Obj, now: string): Obj | undefined {
  const conditions = Array.isArray(status['conditions']) ? status['conditions'].map(asObject) : [];
  const i = conditions.findIndex((c) => c['type'] === 'Ready');
  if (i < 0 || conditions[i]?.['status'] === 'False') return undefined;
  const next = conditions.map((c, j) => (j === i ? { ...c, status: 'False', lastTransitionTime: now } : c));
  return { ...status, conditions: next };
}

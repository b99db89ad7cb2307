import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';

/** core/v1 Taint and Toleration as they appear in the JSON (all fields optional on the wire). */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

export function nodeTaints(node: KubeObject): Taint[] {
  const raw = asObject(node.spec)['taints'];
  return Array.isArray(raw)
    ? raw
        .map(asObject)
        .filter((t) => typeof t['key'] === 'string')
        .map((t) => t as unknown as Taint)
    : [];
}

export function podTolerations(pod: KubeObject): Toleration[] {
  const raw = asObject(pod.spec)['tolerations'];
  return Array.isArray(raw) ? raw.map((t) => asObject(t) as Toleration) : [];
}

/** v1.Toleration.ToleratesTaint: an empty effect or key matches any, an empty operator means Equal. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether every taint with one of `effects` is tolerated (TolerationsTolerateTaintsWithFilter). */
export function toleratesAll(tolerations: Toleration[], taints: Taint[], effects: string[]): boolean {
  return taints
    .filter((t) => effects.includes(t.effect))
    .every((taint) => tolerations.some((t) => toleratesTaint(t, taint)));
}

/** What the taint manager does with a pod on a node with these taints. */
export type EvictionDecision = { kind: 'keep' } | { kind: 'evict'; atMs: number };

/**
 * The NoExecute taint manager's decision (processPodOnNode): a NoExecute taint the pod does not
 * tolerate evicts it at once; otherwise the shortest tolerationSeconds among the tolerations used
 * decides when, counted from the taint's timeAdded (the real manager counts from when it saw
 * the taint, which is the same moment up to its watch latency). No tolerationSeconds is forever.
 * `scale` shrinks the seconds so tests need not wait five minutes.
 */
export function evictionDecision(
  tolerations: Toleration[],
  taints: Taint[],
  nowMs: number,
  scale = 1,
): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return { kind: 'keep' };
  let atMs = Infinity;
  for (const taint of noExecute) {
    const used = tolerations.filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return { kind: 'evict', atMs: nowMs };
    const added = Date.parse(taint.timeAdded ?? '');
    const from = Number.isNaN(added) ? nowMs : added;
    for (const t of used) {
      // getMinTolerationTime: a toleration without seconds tolerates forever, <= 0 means at once.
      if (typeof t.tolerationSeconds !== 'number') continue;
      atMs = Math.min(atMs, from + Math.max(0, t.tolerationSeconds) * 1000 * scale);
    }
  }
  return atMs === Infinity ? { kind: 'keep' } : { kind: 'evict', atMs };
}

/**
 * The tolerations the DaemonSet controller adds to its pods (AddOrUpdateDaemonPodTolerations), so
 * daemons survive not-ready and unreachable nodes instead of being evicted with everything else.
 */
export function withDaemonTolerations(podSpec: Record<string, unknown>): Toleration[] {
  const existing = Array.isArray(podSpec['tolerations'])
    ? podSpec['tolerations'].map((t) => asObject(t) as Toleration)
    : [];
  const wanted: Toleration[] = [
    { key: NOT_READY_TAINT, operator: 'Exists', effect: 'NoExecute' },
    { key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(podSpec['hostNetwork'] === true
      ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }]
      : []),
  ];
  // AddOrUpdateTolerationInPodSpec: one matching in key, operator, value and effect is replaced in place.
  const out = [...existing];
  for (const w of wanted) {
    const i = out.findIndex(
      (t) =>
        t.key === w.key && (t.operator ?? '') === w.operator && (t.value ?? '') === '' && (t.effect ?? '') === w.effect,
    );
    if (i >= 0) out[i] = w;
    else out.push(w);
  }
  return out;
}

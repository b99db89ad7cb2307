import type { KubeObject } from '../api/registry.ts';
import { isPlainObject } from '../../util/deep-equal.ts';

type Obj = Record<string, unknown>;

export function podStatus(pod: KubeObject): Obj {
  return isPlainObject(pod.status) ? pod.status : {};
}

export function isTerminating(o: KubeObject): boolean {
  return Boolean(o.metadata.deletionTimestamp);
}

/** Running or about to: not terminating and not finished (controller.FilterActivePods). */
export function isActive(pod: KubeObject): boolean {
  const phase = podStatus(pod)['phase'];
  return !isTerminating(pod) && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: KubeObject): boolean {
  const conds = podStatus(pod)['conditions'];
  return Array.isArray(conds) && conds.some((c) => isPlainObject(c) && c['type'] === 'Ready' && c['status'] === 'True');
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const conds = podStatus(pod)['conditions'];
  const ready = Array.isArray(conds) ? conds.find((c) => isPlainObject(c) && c['type'] === 'Ready') : undefined;
  const since = isPlainObject(ready) ? Date.parse(String(ready['lastTransitionTime'] ?? '')) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now.getTime();
}

export function controllerRef(o: KubeObject): { uid: string; kind: string; name: string } | undefined {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return ref ? { uid: ref.uid, kind: ref.kind, name: ref.name } : undefined;
}

/** Which pods to delete first when scaling down (controller.ActivePods ordering, simplified). */
export function deletionRank(pod: KubeObject): number[] {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const phase = podStatus(pod)['phase'];
  const phaseRank = phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : 2;
  return [
    spec['nodeName'] ? 1 : 0,
    phaseRank,
    isReady(pod) ? 1 : 0,
    -Date.parse(pod.metadata.creationTimestamp ?? '0'),
  ];
}

export function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

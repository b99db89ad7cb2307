import { isPlainObject } from '../../util/deep-equal.ts';

/** Pure rollout arithmetic of the deployment controller (pkg/controller/deployment/util). */

/** An int-or-percent against a total: surge rounds up, unavailable rounds down. */
export function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

export function surgeAndUnavailable(strategy: unknown, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = isPlainObject(strategy) && isPlainObject(strategy['rollingUpdate']) ? strategy['rollingUpdate'] : {};
  const maxSurge = resolveIntOrPercent(ru['maxSurge'] ?? '25%', desired, true);
  let maxUnavailable = resolveIntOrPercent(ru['maxUnavailable'] ?? '25%', desired, false);
  // Both zero would deadlock a rollout: the controller allows one unavailable pod.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, desired) };
}

export interface RsState {
  name: string;
  replicas: number;
  available: number;
  created: number;
}

/** How many replicas the new ReplicaSet may have now (NewRSNewReplicas for RollingUpdate). */
export function newReplicaSetReplicas(desired: number, maxSurge: number, newRs: RsState, all: RsState[]): number {
  if (newRs.replicas >= desired) return desired;
  const current = all.reduce((n, r) => n + r.replicas, 0);
  const room = desired + maxSurge - current;
  if (room <= 0) return newRs.replicas;
  return newRs.replicas + Math.min(room, desired - newRs.replicas);
}

/** New replica counts for old ReplicaSets (reconcileOldReplicaSets), oldest scaled down first. */
export function scaleDownOld(
  desired: number,
  maxUnavailable: number,
  newRs: RsState,
  old: RsState[],
): Map<string, number> {
  const out = new Map<string, number>();
  const all = [newRs, ...old];
  const total = all.reduce((n, r) => n + r.replicas, 0);
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRs.replicas - newRs.available;
  let budget = total - minAvailable - newUnavailable;
  if (budget <= 0) return out;
  const sorted = [...old].sort((a, b) => a.created - b.created);
  // First drop old replicas that are not available anyway.
  for (const rs of sorted) {
    if (budget <= 0) break;
    const unhealthy = Math.min(rs.replicas - rs.available, budget);
    if (unhealthy > 0) {
      out.set(rs.name, rs.replicas - unhealthy);
      budget -= unhealthy;
    }
  }
  const availableTotal = all.reduce((n, r) => n + Math.min(r.available, out.get(r.name) ?? r.replicas), 0);
  let scaleDown = availableTotal - minAvailable;
  for (const rs of sorted) {
    if (scaleDown <= 0) break;
    const current = out.get(rs.name) ?? rs.replicas;
    const by = Math.min(current, scaleDown);
    if (by > 0) {
      out.set(rs.name, current - by);
      scaleDown -= by;
    }
  }
  return out;
}

/** rand.SafeEncodeString of an FNV-1a 32-bit hash: the pod-template-hash label's alphabet. */
export function templateHash(template: unknown, collisionCount: number): string {
  const text = `${stableJson(template)}#${collisionCount}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return String(h)
    .split('')
    .map((d) => alphabet[d.charCodeAt(0) % alphabet.length] ?? 'b')
    .join('');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

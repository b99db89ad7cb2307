import type { KubeObject } from '../../api/registry.ts';
import { asObject } from '../../../util/deep-equal.ts';

/**
 * kube-controller-manager's replica calculator (pkg/controller/podautoscaler/replica_calculator.go),
 * as pure functions over the pods a selector matched and the metric values fetched for them.
 * Values are milli-units, like the Go code's MilliValue() arithmetic.
 */

export interface PodMetric {
  /** Milli-units (millicores for CPU, milli-bytes for memory, milli-requests/s for a QPS metric). */
  value: number;
  timestamp: Date;
  windowMs: number;
}

export type PodMetrics = Map<string, PodMetric>;

export interface CalculatorOptions {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
  now: Date;
}

export const DEFAULT_CALCULATOR: Omit<CalculatorOptions, 'now'> = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

export class CalculationError extends Error {}

export interface Recommendation {
  replicas: number;
  /** Utilization percentage (Resource Utilization targets) or the average / total usage in milli-units. */
  usage: number;
  /** Average raw usage per pod in milli-units (Resource Utilization targets report it as averageValue). */
  rawAverage?: number;
}

interface Grouped {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function readyCondition(pod: KubeObject): { status: string; lastTransitionTime?: string } | undefined {
  const conditions = asObject(pod.status)['conditions'];
  if (!Array.isArray(conditions)) return undefined;
  const c = conditions.map(asObject).find((x) => x['type'] === 'Ready');
  return c
    ? {
        status: String(c['status']),
        lastTransitionTime: typeof c['lastTransitionTime'] === 'string' ? c['lastTransitionTime'] : undefined,
      }
    : undefined;
}

/** Splits pods as groupPods does: deleted/failed ignored, Pending unready, no sample missing, CPU start-up rules. */
export function groupPods(
  pods: KubeObject[],
  metrics: PodMetrics,
  resource: string | undefined,
  opts: CalculatorOptions,
): Grouped {
  const g: Grouped = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const phase = asObject(pod.status)['phase'];
    if (pod.metadata.deletionTimestamp || phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && isUnreadyForCpu(pod, metric, opts)) {
      g.unready.add(name);
      continue;
    }
    g.readyPodCount++;
  }
  return g;
}

function isUnreadyForCpu(pod: KubeObject, metric: PodMetric, opts: CalculatorOptions): boolean {
  const condition = readyCondition(pod);
  const startTime = asObject(pod.status)['startTime'];
  if (!condition || typeof startTime !== 'string') return true;
  const start = Date.parse(startTime);
  const transition = condition.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : start;
  if (start + opts.cpuInitializationPeriodMs > opts.now.getTime()) {
    // Still initialising: ignore the sample if unready, or if no full window was collected since it turned ready.
    return condition.status === 'False' || metric.timestamp.getTime() < transition + metric.windowMs;
  }
  // Past initialisation: ignore only a pod that is unready and has never been ready.
  return condition.status === 'False' && start + opts.delayOfInitialReadinessStatusMs > transition;
}

function without(metrics: PodMetrics, ...sets: Set<string>[]): PodMetrics {
  const out = new Map(metrics);
  for (const s of sets) for (const name of s) out.delete(name);
  return out;
}

function noPods(): CalculationError {
  return new CalculationError('no pods returned by selector while calculating replica count');
}

/** Requests per pod for a resource (summed over containers, or one container); a missing request is an error. */
export function podRequests(
  pods: KubeObject[],
  resource: string,
  container: string | undefined,
  parse: (q: unknown) => number | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = asObject(pod.spec)['containers'];
    for (const c of Array.isArray(containers) ? containers.map(asObject) : []) {
      if (container !== undefined && c['name'] !== container) continue;
      const req = parse(asObject(asObject(c['resources'])['requests'])[resource]);
      if (req === undefined)
        throw new CalculationError(
          `missing request for ${resource} in container ${String(c['name'])} of Pod ${pod.metadata.name ?? ''}`,
        );
      sum += req;
    }
    out.set(pod.metadata.name ?? '', sum);
  }
  return out;
}

function utilizationRatio(
  metrics: PodMetrics,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const req = requests.get(name);
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    entries++;
  }
  if (requestsTotal === 0) throw new CalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

function averageRatio(metrics: PodMetrics, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const avg = total / metrics.size;
  return { ratio: avg / targetUsage, usage: Math.trunc(avg) };
}

/**
 * The shared rebalancing of both per-pod paths: missing pods count as the target (scale-down) or 0
 * (scale-up), unready pods as 0 on a scale-up; no change if the recomputed ratio flips direction.
 */
function rebalance(
  current: number,
  g: Grouped,
  metrics: PodMetrics,
  first: number,
  fill: { missingDown: (pod: string) => number },
  ratioOf: (m: PodMetrics) => number,
  tolerance: number,
): number {
  const rebalanceIgnored = g.unready.size > 0 && first > 1;
  if (!rebalanceIgnored && g.missing.size === 0) {
    if (Math.abs(1 - first) <= tolerance) return current;
    return Math.ceil(first * g.readyPodCount);
  }
  const filled = new Map(metrics);
  const sample = (value: number): PodMetric => ({ value, timestamp: new Date(0), windowMs: 0 });
  if (g.missing.size > 0) {
    if (first < 1) for (const p of g.missing) filled.set(p, sample(fill.missingDown(p)));
    else if (first > 1) for (const p of g.missing) filled.set(p, sample(0));
  }
  if (rebalanceIgnored) for (const p of g.unready) filled.set(p, sample(0));
  const next = ratioOf(filled);
  if (Math.abs(1 - next) <= tolerance || (first < 1 && next > 1) || (first > 1 && next < 1)) return current;
  const replicas = Math.ceil(next * filled.size);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}

/** Resource metric with an Utilization target (percent of requests). */
export function resourceUtilizationReplicas(
  current: number,
  targetUtilization: number,
  resource: string,
  pods: KubeObject[],
  metrics: PodMetrics,
  requests: Map<string, number>,
  opts: CalculatorOptions,
): Recommendation {
  if (pods.length === 0) throw noPods();
  const g = groupPods(pods, metrics, resource, opts);
  const kept = without(metrics, g.ignored, g.unready);
  if (kept.size === 0) throw new CalculationError('did not receive metrics for any ready pods');
  const first = utilizationRatio(kept, requests, targetUtilization);
  const replicas = rebalance(
    current,
    g,
    kept,
    first.ratio,
    { missingDown: (p) => requests.get(p) ?? 0 },
    (m) => utilizationRatio(m, requests, targetUtilization).ratio,
    opts.tolerance,
  );
  return { replicas, usage: first.utilization, rawAverage: first.rawAverage };
}

/** Per-pod average against an AverageValue target: Pods metrics, and Resource metrics with AverageValue. */
export function plainMetricReplicas(
  current: number,
  targetUsage: number,
  pods: KubeObject[],
  metrics: PodMetrics,
  resource: string | undefined,
  opts: CalculatorOptions,
): Recommendation {
  if (pods.length === 0) throw noPods();
  const g = groupPods(pods, metrics, resource, opts);
  const kept = without(metrics, g.ignored, g.unready);
  if (kept.size === 0) throw new CalculationError('did not receive metrics for any ready pods');
  const first = averageRatio(kept, targetUsage);
  const replicas = rebalance(
    current,
    g,
    kept,
    first.ratio,
    { missingDown: () => targetUsage },
    (m) => averageRatio(m, targetUsage).ratio,
    opts.tolerance,
  );
  return { replicas, usage: first.usage };
}

function readyPodsCount(pods: KubeObject[]): number {
  if (pods.length === 0) throw noPods();
  return pods.filter((p) => asObject(p.status)['phase'] === 'Running' && readyCondition(p)?.status === 'True').length;
}

/** A Value target on one number (Object Value, External Value): ratio times ready pods. */
export function usageRatioReplicas(
  current: number,
  usage: number,
  targetUsage: number,
  pods: KubeObject[],
  tolerance: number,
): Recommendation {
  const ratio = usage / targetUsage;
  if (current === 0) return { replicas: Math.ceil(ratio), usage };
  if (Math.abs(1 - ratio) <= tolerance) return { replicas: current, usage };
  return { replicas: Math.ceil(ratio * readyPodsCount(pods)), usage };
}

/** An AverageValue target on one number (Object or External AverageValue): usage spread over status replicas. */
export function perPodReplicas(
  statusReplicas: number,
  usage: number,
  targetPerPod: number,
  tolerance: number,
): Recommendation {
  let replicas = statusReplicas;
  const ratio = usage / (targetPerPod * statusReplicas);
  if (Math.abs(1 - ratio) > tolerance) replicas = Math.ceil(usage / targetPerPod);
  return { replicas, usage: Math.ceil(usage / statusReplicas) };
}

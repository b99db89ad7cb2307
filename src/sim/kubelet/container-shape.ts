import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import type { ContainerModel } from '../workloads/model.ts';
import { baseMemoryBytes, memoryLimitBytes } from '../workloads/usage.ts';
import type { ContainerShape } from './container-runtime.ts';

type Obj = Record<string, unknown>;

/** The pod's terminationGracePeriodSeconds (default 30 s), in ms. */
export function graceMs(pod: KubeObject): number {
  const g = asObject(pod.spec)['terminationGracePeriodSeconds'];
  return (typeof g === 'number' ? g : 30) * 1000;
}

/** The kubelet's message for a failed probe (prober.go): the probe type decides the detail. */
function probeFailure(kind: 'Readiness' | 'Liveness', probe: Obj, podIP: string): string {
  const tcp = asObject(probe['tcpSocket']);
  if (Object.keys(tcp).length > 0)
    return `${kind} probe failed: dial tcp ${podIP}:${String(tcp['port'] ?? '')}: connect: connection refused`;
  if (Object.keys(asObject(probe['exec'])).length > 0) return `${kind} probe failed: `;
  // An httpGet probe, or a container modelled as failing without a probe: the app answers 503.
  return `${kind} probe failed: HTTP probe failed with statuscode: 503`;
}

export interface ShapeContext {
  model: ContainerModel;
  podIP: string;
  seed: string;
  podRef: string;
  killDelayMs: number;
}

/** Memory and probe facts of one container spec, for its runtime. */
export function containerShape(c: Obj, ctx: ShapeContext): ContainerShape {
  const probe = asObject(c['readinessProbe']);
  const live = asObject(c['livenessProbe']);
  return {
    baseMemoryBytes: baseMemoryBytes(ctx.model, c),
    memoryLimitBytes: memoryLimitBytes(c),
    readinessDelayMs: Number(probe['initialDelaySeconds'] ?? 0) * 1000,
    readinessPeriodMs: Number(probe['periodSeconds'] ?? 10) * 1000,
    unhealthyMessage: probeFailure('Readiness', probe, ctx.podIP),
    ...(Object.keys(live).length > 0
      ? {
          liveness: {
            delayMs: Number(live['initialDelaySeconds'] ?? 0) * 1000,
            periodMs: Number(live['periodSeconds'] ?? 10) * 1000,
            failureThreshold: Number(live['failureThreshold'] ?? 3),
            message: probeFailure('Liveness', live, ctx.podIP),
          },
        }
      : {}),
    killDelayMs: ctx.killDelayMs,
    podRef: ctx.podRef,
    seed: ctx.seed,
  };
}

import type { SlimPod } from '../kube/pods.ts';
import type { OwnerLink } from '../kube/owners.ts';
import type { FailureCapture, NewFailure } from '../store/failures.ts';
import type { CapturedFailure } from './capture.ts';
import type { FailureSignal } from './detect.ts';

/** The record stored the moment a failure is detected (its capture is attached afterwards). */
export function toNewFailure(
  cluster: string,
  pod: SlimPod,
  s: FailureSignal,
  owners: { chain: OwnerLink[]; workload: OwnerLink },
  preExisting: boolean,
  detectedAt: number,
): NewFailure {
  const occurred = s.occurredAt ? Date.parse(s.occurredAt) : NaN;
  return {
    key: s.key,
    cluster,
    namespace: s.namespace,
    pod: s.pod,
    podUid: s.podUid,
    container: s.container || undefined,
    node: pod.spec.nodeName,
    workloadKind: owners.workload.kind,
    workloadName: owners.workload.name,
    ownerChain: owners.chain,
    reason: s.reason,
    exitCode: s.exitCode,
    signal: s.signal,
    message: s.message,
    restartCount: s.instance,
    preExisting,
    detectedAt,
    occurredAt: Number.isFinite(occurred) ? occurred : detectedAt,
    details: {
      kind: s.kind,
      crashLoop: s.crashLoop,
      previousLogs: s.previous,
      captured: false,
      ...(s.inferred ? { inferred: true } : {}),
    },
  };
}

export function captureUpdate(c: CapturedFailure): FailureCapture {
  return {
    node: c.node,
    ownerChain: c.ownerChain,
    services: c.services,
    events: c.events.map((e) => ({
      type: 'Warning',
      reason: e.reason,
      message: e.message,
      count: e.count,
      lastSeen: e.lastTimestamp ? Date.parse(e.lastTimestamp) : undefined,
    })),
    logs: c.logs.text,
    logsTruncated: c.logs.truncated,
    logsError: c.logs.error,
    details: {
      kind: c.signal.kind,
      crashLoop: c.signal.crashLoop,
      previousLogs: c.signal.previous,
      captured: true,
      ...(c.signal.inferred ? { inferred: true } : {}),
      ...(c.image ? { image: c.image } : {}),
      ...(c.eventsError ? { eventsError: c.eventsError } : {}),
    },
  };
}

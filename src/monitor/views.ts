import type { Delivery, Failure, FailureSummary, Finding } from '../store/index.ts';
import { iso } from '../http/validate.ts';

export function failureSummaryView(f: FailureSummary): Record<string, unknown> {
  return {
    id: f.id,
    cluster: f.cluster,
    namespace: f.namespace,
    pod: f.pod,
    podUid: f.podUid,
    container: f.container,
    node: f.node,
    workload: { kind: f.workloadKind, name: f.workloadName },
    reason: f.reason,
    exitCode: f.exitCode,
    signal: f.signal,
    message: f.message,
    restartCount: f.restartCount,
    state: f.state,
    preExisting: f.preExisting,
    detectedAt: iso(f.detectedAt),
    occurredAt: iso(f.occurredAt),
    resolvedAt: iso(f.resolvedAt),
    durationSeconds: f.resolvedAt !== null ? Math.round((f.resolvedAt - f.occurredAt) / 1000) : null,
  };
}

export function deliveryView(d: Delivery): Record<string, unknown> {
  return {
    id: d.id,
    channel: d.channel,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: iso(d.createdAt),
    sentAt: iso(d.sentAt),
    nextAttemptAt: iso(d.nextAttemptAt),
  };
}

export function failureView(f: Failure, deliveries: Delivery[]): Record<string, unknown> {
  return {
    ...failureSummaryView(f),
    ownerChain: f.ownerChain,
    services: f.services,
    events: f.events.map((e) => ({ ...e, lastSeen: iso(e.lastSeen) })),
    logs: f.logs,
    logsTruncated: f.logsTruncated,
    logsError: f.logsError,
    details: f.details,
    deliveries: deliveries.map(deliveryView),
  };
}

export function findingView(f: Finding): Record<string, unknown> {
  return {
    id: f.id,
    kind: f.kind,
    cluster: f.cluster,
    namespace: f.namespace,
    workload: f.workloadName ? { kind: f.workloadKind, name: f.workloadName } : null,
    reason: f.reason,
    message: f.message,
    count: f.count,
    firstSeen: iso(f.firstSeen),
    lastSeen: iso(f.lastSeen),
    involvedObject: f.involvedObject,
  };
}

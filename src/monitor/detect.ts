import type { ContainerStatus, SlimPod } from '../kube/pods.ts';
import { controllerOf } from '../kube/pods.ts';

/** One failure as read from a pod's status: what the monitor records once per key. */
export interface FailureSignal {
  /** Dedup key: pod uid, container, instance (restart count of the instance that failed), reason. */
  key: string;
  podUid: string;
  namespace: string;
  pod: string;
  /** Empty for pod-level failures (Evicted, a Failed pod without a failed container). */
  container: string;
  reason: string;
  kind: 'terminated' | 'waiting' | 'pod';
  exitCode?: number;
  signal?: number;
  message?: string;
  /** Which instance failed: the restart count it ran under. */
  instance: number;
  /** The container restarted since: its logs are the previous instance's (`previous=true`). */
  previous: boolean;
  /** The container is now waiting in CrashLoopBackOff. */
  crashLoop: boolean;
  /** When it happened, as the kubelet reported it (finishedAt), else undefined (use detection time). */
  occurredAt?: string;
  /** When the failed instance started (terminated instances): with occurredAt, which log lines are its own. */
  startedAt?: string;
  /** When the instance after it started, when the status shows one (running, or terminated itself). */
  successorStartedAt?: string;
  /** Known only from the restart count: the kubelet never reported this termination (see unreported.ts). */
  inferred?: boolean;
}

export interface DetectOptions {
  /** Start-up grace per pod: failures of a container that ran less than this long are ignored. */
  startupGraceMs?: (pod: SlimPod) => number;
}

const FAILED_TERMINATION_REASONS = new Set(['OOMKilled', 'Error', 'ContainerCannotRun', 'DeadlineExceeded']);
const FAILED_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
]);
/** ErrImagePull and ImagePullBackOff alternate for one problem: one failure, keyed once. */
const WAITING_KEY: Record<string, string> = { ErrImagePull: 'ImagePullBackOff' };

type Terminated = NonNullable<NonNullable<ContainerStatus['state']>['terminated']>;

function isFailedTermination(t: Terminated, jobPod: boolean): boolean {
  if (t.exitCode !== 0) return true;
  // Exit 0 is a normal end (a Job's Completed container, a finished run); only a failing reason counts.
  return !jobPod && t.reason !== undefined && FAILED_TERMINATION_REASONS.has(t.reason);
}

function signalOf(t: Terminated): number | undefined {
  if (t.signal !== undefined && t.signal !== 0) return t.signal;
  return t.exitCode > 128 && t.exitCode < 160 ? t.exitCode - 128 : undefined;
}

function ranMs(t: Terminated): number | undefined {
  if (!t.startedAt || !t.finishedAt) return undefined;
  return Date.parse(t.finishedAt) - Date.parse(t.startedAt);
}

function reasonOf(t: Terminated): string {
  if (t.reason && t.reason !== 'Completed') return t.reason;
  return 'Error';
}

/**
 * Reads a pod's current status and returns every failure it shows (level-based: the same status
 * read twice gives the same keys, so the store's unique key makes recording idempotent).
 */
export function detectFailures(pod: SlimPod, opts: DetectOptions = {}): FailureSignal[] {
  if (pod.metadata.deletionTimestamp) return [];
  const jobPod = controllerOf(pod.metadata.ownerReferences)?.kind === 'Job';
  const grace = opts.startupGraceMs?.(pod) ?? 0;
  const out: FailureSignal[] = [];
  const base = { podUid: pod.metadata.uid, namespace: pod.metadata.namespace, pod: pod.metadata.name };
  const statuses = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
  for (const cs of statuses) {
    const current = cs.state?.terminated;
    const last = cs.lastState?.terminated;
    const waiting = cs.state?.waiting?.reason;
    const crashLoop = waiting === 'CrashLoopBackOff';
    const add = (t: Terminated, instance: number, previous: boolean, successorStartedAt?: string): void => {
      if (!isFailedTermination(t, jobPod)) return;
      const ran = ranMs(t);
      if (grace > 0 && ran !== undefined && ran < grace) return;
      const reason = reasonOf(t);
      out.push({
        ...base,
        key: `${pod.metadata.uid}/${cs.name}/${instance}/${reason}`,
        container: cs.name,
        reason,
        kind: 'terminated',
        exitCode: t.exitCode,
        signal: signalOf(t),
        message: t.message,
        instance,
        previous,
        crashLoop,
        occurredAt: t.finishedAt ?? undefined,
        startedAt: t.startedAt ?? undefined,
        ...(successorStartedAt ? { successorStartedAt } : {}),
      });
    };
    if (current) add(current, cs.restartCount, false);
    // lastState is the instance before the newest container when a new one runs (count - 1); while
    // waiting to restart (back-off) the dead instance is still the newest, under the current count.
    if (last) {
      const instance = cs.state?.running || current ? cs.restartCount - 1 : cs.restartCount;
      const successor = cs.state?.running?.startedAt ?? current?.startedAt ?? undefined;
      if (instance >= 0)
        add(last, instance, instance < cs.restartCount, instance < cs.restartCount ? successor : undefined);
    }
    if (waiting && FAILED_WAITING_REASONS.has(waiting) && !(crashLoop && last)) {
      const keyReason = WAITING_KEY[waiting] ?? waiting;
      out.push({
        ...base,
        key: `${pod.metadata.uid}/${cs.name}/${cs.restartCount}/${keyReason}`,
        container: cs.name,
        reason: waiting,
        kind: 'waiting',
        message: cs.state?.waiting?.message,
        instance: cs.restartCount,
        previous: crashLoop,
        crashLoop,
      });
    }
  }
  if (pod.status.phase === 'Failed') {
    const reason = pod.status.reason ?? 'Failed';
    // A Failed pod whose failed container is already recorded is the same failure; Evicted and
    // pod-level deadlines have no container failure to carry them.
    if (reason === 'Evicted' || out.length === 0) {
      out.push({
        ...base,
        key: `${pod.metadata.uid}//0/${reason}`,
        container: '',
        reason,
        kind: 'pod',
        message: pod.status.message,
        instance: 0,
        previous: false,
        crashLoop: false,
      });
    }
  }
  return out;
}

/**
 * The crash ground truth, kept inside the sim process: every committed pod version is read as the
 * API server accepts it (the store's subscribers are called synchronously in the commit), so each
 * crashed container instance gets the wall-clock time its crash became visible in the API, with
 * millisecond resolution (the kubelet's finishedAt has seconds only).
 *
 * Instances are numbered as the kubelet reports them (see src/monitor/detect.ts): the newest
 * container's restartCount; a status shows `restartCount` crashed instances while a container
 * runs, and `restartCount + 1` while the newest one is dead (terminated, or waiting in
 * CrashLoopBackOff), so instance k crashed once that number exceeds k. Each instance's reported
 * termination (reason, exit code, when it ran) is kept as the first status showing it, and a
 * container that cannot pull its image is noted with the first such status.
 */
export interface ContainerTruth {
  uid: string;
  namespace: string;
  pod: string;
  container: string;
  /** When the pod was first seen / deleted (epoch ms). */
  createdAt: number;
  deletedAt?: number;
  /** crashes[k]: when instance k's crash was accepted by the API (epoch ms). */
  crashes: number[];
  /** ends[k]: instance k's termination as the kubelet reported it (state or lastState), once seen. */
  ends: (Termination | null)[];
  /** The first commit showing the container waiting on an image it cannot pull (ErrImagePull, ImagePullBackOff). */
  pullFailedAt?: number;
  pullReason?: string;
}

export interface Termination {
  reason: string;
  exitCode: number;
  /** RFC 3339, whole seconds (the kubelet's). */
  startedAt: string;
  finishedAt: string;
}

export interface TruthSnapshot {
  at: number;
  containers: ContainerTruth[];
}

interface StatusView {
  containerStatuses?: {
    name: string;
    restartCount?: number;
    state?: { running?: object; terminated?: TerminatedView; waiting?: { reason?: string } };
    lastState?: { terminated?: TerminatedView };
  }[];
}

interface TerminatedView {
  exitCode?: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

function termination(t: TerminatedView): Termination {
  return {
    reason: t.reason ?? '',
    exitCode: t.exitCode ?? 0,
    startedAt: t.startedAt ?? '',
    finishedAt: t.finishedAt ?? '',
  };
}

interface PodView {
  metadata: { uid?: string; namespace?: string; name?: string };
  status?: unknown;
}

/** Crashed instances a container status shows (exit 0 of a terminated container is not a crash). */
export function crashedInstances(cs: NonNullable<StatusView['containerStatuses']>[number]): number {
  const count = cs.restartCount ?? 0;
  const term = cs.state?.terminated;
  const deadNow = (term !== undefined && term.exitCode !== 0) || cs.state?.waiting?.reason === 'CrashLoopBackOff';
  return count + (deadNow ? 1 : 0);
}

export class CrashTruth {
  private readonly containers = new Map<string, ContainerTruth>();
  private readonly pods = new Map<string, { started: boolean }>();

  observe(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: PodView, now = Date.now()): void {
    const uid = pod.metadata.uid ?? '';
    if (type === 'DELETED') {
      for (const c of this.containers.values()) if (c.uid === uid && c.deletedAt === undefined) c.deletedAt = now;
      this.pods.delete(uid);
      return;
    }
    let p = this.pods.get(uid);
    if (!p) this.pods.set(uid, (p = { started: false }));
    for (const cs of (pod.status as StatusView | undefined)?.containerStatuses ?? []) {
      if (cs.state?.running || (cs.restartCount ?? 0) > 0 || cs.state?.terminated) p.started = true;
      const key = `${uid}/${cs.name}`;
      let c = this.containers.get(key);
      if (!c) {
        c = {
          uid,
          namespace: pod.metadata.namespace ?? '',
          pod: pod.metadata.name ?? '',
          container: cs.name,
          createdAt: now,
          crashes: [],
          ends: [],
        };
        this.containers.set(key, c);
      }
      const n = crashedInstances(cs);
      while (c.crashes.length < n) c.crashes.push(now);
      while (c.ends.length < c.crashes.length) c.ends.push(null);
      // Which instance each reported termination is of: the rule of src/monitor/detect.ts.
      const count = cs.restartCount ?? 0;
      const term = cs.state?.terminated;
      if (term && (term.exitCode ?? 0) !== 0 && c.ends[count] === null) c.ends[count] = termination(term);
      const last = cs.lastState?.terminated;
      const lastIndex = cs.state?.running || term ? count - 1 : count;
      if (last && lastIndex >= 0 && c.ends[lastIndex] === null) c.ends[lastIndex] = termination(last);
      const waiting = cs.state?.waiting?.reason;
      if (waiting && PULL_REASONS.has(waiting) && c.pullFailedAt === undefined) {
        c.pullFailedAt = now;
        c.pullReason = waiting;
      }
    }
  }

  progress(): { pods: number; started: number; crashes: number } {
    let started = 0;
    for (const p of this.pods.values()) if (p.started) started++;
    let crashes = 0;
    for (const c of this.containers.values()) crashes += c.crashes.length;
    return { pods: this.pods.size, started, crashes };
  }

  snapshot(): TruthSnapshot {
    // Only containers that crashed at least once: the rest carry nothing to compare.
    return {
      at: Date.now(),
      containers: [...this.containers.values()]
        .filter((c) => c.crashes.length > 0 || c.pullFailedAt !== undefined)
        .map((c) => ({ ...c, crashes: [...c.crashes], ends: [...c.ends] })),
    };
  }
}

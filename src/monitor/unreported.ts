import type { SlimPod } from '../kube/pods.ts';
import type { FailureSignal } from './detect.ts';

/**
 * Terminations the kubelet never showed. Its status manager writes only a pod's newest status, so
 * when two instances die within one write (the first restart is immediate; writes queue behind its
 * client rate limit), the API goes from "instance 0 running" straight to "instance 1 dead, in
 * back-off": instance 0's termination is in no status the monitor can read, yet the restart count
 * says it happened. Remembering, per container, the lowest instance not yet seen dead turns that
 * jump into one failure per skipped instance. Only jumps seen by this process count (a pod met for
 * the first time with restarts is not back-filled), and only while the container shows a failed
 * termination to take the reason from.
 */
export class UnreportedTerminations {
  /** pod uid -> container -> lowest instance not yet known dead. */
  private readonly low = new Map<string, Map<string, number>>();

  /** Signals for the skipped instances of this pod (none the first time a pod is seen). */
  infer(pod: SlimPod, signals: FailureSignal[]): FailureSignal[] {
    const uid = pod.metadata.uid;
    const known = this.low.get(uid);
    const next = new Map<string, number>();
    const out: FailureSignal[] = [];
    for (const cs of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
      const dead = signals.filter((s) => s.container === cs.name && s.kind === 'terminated');
      const shownLow = dead.length > 0 ? Math.min(...dead.map((s) => s.instance)) : undefined;
      const before = known?.get(cs.name);
      const model = dead.find((s) => s.instance === shownLow);
      if (before !== undefined && model && shownLow !== undefined) {
        for (let i = before; i < shownLow; i++) out.push(skipped(model, i));
      }
      next.set(cs.name, Math.max(before ?? 0, cs.restartCount, ...dead.map((s) => s.instance + 1)));
    }
    this.low.set(uid, next);
    return out;
  }

  forget(uid: string): void {
    this.low.delete(uid);
  }
}

function skipped(model: FailureSignal, instance: number): FailureSignal {
  return {
    podUid: model.podUid,
    namespace: model.namespace,
    pod: model.pod,
    container: model.container,
    kind: 'terminated',
    reason: model.reason,
    key: `${model.podUid}/${model.container}/${instance}/${model.reason}`,
    instance,
    previous: true,
    crashLoop: model.crashLoop,
    inferred: true,
    message: `instance ${instance} restarted but the kubelet never reported its termination (a newer status replaced it); reason taken from instance ${model.instance}`,
  };
}

import { describe, expect, it } from 'vitest';
import { slimPod, type SlimPod } from '../kube/pods.ts';
import { detectFailures } from './detect.ts';
import { UnreportedTerminations } from './unreported.ts';

const died = (n: number): Record<string, unknown> => ({
  terminated: {
    exitCode: 3,
    reason: 'Error',
    startedAt: `2026-11-30T10:00:0${n}Z`,
    finishedAt: `2026-11-30T10:00:0${n}Z`,
  },
});

function pod(restartCount: number, state: Record<string, unknown>, lastState: Record<string, unknown> = {}): SlimPod {
  const p = slimPod({
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'a:1' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', restartCount, state, lastState }] },
  });
  if (typeof p === 'string') throw new Error(p);
  return p;
}

const infer = (u: UnreportedTerminations, p: SlimPod): { key: string; inferred?: boolean; previous: boolean }[] =>
  u.infer(p, detectFailures(p));

describe('terminations the kubelet never reported', () => {
  it('infers instance 0 when the status jumps from it running to instance 1 in back-off', () => {
    const u = new UnreportedTerminations();
    expect(infer(u, pod(0, { running: {} }))).toEqual([]);
    const skipped = infer(u, pod(1, { waiting: { reason: 'CrashLoopBackOff' } }, died(1)));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ key: 'u1/app/0/Error', inferred: true, previous: true });
  });

  it('infers nothing when every termination was shown, or for a pod met with restarts already', () => {
    const u = new UnreportedTerminations();
    for (const p of [
      pod(0, { running: {} }),
      pod(0, died(0)),
      pod(1, { running: {} }, died(0)),
      pod(1, { waiting: { reason: 'CrashLoopBackOff' } }, died(1)),
      pod(2, { running: {} }, died(1)),
    ]) {
      expect(infer(u, p)).toEqual([]);
    }
    expect(infer(new UnreportedTerminations(), pod(7, { waiting: { reason: 'CrashLoopBackOff' } }, died(7)))).toEqual(
      [],
    );
  });

  it('infers nothing without a failed termination to take the reason from, and starts over for a forgotten pod', () => {
    const u = new UnreportedTerminations();
    infer(u, pod(0, { running: {} }));
    expect(infer(u, pod(2, { running: {} }))).toEqual([]);
    // Instance 2 was seen running; 3 dead in back-off: 2's end was skipped, 0 and 1 stay unknown.
    expect(infer(u, pod(3, { waiting: { reason: 'CrashLoopBackOff' } }, died(3))).map((s) => s.key)).toEqual([
      'u1/app/2/Error',
    ]);
    u.forget('u1');
    expect(infer(u, pod(5, { waiting: { reason: 'CrashLoopBackOff' } }, died(5)))).toEqual([]);
  });
});

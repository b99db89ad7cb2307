import { describe, expect, it } from 'vitest';
import { detectFailures } from './detect.ts';
import { slimPod, type SlimPod } from '../kube/pods.ts';

function pod(status: Record<string, unknown>, extra: { owner?: string; deleting?: boolean } = {}): SlimPod {
  const p = slimPod({
    metadata: {
      name: 'p',
      namespace: 'ns',
      uid: 'u1',
      ...(extra.owner
        ? { ownerReferences: [{ apiVersion: 'v1', kind: extra.owner, name: 'o', uid: 'o1', controller: true }] }
        : {}),
      ...(extra.deleting ? { deletionTimestamp: '2026-11-30T10:00:00Z' } : {}),
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: { containers: [{ name: 'app', image: 'a:1' }], volumes: [{ name: 'v' }] },
    status,
  });
  if (typeof p === 'string') throw new Error(p);
  return p;
}

const crashed = { exitCode: 1, reason: 'Error', startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:00:45Z' };

describe('failure detection', () => {
  it('keeps only the fields it reads', () => {
    const p = pod({ phase: 'Running' }) as unknown as Record<string, Record<string, unknown>>;
    expect(p['metadata']?.['managedFields']).toBeUndefined();
    expect(p['spec']?.['volumes']).toBeUndefined();
  });

  it('records a terminated container and the same crash again after the restart under one key', () => {
    const before = detectFailures(
      pod({ containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: crashed } }] }),
    );
    // Backing off: the dead instance is still the newest container (count unchanged, current logs).
    const backingOff = detectFailures(
      pod({
        containerStatuses: [
          {
            name: 'app',
            restartCount: 0,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: crashed },
          },
        ],
      }),
    );
    // Restarted: a new instance runs under count 1; the failed one is lastState (previous logs).
    const after = detectFailures(
      pod({
        containerStatuses: [
          { name: 'app', restartCount: 1, state: { running: {} }, lastState: { terminated: crashed } },
        ],
      }),
    );
    expect(before.map((f) => f.key)).toEqual(['u1/app/0/Error']);
    expect(backingOff.map((f) => f.key)).toEqual(['u1/app/0/Error']);
    expect(after.map((f) => f.key)).toEqual(['u1/app/0/Error']);
    expect(backingOff[0]).toMatchObject({
      previous: false,
      crashLoop: true,
      exitCode: 1,
      occurredAt: crashed.finishedAt,
    });
    expect(after[0]).toMatchObject({ previous: true, crashLoop: false });
  });

  it('reports OOMKilled with its signal, and a second crash as a new failure', () => {
    const oom = { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-11-30T10:20:00Z' };
    const f = detectFailures(
      pod({
        containerStatuses: [{ name: 'app', restartCount: 2, state: { running: {} }, lastState: { terminated: oom } }],
      }),
    );
    expect(f).toMatchObject([{ key: 'u1/app/1/OOMKilled', reason: 'OOMKilled', signal: 9 }]);
  });

  it('treats ErrImagePull and ImagePullBackOff as one failure', () => {
    const a = detectFailures(
      pod({ containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }] }),
    );
    const b = detectFailures(
      pod({
        containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }],
      }),
    );
    expect(a[0]?.key).toBe(b[0]?.key);
  });

  it('ignores normal ends: Completed Job containers, pods being deleted, the start-up grace', () => {
    const done = { exitCode: 0, reason: 'Completed' };
    expect(
      detectFailures(
        pod(
          { phase: 'Succeeded', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: done } }] },
          { owner: 'Job' },
        ),
      ),
    ).toEqual([]);
    expect(
      detectFailures(
        pod(
          { containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: crashed } }] },
          { deleting: true },
        ),
      ),
    ).toEqual([]);
    expect(
      detectFailures(pod({ containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: crashed } }] }), {
        startupGraceMs: () => 60_000,
      }),
    ).toEqual([]);
  });

  it('records Evicted pods and Failed pods without a container failure', () => {
    expect(
      detectFailures(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })),
    ).toMatchObject([{ reason: 'Evicted', kind: 'pod' }]);
    expect(detectFailures(pod({ phase: 'Failed', reason: 'DeadlineExceeded' }))).toMatchObject([
      { reason: 'DeadlineExceeded', kind: 'pod' },
    ]);
  });

  it('survives pods with missing status fields and rejects bad ones with the field path', () => {
    expect(detectFailures(pod({}))).toEqual([]);
    expect(
      slimPod({
        metadata: { name: 'x', namespace: 'n', uid: 'u' },
        status: { containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 'x' } } }] },
      }),
    ).toMatch(/status\.containerStatuses\.0\.state\.terminated\.exitCode/);
    expect(slimPod(null)).toMatch(/pod \?\/\?/);
  });
});

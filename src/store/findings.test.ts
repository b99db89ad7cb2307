import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FindingInput } from './index.ts';
import { backends, storeOpener } from './test-backends.ts';

const t = 1_700_000_000_000;

function finding(overrides: Partial<FindingInput> = {}): FindingInput {
  return {
    key: 'uid-ev-1',
    kind: 'event',
    cluster: 'default',
    namespace: 'shop',
    workloadKind: 'Deployment',
    workloadName: 'api',
    reason: 'FailedScheduling',
    message: '0/3 nodes are available: 3 Insufficient memory.',
    count: 1,
    firstSeen: t,
    lastSeen: t,
    involvedObject: { kind: 'Pod', name: 'api-1', uid: 'p1' },
    ...overrides,
  };
}

describe.each(backends)('findings on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());

  it('upserts by key: counts and times only move forward, replays change nothing', async () => {
    const store = await stores.open();
    const first = await store.findings.upsert(finding());
    expect(first.created).toBe(true);
    expect(first.finding).toMatchObject({
      count: 1,
      firstSeen: t,
      lastSeen: t,
      involvedObject: { kind: 'Pod', name: 'api-1', uid: 'p1' },
    });

    const repeat = await store.findings.upsert(
      finding({
        count: 5,
        lastSeen: t + 5_000,
        message: 'newer',
        involvedObject: { kind: 'Pod', name: 'api-1', n: 5 },
      }),
    );
    expect(repeat).toMatchObject({
      created: false,
      finding: { id: first.finding.id, count: 5, firstSeen: t, lastSeen: t + 5_000, message: 'newer' },
    });
    expect(repeat.finding.involvedObject).toEqual({ kind: 'Pod', name: 'api-1', n: 5 });

    // A relist replays an older copy of the event: nothing goes backwards.
    const replay = await store.findings.upsert(
      finding({ count: 2, firstSeen: t, lastSeen: t + 1_000, message: 'older' }),
    );
    expect(replay.finding).toMatchObject({ count: 5, lastSeen: t + 5_000, message: 'newer' });

    // Concurrent first sightings of another key: exactly one is "created".
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => store.findings.upsert(finding({ key: 'uid-ev-2' }))),
    );
    expect(racing.filter((r) => r.created)).toHaveLength(1);
  });

  it('lists most recently seen first, with filters', async () => {
    const store = await stores.open();
    await store.findings.upsert(finding({ key: 'a', lastSeen: t + 1 }));
    await store.findings.upsert(finding({ key: 'b', reason: 'FailedMount', lastSeen: t + 3 }));
    await store.findings.upsert(
      finding({
        key: 'c',
        namespace: undefined,
        workloadKind: undefined,
        workloadName: undefined,
        reason: 'NodeNotReady',
        lastSeen: t + 2,
      }),
    );
    expect((await store.findings.list()).map((f) => f.key)).toEqual(['b', 'c', 'a']);
    expect((await store.findings.list({ namespace: 'shop' })).map((f) => f.key)).toEqual(['b', 'a']);
    expect((await store.findings.list({ reason: 'NodeNotReady' }))[0]).toMatchObject({
      namespace: null,
      workloadName: null,
    });
    expect((await store.findings.list({ since: t + 2 })).map((f) => f.key)).toEqual(['b', 'c']);
    expect((await store.findings.list({ workload: 'api' }, 1)).map((f) => f.key)).toEqual(['b']);
  });
});

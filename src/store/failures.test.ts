import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { failureKey, type FailureSummary } from './index.ts';
import { backends, sampleFailure, storeOpener } from './test-backends.ts';

describe.each(backends)('failures on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());

  it('records a failure once; the same key again is not new and not an error', async () => {
    const store = await stores.open();
    const f = sampleFailure();
    const first = await store.failures.insertOnce(f);
    const again = await store.failures.insertOnce({
      ...f,
      message: 'a repeated update of the same state',
      detectedAt: f.detectedAt + 1000,
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, id: first.id });
    const stored = await store.failures.get(first.id);
    expect(stored?.message).toBe('killed');
    expect(stored?.key).toBe(failureKey(f));
    // A new restart of the same container is a new failure.
    expect((await store.failures.insertOnce({ ...f, restartCount: 2 })).created).toBe(true);
  });

  it('deduplicates 20 concurrent inserts of one key to exactly one row', async () => {
    const store = await stores.open();
    const f = sampleFailure();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.failures.insertOnce(f)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await store.failures.list({ namespace: f.namespace })).total).toBe(1);
  });

  it('round-trips every captured field, JSON included', async () => {
    const store = await stores.open();
    const f = sampleFailure({
      services: ['api', 'api-headless'],
      events: [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          count: 7,
          lastSeen: 1_700_000_001_000,
        },
      ],
      logs: 'line 1\n\u001b[31merror\u001b[0m 内存不足 "quoted" \\ backslash\n',
      logsTruncated: true,
      logsError: undefined,
      preExisting: true,
      details: { nested: { list: [1, 'two', null, true], empty: {} }, unicode: '容器崩溃 ✓' },
    });
    const { id } = await store.failures.insertOnce(f);
    const got = await store.failures.get(id);
    expect(got).toMatchObject({
      id,
      namespace: 'shop',
      pod: f.pod,
      podUid: f.podUid,
      container: 'api',
      node: 'node-1',
      workloadKind: 'Deployment',
      workloadName: 'api',
      reason: 'OOMKilled',
      exitCode: 137,
      signal: 9,
      restartCount: 1,
      state: 'open',
      preExisting: true,
      detectedAt: f.detectedAt,
      occurredAt: f.occurredAt,
      resolvedAt: null,
      logsTruncated: true,
      logsError: null,
    });
    expect(got?.ownerChain).toEqual(f.ownerChain);
    expect(got?.services).toEqual(f.services);
    expect(got?.events).toEqual(f.events);
    expect(got?.logs).toBe(f.logs);
    expect(got?.details).toEqual(f.details);
    expect(typeof got?.detectedAt).toBe('number');

    // A pod-level failure without container, logs or optional fields.
    const bare = await store.failures.insertOnce(
      sampleFailure({
        container: undefined,
        reason: 'Evicted',
        exitCode: undefined,
        signal: undefined,
        node: undefined,
        message: undefined,
      }),
    );
    expect(await store.failures.get(bare.id)).toMatchObject({
      container: null,
      exitCode: null,
      signal: null,
      node: null,
      logs: null,
      logsTruncated: false,
      preExisting: false,
      services: [],
      events: [],
      details: {},
    });
    expect(await store.failures.get(999_999)).toBeUndefined();
  });

  it('lists newest first with filters and a total', async () => {
    const store = await stores.open();
    const t = 1_800_000_000_000;
    const rows = [
      sampleFailure({ namespace: 'shop', workloadName: 'api', reason: 'OOMKilled', detectedAt: t + 1 }),
      sampleFailure({ namespace: 'shop', workloadName: 'web', reason: 'CrashLoopBackOff', detectedAt: t + 2 }),
      sampleFailure({ namespace: 'pay', workloadName: 'api', reason: 'OOMKilled', detectedAt: t + 3 }),
      sampleFailure({ namespace: 'pay', workloadName: 'ledger', reason: 'ImagePullBackOff', detectedAt: t + 4 }),
      sampleFailure({ namespace: 'shop', workloadName: 'api', reason: 'Error', detectedAt: t + 5 }),
    ];
    for (const r of rows) await store.failures.insertOnce(r);
    const pods = (items: FailureSummary[]) => items.map((i) => i.pod);

    const all = await store.failures.list();
    expect(all.total).toBe(5);
    expect(pods(all.items)).toEqual(rows.map((r) => r.pod).reverse());
    expect(all.nextCursor).toBeUndefined();
    expect(all.items[0]).not.toHaveProperty('logs');

    expect(pods((await store.failures.list({ namespace: 'shop' })).items)).toEqual([
      rows[4]!.pod,
      rows[1]!.pod,
      rows[0]!.pod,
    ]);
    expect(pods((await store.failures.list({ workload: 'api' })).items)).toEqual([
      rows[4]!.pod,
      rows[2]!.pod,
      rows[0]!.pod,
    ]);
    expect(
      pods((await store.failures.list({ namespace: 'shop', workload: 'api', reason: 'OOMKilled' })).items),
    ).toEqual([rows[0]!.pod]);
    expect(pods((await store.failures.list({ since: t + 3 })).items)).toEqual([
      rows[4]!.pod,
      rows[3]!.pod,
      rows[2]!.pod,
    ]);
    expect(pods((await store.failures.list({ since: t + 2, until: t + 4 })).items)).toEqual([
      rows[2]!.pod,
      rows[1]!.pod,
    ]);
    expect((await store.failures.list({ reason: 'Nope' })).total).toBe(0);

    expect(
      await store.failures.resolveWorkload({
        cluster: 'default',
        namespace: 'shop',
        workloadKind: 'Deployment',
        workloadName: 'api',
        at: t + 10,
      }),
    ).toBe(2);
    const open = await store.failures.list({ state: 'open' });
    expect(open.total).toBe(3);
    const resolved = await store.failures.list({ state: 'resolved' });
    expect(pods(resolved.items)).toEqual([rows[4]!.pod, rows[0]!.pod]);
    expect(resolved.items.every((i) => i.resolvedAt === t + 10)).toBe(true);
    // Already resolved ones are not touched again.
    expect(
      await store.failures.resolveWorkload({
        cluster: 'default',
        namespace: 'shop',
        workloadKind: 'Deployment',
        workloadName: 'api',
        at: t + 20,
      }),
    ).toBe(0);
  });

  it('pages by cursor and by offset in a stable order, ties broken by id', async () => {
    const store = await stores.open();
    const t = 1_900_000_000_000;
    // 23 failures over 5 distinct times: many share a detected_at.
    for (let i = 0; i < 23; i++)
      await store.failures.insertOnce(sampleFailure({ namespace: 'paged', detectedAt: t + (i % 5) }));
    const full = (await store.failures.list({ namespace: 'paged' }, { limit: 500 })).items;
    expect(full).toHaveLength(23);
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1]!, full[i]!];
      expect(a.detectedAt > b.detectedAt || (a.detectedAt === b.detectedAt && a.id > b.id)).toBe(true);
    }

    const byCursor: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.failures.list({ namespace: 'paged' }, { limit: 5, cursor });
      expect(page.total).toBe(23);
      byCursor.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(byCursor).toEqual(full.map((i) => i.id));

    const byOffset: number[] = [];
    for (let offset = 0; offset < 23; offset += 5) {
      byOffset.push(
        ...(await store.failures.list({ namespace: 'paged' }, { limit: 5, offset })).items.map((i) => i.id),
      );
    }
    expect(byOffset).toEqual(full.map((i) => i.id));
    await expect(store.failures.list({}, { cursor: 'not-a-cursor' })).rejects.toThrow(/invalid failures cursor/);
  });
});

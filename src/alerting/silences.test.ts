import { afterEach, describe, expect, it } from 'vitest';
import { parseAlertingConfig } from './config.ts';
import { Silences, SILENCES_META_KEY } from './silences.ts';
import { tempStore } from './test-support.ts';
import type { AlertFacts } from './router.ts';

const facts = (over: Partial<AlertFacts> = {}): AlertFacts => ({
  cluster: 'prod',
  namespace: 'shop',
  workloadKind: 'Deployment',
  workloadName: 'api',
  reason: 'OOMKilled',
  severity: 'critical',
  ...over,
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('silences', () => {
  it('applies config silences until they expire', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const cfg = parseAlertingConfig({
      silences: [{ matchers: { workloads: ['shop/api'] }, expiresAt: '2030-01-01T00:00:00Z' }],
    });
    const s = new Silences({ meta: t.store.meta, config: cfg.silences });
    expect(s.silencing(facts(), Date.parse('2029-12-31T23:59:59Z'))?.id).toBe('config-0');
    expect(s.silencing(facts(), Date.parse('2030-01-01T00:00:00Z'))).toBeUndefined();
    expect(s.silencing(facts({ workloadName: 'web' }), 0)).toBeUndefined();
  });

  it('creates runtime silences that survive a restart, applying them as of detection time', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    let now = 1_000_000;
    const s = new Silences({ meta: t.store.meta, config: [], now: () => now });
    const created = await s.add({
      matchers: { reasons: ['OOM*'], severity: 'critical' },
      durationMs: 60_000,
      comment: 'known leak',
      createdBy: 'ops',
    });
    expect(created).toMatchObject({
      source: 'runtime',
      createdAt: 1_000_000,
      expiresAt: 1_060_000,
      comment: 'known leak',
    });
    expect(s.silencing(facts(), now + 1)?.id).toBe(created.id);
    expect(s.silencing(facts(), now - 1)).toBeUndefined(); // detected before the silence existed
    expect(s.silencing(facts({ severity: 'warning' }), now + 1)).toBeUndefined();

    const again = new Silences({ meta: (await t.reopen()).meta, config: [], now: () => now });
    await again.load();
    expect(again.list().map((x) => x.id)).toEqual([created.id]);
    now += 10_000;
    expect(await again.expire(created.id)).toBe(true);
    expect(again.list()).toEqual([]);
    expect(again.list({ includeExpired: true })).toHaveLength(1);
    expect(again.silencing(facts(), now - 5_000)?.id).toBe(created.id); // still covers what it covered
    expect(again.silencing(facts(), now + 1)).toBeUndefined();
    expect(await again.expire(created.id)).toBe(false);
  });

  it('rejects bad input and survives a corrupt stored list', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const s = new Silences({ meta: t.store.meta, config: [] });
    await expect(s.add({ matchers: {}, durationMs: 1000 })).rejects.toThrow(/at least one matcher/);
    await expect(s.add({ matchers: { namespaces: ['x'] } })).rejects.toThrow(/exactly one of expiresAt and durationMs/);
    await expect(s.add({ matchers: { namespaces: ['x'] }, expiresAt: 1 })).rejects.toThrow(/in the future/);
    await t.store.meta.set(SILENCES_META_KEY, '{not json');
    await s.load();
    expect(s.list()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay } from './outbox-worker.ts';
import { RateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  it('allows N per window from the first send, then holds back until the window ends', () => {
    const l = new RateLimiter({
      default: { messages: 3, per: 60_000 },
      channels: { slow: { messages: 1, per: 10_000 } },
    });
    const t0 = 1_000_000;
    expect([0, 1, 2].map((i) => l.take('ops', t0 + i).allowed)).toEqual([true, true, true]);
    expect(l.take('ops', t0 + 10)).toEqual({
      allowed: false,
      windowEnd: t0 + 60_000,
      rate: { messages: 3, per: 60_000 },
    });
    expect(l.take('slow', t0).allowed).toBe(true); // channels are independent, with their own rate
    expect(l.take('slow', t0 + 1)).toMatchObject({ allowed: false, windowEnd: t0 + 10_000 });
    expect(l.take('ops', t0 + 60_000).allowed).toBe(true); // a new window
  });

  it('counts unlimited sends against the budget and keeps one summary per window', () => {
    const l = new RateLimiter({ default: { messages: 2, per: 1000 }, channels: {} });
    l.note('ops', 0);
    expect(l.take('ops', 1).allowed).toBe(true);
    expect(l.take('ops', 2).allowed).toBe(false);
    const env = {
      v: 1 as const,
      message: {
        kind: 'summary' as const,
        title: 's',
        severity: 'info' as const,
        cluster: 'c',
        pods: [],
        count: 1,
        logLines: [],
        lang: 'en' as const,
      },
      failureIds: [],
      errors: [],
    };
    l.setSummary('ops', 2, { id: 7, env });
    expect(l.summary('ops', 999)?.id).toBe(7);
    expect(l.summary('ops', 1000)).toBeUndefined(); // the window ended: its summary is no longer open
  });
});

describe('back-off', () => {
  const b = { initialMs: 5_000, maxMs: 600_000, maxAttempts: 15 };
  it('doubles from the initial delay up to the cap, honouring a longer Retry-After', () => {
    expect([1, 2, 3, 4, 8, 9, 20].map((a) => backoffDelay(b, a))).toEqual([
      5_000, 10_000, 20_000, 40_000, 600_000, 600_000, 600_000,
    ]);
    expect(backoffDelay(b, 1, 30_000)).toBe(30_000);
    expect(backoffDelay(b, 3, 1_000)).toBe(20_000);
    expect(backoffDelay(b, 1, 3_600_000)).toBe(600_000);
  });
});

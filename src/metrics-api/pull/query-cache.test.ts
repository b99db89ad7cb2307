import { describe, expect, it } from 'vitest';
import { QueryCache } from './query-cache.ts';

describe('QueryCache', () => {
  it('shares one in-flight load, reuses the answer for the TTL, refreshes ahead, never serves past the TTL', async () => {
    let now = 0;
    let loads = 0;
    const cache = new QueryCache<number>(1000, 10, () => now, 250);
    const load = async (): Promise<number> => ++loads;
    expect(await Promise.all([cache.get('q', load), cache.get('q', load)])).toEqual([1, 1]);
    now = 500;
    expect(await cache.get('q', load)).toBe(1);
    expect(loads).toBe(1);
    // In the last 250 ms: still the current answer, the next one loads in the background.
    now = 800;
    expect(await cache.get('q', load)).toBe(1);
    await Promise.resolve();
    expect(loads).toBe(2);
    expect(await cache.get('q', load)).toBe(2);
    // Nobody asks before it expires: the next request waits for a new load.
    now = 5000;
    expect(await cache.get('q', load)).toBe(3);
    expect(cache).toMatchObject({ misses: 2, refreshes: 1 });
  });

  it('does not keep failures; a failed refresh leaves the answer to expire', async () => {
    let now = 0;
    let fail = true;
    const cache = new QueryCache<string>(1000, 10, () => now, 250);
    const load = async (): Promise<string> => {
      if (fail) throw new Error('down');
      return 'ok';
    };
    await expect(cache.get('q', load)).rejects.toThrow('down');
    fail = false;
    expect(await cache.get('q', load)).toBe('ok');
    fail = true;
    now = 900;
    expect(await cache.get('q', load)).toBe('ok');
    await new Promise((r) => setTimeout(r, 0));
    now = 1100;
    await expect(cache.get('q', load)).rejects.toThrow('down');
  });

  it('is bounded', async () => {
    const cache = new QueryCache<number>(1000, 3);
    for (let i = 0; i < 10; i++) await cache.get(`q${i}`, async () => i);
    expect(cache.size).toBeLessThanOrEqual(3);
  });
});

import { describe, expect, it } from 'vitest';
import { MetricStore, SeriesLimitError, type SeriesId } from './store.ts';

const pod = (name: string, metric = 'qps', labels: Record<string, string> = {}): SeriesId => ({
  group: 'custom',
  namespace: 'default',
  resource: 'pods',
  name,
  metric,
  labels,
});

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('MetricStore', () => {
  it('serves a value until its TTL ends, and never after', () => {
    const c = clock();
    const s = new MetricStore({ now: c.now });
    s.put(pod('a'), { value: 12.5, timestampMs: c.now() }, 1000);
    expect(s.live('custom', 'default', 'pods', 'qps', 'a').map((x) => x.value)).toEqual([12.5]);
    c.advance(999);
    expect(s.live('custom', 'default', 'pods', 'qps', 'a')).toHaveLength(1);
    c.advance(1);
    expect(s.live('custom', 'default', 'pods', 'qps', 'a')).toEqual([]);
    expect(s.liveFor('custom', 'default', 'pods', 'qps', ['a'])).toEqual([]);
    // Still known (discovery) until swept after the retention.
    expect(s.knows('custom', 'pods', 'qps')).toBe(true);
  });

  it('overwrites a series in place and renews its TTL', () => {
    const c = clock();
    const s = new MetricStore({ now: c.now });
    s.put(pod('a'), { value: 1, timestampMs: c.now() }, 1000);
    c.advance(900);
    s.put(pod('a'), { value: 2, timestampMs: c.now() }, 1000);
    c.advance(900);
    expect(s.size).toBe(1);
    expect(s.live('custom', 'default', 'pods', 'qps').map((x) => x.value)).toEqual([2]);
  });

  it('keeps label sets apart and looks objects up by name', () => {
    const s = new MetricStore();
    s.put(pod('a', 'qps', { code: '200' }), { value: 1, timestampMs: 0 }, 60_000);
    s.put(pod('a', 'qps', { code: '500' }), { value: 2, timestampMs: 0 }, 60_000);
    s.put(pod('b'), { value: 3, timestampMs: 0 }, 60_000);
    expect(s.size).toBe(3);
    expect(
      s
        .liveFor('custom', 'default', 'pods', 'qps', ['a', 'zzz'])
        .map((x) => x.value)
        .sort(),
    ).toEqual([1, 2]);
    expect(s.live('custom', 'other', 'pods', 'qps')).toEqual([]);
    expect(s.knownMetrics('custom')).toEqual([{ group: 'custom', resource: 'pods', metric: 'qps', namespaced: true }]);
  });

  it('refuses new series past maxSeries, but updates existing ones and reuses expired slots', () => {
    const c = clock();
    const s = new MetricStore({ maxSeries: 2, now: c.now });
    s.put(pod('a'), { value: 1, timestampMs: 0 }, 1000);
    s.put(pod('b'), { value: 1, timestampMs: 0 }, 5000);
    expect(() => s.put(pod('c'), { value: 1, timestampMs: 0 }, 1000)).toThrow(SeriesLimitError);
    expect(() => s.put(pod('c'), { value: 1, timestampMs: 0 }, 1000)).toThrow(/series limit reached: 2 series/);
    s.put(pod('a'), { value: 5, timestampMs: 0 }, 1000);
    c.advance(1000);
    // a expired: its slot goes to the new series.
    s.put(pod('c'), { value: 1, timestampMs: 0 }, 1000);
    expect(s.size).toBe(2);
    expect(
      s
        .live('custom', 'default', 'pods', 'qps')
        .map((x) => x.id.name)
        .sort(),
    ).toEqual(['b', 'c']);
  });

  it('sweeps series expired longer than the retention, and forgets their metrics', () => {
    const c = clock();
    const s = new MetricStore({ retainExpiredMs: 10_000, now: c.now });
    s.put(
      { group: 'external', namespace: 'ns', resource: '', name: '', metric: 'depth', labels: { q: '1' } },
      { value: 1, timestampMs: 0 },
      1000,
    );
    c.advance(5000);
    expect(s.sweep()).toBe(0);
    expect(s.knownMetrics('external').map((k) => k.metric)).toEqual(['depth']);
    c.advance(6000);
    expect(s.sweep()).toBe(1);
    expect(s.size).toBe(0);
    expect(s.knownMetrics('external')).toEqual([]);
  });

  it('validates its bounds', () => {
    expect(() => new MetricStore({ maxSeries: 0 })).toThrow(RangeError);
    expect(() => new MetricStore().put(pod('a'), { value: 1, timestampMs: 0 }, 0)).toThrow(RangeError);
  });
});

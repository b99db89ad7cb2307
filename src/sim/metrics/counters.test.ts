import { describe, expect, it } from 'vitest';
import { CounterBook, steadyCumulative } from './counters.ts';

describe('cumulative counters', () => {
  it('starts a new key at rate x uptime, then integrates the rate with the trapezoid rule', () => {
    const book = new CounterBook();
    expect(book.total('a', 0, 2, 10_000)).toBe(20);
    expect(book.total('a', 0, 4, 12_000)).toBe(26); // + (2 + 4) / 2 x 2 s
    expect(book.total('a', 0, 0, 14_000)).toBe(30); // + (4 + 0) / 2 x 2 s
    expect(book.total('a', 0, 0, 20_000)).toBe(30);
  });

  it('never decreases: negative or invalid rates count as 0 and time going back adds nothing', () => {
    const book = new CounterBook();
    let last = 0;
    const reads: [number, number][] = [
      [5_000, 1],
      [6_000, -3],
      [5_500, 10],
      [7_000, NaN],
      [9_000, 0.5],
    ];
    for (const [t, rate] of reads) {
      const v = book.total('k', 0, rate, t);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
  });

  it('a new key (a restarted container) starts over; unread keys are forgotten after the ttl', () => {
    const book = new CounterBook(60_000);
    expect(book.total('run-1', 0, 1, 100_000)).toBe(100);
    expect(book.total('run-2', 90_000, 1, 100_000)).toBe(10);
    book.sweep(200_000);
    expect(book.size).toBe(0);
  });

  it('steadyCumulative is rate x uptime', () => {
    expect(steadyCumulative(new Date(10_000)).total('x', 4_000, 3)).toBe(18);
  });
});

import { describe, expect, it } from 'vitest';
import { cutLine, LOG_LIMITS, LogCollector } from './logs.ts';

describe('LogCollector', () => {
  it('keeps lines under the caps untouched, with no marker', () => {
    const logs = new LogCollector();
    expect(logs.add('info', 'a', 1)).toEqual({ level: 'info', message: 'a', at: 1 });
    logs.add('error', 'b', 2);
    expect(logs.lines()).toEqual([
      { level: 'info', message: 'a', at: 1 },
      { level: 'error', message: 'b', at: 2 },
    ]);
    expect(logs.truncated).toBe(false);
  });

  it('stops at 1,000 lines and ends with the marker, 1,000 lines in all', () => {
    const logs = new LogCollector();
    for (let i = 0; i < 1500; i++) logs.add('info', `line ${i}`);
    const lines = logs.lines();
    expect(lines).toHaveLength(LOG_LIMITS.lines);
    expect(lines[998]?.message).toBe('line 998');
    expect(lines[999]).toMatchObject({ level: 'warn', message: expect.stringMatching(/^\[log truncated/) });
  });

  it('stops at 256 KiB and keeps the total under it with the marker', () => {
    const logs = new LogCollector();
    const line = 'x'.repeat(10_000);
    for (let i = 0; i < 100; i++) logs.add('info', line);
    const lines = logs.lines();
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.message), 0);
    expect(bytes).toBeLessThanOrEqual(LOG_LIMITS.bytes);
    expect(lines.length).toBeLessThan(30);
    expect(lines.at(-1)?.message).toMatch(/^\[log truncated/);
  });

  it('cuts one huge line instead of spending the whole budget on it', () => {
    const cut = cutLine('é'.repeat(100_000));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(LOG_LIMITS.lineBytes);
    expect(cut).toMatch(/\[line cut at 16 KiB\]$/);
    expect(cutLine('short')).toBe('short');
  });

  it('adds the marker when told the worker dropped lines', () => {
    const logs = new LogCollector();
    logs.add('info', 'kept');
    logs.markTruncated();
    expect(logs.add('info', 'late')).toBeUndefined();
    expect(logs.lines().map((l) => l.message)).toEqual(['kept', expect.stringMatching(/^\[log truncated/)]);
  });
});

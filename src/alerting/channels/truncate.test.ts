import { describe, expect, it } from 'vitest';
import { keepLatestLines, truncateChars, truncateUtf8, utf8Bytes } from './truncate.ts';

describe('truncateUtf8', () => {
  const text = '内存溢出🚨a é 重试'.repeat(20); // 1-, 2-, 3- and 4-byte characters

  it('never exceeds the limit nor splits a character, at every cut point', () => {
    const marker = '…（已截断）';
    for (let max = utf8Bytes(marker); max < utf8Bytes(text); max++) {
      const out = truncateUtf8(text, max, marker);
      expect(utf8Bytes(out)).toBeLessThanOrEqual(max);
      expect(out.endsWith(marker)).toBe(true);
      expect(out).not.toContain('\ufffd');
      expect(text.startsWith(out.slice(0, -marker.length))).toBe(true);
      // Nothing was thrown away that would have fitted: the next character would overflow.
      const kept = out.slice(0, -marker.length);
      const next = String.fromCodePoint(text.codePointAt(kept.length) ?? 0);
      expect(utf8Bytes(kept) + utf8Bytes(next) + utf8Bytes(marker)).toBeGreaterThan(max);
    }
  });

  it('leaves fitting text alone', () => {
    expect(truncateUtf8(text, utf8Bytes(text), '!')).toBe(text);
  });
});

describe('truncateChars', () => {
  it('does not end on half of a surrogate pair', () => {
    const s = 'ab🚨cd';
    expect(truncateChars(s, 4, '…')).toBe('ab…');
    expect(truncateChars(s, 5, '…')).toBe('ab🚨…');
    expect(truncateChars(s, 6, '…')).toBe(s);
  });
});

describe('keepLatestLines', () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);

  it('keeps the newest lines that fit', () => {
    const { kept, omitted } = keepLatestLines(lines, (k) => k.join('\n').length <= 50);
    expect(kept.at(-1)).toBe('line 99');
    expect(kept.length + omitted).toBe(100);
    expect(kept.join('\n').length).toBeLessThanOrEqual(50);
    expect(['line 93', ...kept].join('\n').length).toBeGreaterThan(50);
  });

  it('keeps everything or nothing at the extremes', () => {
    expect(keepLatestLines(lines, () => true)).toEqual({ kept: lines, omitted: 0 });
    expect(keepLatestLines(lines, () => false)).toEqual({ kept: [], omitted: 100 });
  });
});

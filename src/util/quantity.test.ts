import { describe, expect, it } from 'vitest';
import { cpuMillis, formatQuantity, parseQuantity } from './quantity.ts';

describe('quantities', () => {
  it('parses the suffixes Kubernetes accepts', () => {
    expect(cpuMillis('100m')).toBe(100);
    expect(cpuMillis('1.5')).toBe(1500);
    expect(parseQuantity('64Mi')).toBe(64 * 1024 * 1024);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('12e6')).toBe(12e6);
    expect(parseQuantity('abc')).toBeUndefined();
    expect(parseQuantity('1.2.3')).toBeUndefined();
  });

  it('prints canonical forms', () => {
    expect(formatQuantity(1.5)).toBe('1500m');
    expect(formatQuantity(30)).toBe('30');
    expect(formatQuantity(2000)).toBe('2k');
    expect(formatQuantity(64 * 1024 * 1024, true)).toBe('64Mi');
  });
});

import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../util/quantity.ts';
import { formatMetricQuantity, MAX_METRIC_VALUE } from './quantity.ts';

describe('formatMetricQuantity', () => {
  it('prints canonical DecimalSI quantities', () => {
    expect(formatMetricQuantity(1.5)).toBe('1500m');
    expect(formatMetricQuantity(30)).toBe('30');
    expect(formatMetricQuantity(2000)).toBe('2k');
    expect(formatMetricQuantity(12.5)).toBe('12500m');
    expect(formatMetricQuantity(1500)).toBe('1500');
    expect(formatMetricQuantity(1.5e6)).toBe('1500k');
    expect(formatMetricQuantity(3e9)).toBe('3G');
    expect(formatMetricQuantity(0)).toBe('0');
    expect(formatMetricQuantity(-0)).toBe('0');
    expect(formatMetricQuantity(-1.5)).toBe('-1500m');
    expect(formatMetricQuantity(0.25)).toBe('250m');
    expect(formatMetricQuantity(0.0005)).toBe('500u');
    expect(formatMetricQuantity(1e-9)).toBe('1n');
    expect(formatMetricQuantity(1.0000001)).toBe('1000000100n');
  });

  it('rounds float noise to the nearest nano-unit', () => {
    expect(formatMetricQuantity(0.1 + 0.2)).toBe('300m');
    expect(formatMetricQuantity(4e-10)).toBe('0');
    expect(formatMetricQuantity(6e-10)).toBe('1n');
  });

  it('refuses what a Quantity the HPA reads cannot hold', () => {
    expect(() => formatMetricQuantity(Number.NaN)).toThrow(RangeError);
    expect(() => formatMetricQuantity(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => formatMetricQuantity(MAX_METRIC_VALUE * 2)).toThrow(RangeError);
  });

  it('round-trips through the repository quantity parser', () => {
    for (const v of [0, 1, 12.5, 30, 1500, 2000, 0.001, 0.123456789, 98765.4321, 1e12, 123456789012, -42.125, 7e15]) {
      const parsed = parseQuantity(formatMetricQuantity(v));
      expect(parsed).toBeDefined();
      expect(Math.abs((parsed as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-12 + 1e-9);
    }
  });

  it('agrees with an exact BigInt computation on 20,000 random values', () => {
    const reference = (value: number): string => {
      const [int = '0', frac = ''] = Math.abs(value).toFixed(9).split('.');
      const abs = BigInt(int) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
      if (abs === 0n) return '0';
      for (const [zeros, suffix] of [
        [27, 'E'],
        [24, 'P'],
        [21, 'T'],
        [18, 'G'],
        [15, 'M'],
        [12, 'k'],
        [9, ''],
        [6, 'm'],
        [3, 'u'],
        [0, 'n'],
      ] as const) {
        const f = 10n ** BigInt(zeros);
        if (abs % f === 0n) return `${value < 0 ? '-' : ''}${abs / f}${suffix}`;
      }
      return `${abs}n`;
    };
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** Math.floor(random() * 24 - 9);
      const v = (random() - 0.3) * magnitude;
      const rounded = i % 3 === 0 ? Math.round(v * 1000) / 1000 : v;
      if (Math.abs(rounded) > MAX_METRIC_VALUE) continue;
      expect(formatMetricQuantity(rounded)).toBe(reference(rounded));
    }
  });
});

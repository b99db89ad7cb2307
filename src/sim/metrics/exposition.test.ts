import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, formatValue, renderFamilies, sortLikeClientGolang } from './exposition.ts';

describe('exposition format', () => {
  it('writes values as Go strconv.FormatFloat(v, "g", -1, 64)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [-1, '-1'],
      [0.25, '0.25'],
      [0.1, '0.1'],
      [120, '120'],
      [179.8, '179.8'],
      [100000, '100000'],
      [999999, '999999'],
      [1e6, '1e+06'],
      [268435456, '2.68435456e+08'],
      [1.5e9, '1.5e+09'],
      [1714558500.123, '1.714558500123e+09'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.25e-7, '1.25e-07'],
      [-2.5e10, '-2.5e+10'],
      [1e21, '1e+21'],
      [1e100, '1e+100'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, s] of cases) expect(formatValue(v), String(v)).toBe(s);
  });

  it('escapes label values and HELP text as the text format requires', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
  });

  it('renders HELP, TYPE and samples; empty families only when asked', () => {
    const families = [
      {
        name: 'x_total',
        help: 'X.',
        type: 'counter' as const,
        samples: [
          {
            labels: [
              ['b', '2'],
              ['a', 'q"'],
            ] as const,
            value: 3,
            timestampMs: 1000,
          },
        ],
      },
      { name: 'y', help: 'Y.', type: 'gauge' as const, samples: [] },
      { name: 'z', help: 'Z.', type: 'gauge' as const, samples: [{ labels: [], value: 0.5 }] },
    ];
    expect(renderFamilies(families)).toBe(
      '# HELP x_total X.\n# TYPE x_total counter\nx_total{b="2",a="q\\""} 3 1000\n# HELP z Z.\n# TYPE z gauge\nz 0.5\n',
    );
    expect(renderFamilies(families, { emitEmpty: true })).toContain('# HELP y Y.\n# TYPE y gauge\n# HELP z');
    expect(renderFamilies([])).toBe('');
  });

  it('sorts like client_golang: label names, then samples by label values', () => {
    const f = sortLikeClientGolang({
      name: 'm',
      help: '',
      type: 'gauge',
      samples: [
        {
          labels: [
            ['pod', 'b'],
            ['container', 'x'],
          ],
          value: 1,
        },
        {
          labels: [
            ['pod', 'a'],
            ['container', 'x'],
          ],
          value: 2,
        },
        {
          labels: [
            ['pod', 'z'],
            ['container', ''],
          ],
          value: 3,
        },
      ],
    });
    expect(f.samples.map((s) => s.labels.map(([k, v]) => `${k}=${v}`).join(','))).toEqual([
      'container=,pod=z',
      'container=x,pod=a',
      'container=x,pod=b',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { findSamples, parseExposition } from './text-parse.ts';

describe('exposition text checker', () => {
  it('reads families, escaped label values, special values and timestamps', () => {
    const fams = parseExposition(
      [
        '# HELP a_total Some \\\\ help\\n.',
        '# TYPE a_total counter',
        'a_total{x="q\\"\\\\\\n",y=""} 1.5e+06 1714558500000',
        '# an ordinary comment',
        'b NaN',
        'c{z="1",} +Inf',
        '',
      ].join('\n'),
    );
    expect(fams.map((f) => f.name)).toEqual(['a_total', 'b', 'c']);
    expect(fams[0]?.help).toBe('Some \\ help\n.');
    expect(findSamples(fams, 'a_total')[0]).toEqual({
      name: 'a_total',
      labels: { x: 'q"\\\n', y: '' },
      value: 1.5e6,
      timestampMs: 1714558500000,
    });
    expect(findSamples(fams, 'c')[0]?.value).toBe(Infinity);
  });

  it.each([
    ['no final line feed', 'a 1'],
    ['bad metric name', '1a 1\n'],
    ['bad label name', 'a{1x="1"} 1\n'],
    ['unquoted label value', 'a{x=1} 1\n'],
    ['bad escape', 'a{x="\\t"} 1\n'],
    ['unterminated value', 'a{x="1} 1\n'],
    ['duplicate label', 'a{x="1",x="2"} 1\n'],
    ['bad value', 'a 1,5\n'],
    ['bad timestamp', 'a 1 1.5\n'],
    ['second TYPE', '# TYPE a gauge\n# TYPE a gauge\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['unknown type', '# TYPE a thing\n'],
    ['duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['split family', 'a 1\nb 1\na{x="1"} 1\n'],
    ['counter without _total', '# TYPE a counter\na 1\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { storableAlert, storableText } from './well-formed.ts';

describe('storable alert text', () => {
  it('replaces lone surrogates and NUL with U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('a\ud800b')).toBe('a\ufffdb');
    expect(storableText('\udc00x\ud83d')).toBe('\ufffdx\ufffd');
    expect(storableText('nul\u0000here')).toBe('nul\ufffdhere');
    expect(storableText('rocket 🚀 中文')).toBe('rocket 🚀 中文');
  });

  it('applies to id, title, label and annotation names and values, and raw', () => {
    const a: Alert = {
      source: 'generic',
      id: 'x\ud800',
      status: 'firing',
      severity: 'warning',
      title: 't\u0000',
      labels: { 'k\ud800': 'v\u0000' },
      annotations: { s: '\udfff' },
      raw: { id: 'x\ud800' },
    };
    expect(storableAlert(a)).toEqual({
      ...a,
      id: 'x\ufffd',
      title: 't\ufffd',
      labels: { 'k\ufffd': 'v\ufffd' },
      annotations: { s: '\ufffd' },
      raw: { id: 'x\ufffd' },
    });
  });

  it('refuses nesting deeper than a walk can go with a parse error, not a crash', () => {
    let raw: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) raw = [raw];
    const a = {
      source: 'generic',
      id: 'x',
      status: 'firing',
      severity: 'warning',
      title: 't',
      labels: {},
      annotations: {},
      raw,
    } as unknown as Alert;
    expect(() => storableAlert(a)).toThrow(/nested too deeply/);
  });
});

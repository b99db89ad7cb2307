import { describe, expect, it } from 'vitest';
import { labelSeverity, rfc3339Ms } from './common.ts';
import { formatPath } from './zod-path.ts';

describe('rfc3339Ms', () => {
  it('reads Go-formatted times down to the millisecond', () => {
    expect(rfc3339Ms('2024-05-14T08:12:30Z')).toBe(Date.UTC(2024, 4, 14, 8, 12, 30));
    expect(rfc3339Ms('2024-05-14T10:12:30.123456789+02:00')).toBe(Date.UTC(2024, 4, 14, 8, 12, 30, 123));
    expect(rfc3339Ms('2024-05-13T23:42:30.5-08:30')).toBe(Date.UTC(2024, 4, 14, 8, 12, 30, 500));
    expect(rfc3339Ms('2024-02-29t00:00:00z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('treats Go zero time and other pre-1970 years as unset', () => {
    expect(rfc3339Ms('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(rfc3339Ms('1969-12-31T23:59:59Z')).toBeUndefined();
  });

  it('rejects what is not a valid time', () => {
    for (const text of [
      '',
      'yesterday',
      '2024-05-14',
      '2024-05-14T08:12:30',
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-05-14T24:00:00Z',
      '1715674350123',
    ]) {
      expect(rfc3339Ms(text)).toBeNull();
    }
  });
});

describe('labelSeverity', () => {
  it('maps the usual words and defaults to warning', () => {
    expect([' CRITICAL ', 'page', 'error', 'warning', 'info', 'minor', '', undefined].map(labelSeverity)).toEqual([
      'critical',
      'critical',
      'error',
      'warning',
      'info',
      'warning',
      'warning',
      'warning',
    ]);
  });
});

describe('formatPath', () => {
  it('dots names, brackets indexes and quotes other keys', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['alerts', 0, 'labels', 'severity'])).toBe('alerts[0].labels.severity');
    expect(formatPath(['labels', 'app.kubernetes.io/name'])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatPath(['df_dimension_tags'])).toBe('df_dimension_tags');
  });
});

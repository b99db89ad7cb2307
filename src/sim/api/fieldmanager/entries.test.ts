import { describe, expect, it } from 'vitest';
import { decodeEntries, isReset, sortEntries, type ManagedEntry } from './entries.ts';

const entry = (over: Record<string, unknown>): Record<string, unknown> => ({
  manager: 'm',
  operation: 'Update',
  apiVersion: 'v1',
  time: '2026-01-01T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:data': {} },
  ...over,
});

describe('managedFields entries from a client', () => {
  it('decodes valid entries', () => {
    expect(
      decodeEntries([entry({ fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {} } } } } })]),
    ).toHaveLength(1);
  });

  it('refuses unusable ones, so the live entries are kept (no write fails on them)', () => {
    for (const bad of [
      [entry({ operation: 'Bogus' })],
      [entry({ fieldsType: 'FieldsV2' })],
      [entry({ fieldsV1: { 'k:not json': {} } })],
      [entry({ fieldsV1: { 'k:[1]': {} } })],
      [entry({ fieldsV1: { 'i:x': {} } })],
      [entry({ fieldsV1: { 'q:what': {} } })],
      [entry({ fieldsV1: { 'f:a': 'leaf' } })],
      [entry({ manager: 7 })],
      ['not an object'],
      [],
      'not a list',
    ]) {
      expect(decodeEntries(bad)).toBeUndefined();
    }
  });

  it('knows the reset form [{}]', () => {
    expect(isReset([{}])).toBe(true);
    expect(isReset([])).toBe(false);
    expect(isReset([entry({})])).toBe(false);
  });

  it('orders Apply before Update, then by time, manager and version', () => {
    const e = (manager: string, operation: 'Apply' | 'Update', time: string): ManagedEntry => ({
      manager,
      operation,
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    });
    const sorted = sortEntries([
      e('b', 'Update', '2'),
      e('a', 'Update', '2'),
      e('z', 'Update', '1'),
      e('c', 'Apply', '3'),
    ]);
    expect(sorted.map((x) => x.manager)).toEqual(['c', 'z', 'a', 'b']);
  });
});

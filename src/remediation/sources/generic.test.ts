import { describe, expect, it } from 'vitest';
import { AlertParseError, type Alert } from '../alert.ts';
import { parseGeneric } from './generic.ts';

// What a CI job or a curl one-liner would post.
const body = {
  id: 'queue-backlog-2024-05-01',
  status: 'firing',
  severity: 'critical',
  labels: { alertname: 'QueueBacklog', namespace: 'shop', deployment: 'worker', depth: 10250, paused: false },
  annotations: { runbook: 'https://runbooks.example.org/queue-backlog' },
  title: 'Queue backlog over 10k',
  startsAt: '2024-05-01T12:00:00Z',
  endsAt: 1714568400000,
  team: 'payments',
};

function parseError(b: unknown): AlertParseError {
  try {
    parseGeneric(b);
  } catch (err) {
    if (err instanceof AlertParseError) return err;
    throw err;
  }
  throw new Error('expected an AlertParseError');
}

describe('generic parser', () => {
  it('parses a full body', () => {
    const expected: Alert = {
      source: 'generic',
      id: 'queue-backlog-2024-05-01',
      status: 'firing',
      severity: 'critical',
      labels: { alertname: 'QueueBacklog', namespace: 'shop', deployment: 'worker', depth: '10250', paused: 'false' },
      annotations: { runbook: 'https://runbooks.example.org/queue-backlog' },
      title: 'Queue backlog over 10k',
      startsAt: 1714564800000,
      endsAt: 1714568400000,
      raw: body,
    };
    expect(parseGeneric(body)).toEqual([expected]);
  });

  it('fills the defaults', () => {
    const [a] = parseGeneric({ labels: { namespace: 'shop', deployment: 'worker' } });
    expect(a).toEqual({
      source: 'generic',
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      status: 'firing',
      severity: 'warning',
      labels: { namespace: 'shop', deployment: 'worker' },
      annotations: {},
      title: 'alert',
      raw: { labels: { namespace: 'shop', deployment: 'worker' } },
    });
    expect(a).not.toHaveProperty('startsAt');
    expect(parseGeneric({ labels: { alertname: 'DiskFull' } })[0]?.title).toBe('DiskFull');
  });

  it('derives a stable id from the labels and startsAt', () => {
    const idOf = (b: unknown) => parseGeneric(b)[0]?.id;
    const a = idOf({ labels: { b: '2', a: 1 }, startsAt: '2024-05-01T12:00:00Z' });
    // Same labels in another order, numbers as text, the same instant written as epoch ms: a duplicate.
    expect(idOf({ labels: { a: '1', b: 2 }, startsAt: 1714564800000, title: 'again' })).toBe(a);
    expect(idOf({ labels: { a: '1', b: '2' }, startsAt: '2024-05-01T12:05:00Z' })).not.toBe(a);
    expect(idOf({ labels: { a: '1', b: '3' }, startsAt: '2024-05-01T12:00:00Z' })).not.toBe(a);
    // The resolved notice of the same alert is not swallowed as a duplicate of the firing one.
    expect(idOf({ labels: { a: 1, b: 2 }, startsAt: '2024-05-01T12:00:00Z', status: 'resolved' })).toBe(
      `${a}/resolved`,
    );
  });

  it('names the failing field', () => {
    expect(parseError({ labels: {} })).toMatchObject({ path: 'labels', reason: 'expected at least one label' });
    expect(parseError({})).toMatchObject({ path: 'labels', reason: 'is required (expected record)' });
    expect(parseError({ labels: { ns: { x: 1 } } }).path).toBe('labels.ns');
    expect(parseError({ labels: { a: 'b' }, severity: 'fatal' })).toMatchObject({
      path: 'severity',
      reason: 'expected one of critical, error, warning, info, got "fatal"',
    });
    expect(parseError({ labels: { a: 'b' }, status: 'open' }).path).toBe('status');
    expect(parseError({ labels: { a: 'b' }, annotations: { n: 1 } }).path).toBe('annotations.n');
    expect(parseError({ labels: { a: 'b' }, startsAt: 'noon' }).path).toBe('startsAt');
    expect(parseError({ labels: { a: 'b' }, endsAt: 1714564800 })).toMatchObject({
      path: 'endsAt',
      reason: 'expected epoch milliseconds, got 1714564800 (epoch seconds? multiply by 1000)',
    });
    expect(parseError({ labels: { a: 'b' }, id: '' }).path).toBe('id');
    expect(parseError({ labels: { a: 'b' }, startsAt: 1e300 })).toMatchObject({
      path: 'startsAt',
      reason: 'expected epoch milliseconds, got 1e+300 (after the year 9999)',
    });
  });

  it('rejects a body that is not an object', () => {
    for (const b of [null, [], 'x']) expect(parseError(b).path).toBe('');
    expect(parseError('x').reason).toBe('expected a JSON object as the request body, got "x"');
  });
});

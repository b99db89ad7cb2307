import { describe, expect, it } from 'vitest';
import { EventCorrelator, type CorrelatedEvent } from './event-correlator.ts';

const base: CorrelatedEvent = {
  component: 'replicaset-controller',
  host: '',
  namespace: 'ns',
  kind: 'ReplicaSet',
  name: 'web',
  uid: 'u1',
  apiVersion: 'apps/v1',
  fieldPath: '',
  type: 'Normal',
  reason: 'SuccessfulCreate',
  message: 'Created pod: web-0',
};

describe('EventCorrelator', () => {
  it('turns a repeated event into count bumps of one Event', () => {
    const c = new EventCorrelator({ now: () => 0 });
    const first = c.correlate(base);
    expect(first).toMatchObject({ action: 'create', message: base.message });
    if (first.action === 'create') c.created(first.key, 'web.1');
    expect(c.correlate(base)).toMatchObject({ action: 'update', name: 'web.1', count: 2 });
    expect(c.correlate(base)).toMatchObject({ action: 'update', name: 'web.1', count: 3 });
  });

  it('combines similar events once 10 distinct messages arrived within 10 minutes', () => {
    const c = new EventCorrelator({ now: () => 0 });
    const results = Array.from({ length: 12 }, (_, i) => c.correlate({ ...base, message: `Created pod: web-${i}` }));
    expect(results.slice(0, 9).every((r) => r.action === 'create' && !r.message.startsWith('(combined'))).toBe(true);
    const tenth = results[9];
    expect(tenth).toMatchObject({ action: 'create', message: '(combined from similar events): Created pod: web-9' });
    if (tenth?.action === 'create') c.created(tenth.key, 'web.agg');
    expect(c.correlate({ ...base, message: 'Created pod: web-99' })).toMatchObject({
      action: 'update',
      name: 'web.agg',
      message: '(combined from similar events): Created pod: web-99',
    });
  });

  it('drops what exceeds the spam filter: 25 at once per source and object, then one per 5 minutes', () => {
    let now = 0;
    const c = new EventCorrelator({ now: () => now });
    const actions = Array.from({ length: 30 }, () => c.correlate(base).action);
    expect(actions.filter((a) => a !== 'skip')).toHaveLength(25);
    expect(c.correlate({ ...base, uid: 'u2', name: 'other' }).action).not.toBe('skip');
    now += 300_000;
    expect(c.correlate(base).action).not.toBe('skip');
    expect(c.correlate(base).action).toBe('skip');
  });
});

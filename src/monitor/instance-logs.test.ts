import { describe, expect, it } from 'vitest';
import { instanceWindow, placeLines, splitLogTimestamps } from './instance-logs.ts';
import type { FailureSignal } from './detect.ts';

const at = (s: string): number => Date.parse(`2026-11-30T10:00:${s}Z`);
const signal = (o: Partial<FailureSignal>): FailureSignal => ({
  key: 'k',
  podUid: 'u',
  namespace: 'ns',
  pod: 'p',
  container: 'app',
  reason: 'Error',
  kind: 'terminated',
  instance: 2,
  previous: false,
  crashLoop: false,
  ...o,
});

describe('which instance log lines came from', () => {
  it("strips the kubelet's nanosecond timestamps and keeps their times", () => {
    const r = splitLogTimestamps(
      '2026-11-30T10:00:01.123456789Z first line\n2026-11-30T10:00:02.5+08:00 second\nno stamp\n',
    );
    expect(r.text).toBe('first line\nsecond\nno stamp\n');
    expect(r.times).toEqual([Date.parse('2026-11-30T10:00:01.123Z'), Date.parse('2026-11-30T02:00:02.500Z')]);
  });

  it("places lines in the dead instance's run, allowing the second finishedAt was truncated to", () => {
    const w = instanceWindow(signal({ startedAt: '2026-11-30T10:00:00Z', occurredAt: '2026-11-30T10:00:05Z' }));
    expect(placeLines([at('00.000'), at('05.999')], w)).toBe('inside');
    expect(placeLines([at('01.000'), at('06.000')], w)).toBe('later');
    expect(placeLines([at('59.999') - 60_000], w)).toBe('earlier');
    expect(placeLines([], w)).toBe('unknown');
  });

  it('has no window for waiting failures or a status without times', () => {
    expect(
      instanceWindow(
        signal({ kind: 'waiting', startedAt: '2026-11-30T10:00:00Z', occurredAt: '2026-11-30T10:00:05Z' }),
      ),
    ).toBeUndefined();
    expect(instanceWindow(signal({ occurredAt: '2026-11-30T10:00:05Z' }))).toBeUndefined();
    expect(placeLines([1], undefined)).toBe('unknown');
  });

  it("takes lines only from the second a same-second successor started in as the successor's", () => {
    const w = instanceWindow(
      signal({
        startedAt: '2026-11-30T10:00:00Z',
        occurredAt: '2026-11-30T10:00:03Z',
        successorStartedAt: '2026-11-30T10:00:03Z',
      }),
    );
    expect(placeLines([at('03.600')], w)).toBe('later');
    // Its own start line is before that second: the read is its own, even with last-second lines.
    expect(placeLines([at('00.200'), at('03.100')], w)).toBe('inside');
    // A successor that started a second later leaves the last second to the failed instance.
    const apart = instanceWindow(
      signal({
        startedAt: '2026-11-30T10:00:00Z',
        occurredAt: '2026-11-30T10:00:03Z',
        successorStartedAt: '2026-11-30T10:00:04Z',
      }),
    );
    expect(placeLines([at('03.600')], apart)).toBe('inside');
    // A successor not shown yet may have started in that second too (the kubelet ahead of the API).
    const unknown = instanceWindow(signal({ startedAt: '2026-11-30T10:00:00Z', occurredAt: '2026-11-30T10:00:03Z' }));
    expect(placeLines([at('03.600')], unknown)).toBe('later');
    expect(placeLines([at('00.100'), at('03.600')], unknown)).toBe('inside');
    // An instance that lived within one second keeps the slack: nothing tells its lines apart.
    const brief = instanceWindow(
      signal({
        startedAt: '2026-11-30T10:00:03Z',
        occurredAt: '2026-11-30T10:00:03Z',
        successorStartedAt: '2026-11-30T10:00:03Z',
      }),
    );
    expect(placeLines([at('03.600')], brief)).toBe('inside');
  });
});

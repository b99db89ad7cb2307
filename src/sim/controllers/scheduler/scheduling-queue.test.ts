import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from './scheduling-queue.ts';

describe('SchedulingQueue', () => {
  const clock = (): { now: () => number; advance: (ms: number) => void } => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms) => (t += ms) };
  };

  it('pops pods in arrival order, each once', () => {
    const q = new SchedulingQueue();
    q.add('a/1');
    q.add('a/2');
    q.add('a/1');
    expect([q.pop(), q.pop(), q.pop()]).toEqual(['a/1', 'a/2', undefined]);
  });

  it('keeps an unschedulable pod out of the active queue until an event can help it', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now });
    q.add('a/1');
    q.pop();
    q.addUnschedulable('a/1');
    c.advance(5_000);
    q.flush();
    expect(q.pop()).toBeUndefined();
    q.moveAllToActiveOrBackoff();
    expect(q.pop()).toBe('a/1');
  });

  it('moves a pod still backing off to the back-off queue, and on once the back-off has passed', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now, initialBackoffMs: 1_000, maxBackoffMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      q.add('a/1');
      q.pop();
      q.addUnschedulable('a/1');
    }
    // Third failure: 4 s of back-off.
    q.moveAllToActiveOrBackoff();
    expect(q.sizes()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    c.advance(3_999);
    q.flush();
    expect(q.pop()).toBeUndefined();
    c.advance(1);
    q.flush();
    expect(q.pop()).toBe('a/1');
  });

  it('retries a pod left unschedulable for longer than the timeout without any event', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now, unschedulableTimeoutMs: 60_000 });
    q.add('a/1');
    q.pop();
    q.addUnschedulable('a/1');
    c.advance(59_000);
    q.flush();
    expect(q.pop()).toBeUndefined();
    c.advance(1_000);
    q.flush();
    expect(q.pop()).toBe('a/1');
  });

  it('forgets a removed pod wherever it waits', () => {
    const q = new SchedulingQueue();
    q.add('a/1');
    q.pop();
    q.addUnschedulable('a/1');
    q.remove('a/1');
    q.moveAllToActiveOrBackoff();
    expect(q.pop()).toBeUndefined();
    expect(q.has('a/1')).toBe(false);
  });
});

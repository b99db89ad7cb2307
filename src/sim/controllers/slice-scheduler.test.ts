import { describe, expect, it } from 'vitest';
import { SliceScheduler, type SliceStep } from './slice-scheduler.ts';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* simulated work */
  }
};

/** A component with `n` units of `ms` each, done as a sliced step; records which turn ran each unit. */
function component(n: number, ms: number, turn: () => number): { step: SliceStep; turns: number[] } {
  const turns: number[] = [];
  let left = n;
  const step: SliceStep = (deadline) => {
    while (left > 0) {
      busy(ms);
      left--;
      turns.push(turn());
      if (performance.now() >= deadline) break;
    }
    return left > 0;
  };
  return { step, turns };
}

/** Counts event-loop turns (setImmediate ticks) until `done` holds. */
function turns(done: () => boolean): { current: () => number; finished: Promise<void> } {
  let n = 0;
  const finished = new Promise<void>((resolve) => {
    const tick = (): void => {
      n++;
      if (done()) resolve();
      else setImmediate(tick);
    };
    setImmediate(tick);
  });
  return { current: () => n, finished };
}

describe('SliceScheduler', () => {
  it('gives the components of one turn one budget between them, not one each', async () => {
    const s = new SliceScheduler(6);
    let counter = (): number => 0;
    const a = component(10, 2, () => counter());
    const b = component(10, 2, () => counter());
    const t = turns(() => a.turns.length + b.turns.length === 20);
    counter = t.current;
    s.request(a.step);
    s.request(b.step);
    await t.finished;
    const perTurn = new Map<number, number>();
    for (const n of [...a.turns, ...b.turns]) perTurn.set(n, (perTurn.get(n) ?? 0) + 1);
    // 6 ms of budget holds three 2 ms units (the one that crosses the deadline included), never six.
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(4);
    expect(perTurn.size).toBeGreaterThanOrEqual(5);
  });

  it('lets a component that missed a turn go first in the next', async () => {
    const s = new SliceScheduler(3);
    const order: string[] = [];
    let aLeft = 3;
    let bLeft = 3;
    const a: SliceStep = () => {
      order.push('a');
      busy(4);
      return --aLeft > 0;
    };
    const b: SliceStep = () => {
      order.push('b');
      return --bLeft > 0;
    };
    s.request(a);
    s.request(b);
    const t = turns(() => aLeft === 0 && bLeft === 0);
    await t.finished;
    // a uses up each turn; b, skipped, runs first in the following turn, so neither starves.
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('keeps the other components running when one throws, then rethrows', async () => {
    const s = new SliceScheduler(10);
    const ran: string[] = [];
    const errors: unknown[] = [];
    const onError = (err: unknown): void => void errors.push(err);
    process.on('uncaughtException', onError);
    try {
      s.request(() => {
        throw new Error('boom');
      });
      s.request(() => {
        ran.push('b');
        return false;
      });
      const t = turns(() => ran.length > 0 && errors.length > 0);
      await t.finished;
    } finally {
      process.off('uncaughtException', onError);
    }
    expect({ ran, errors: errors.map((e) => (e as Error).message) }).toEqual({ ran: ['b'], errors: ['boom'] });
  });

  it('runs a request once however often it was made, and not at all once cancelled', async () => {
    const s = new SliceScheduler(10);
    let a = 0;
    let b = 0;
    const stepA: SliceStep = () => (a++, false);
    const stepB: SliceStep = () => (b++, false);
    s.request(stepA);
    s.request(stepA);
    s.request(stepB);
    s.cancel(stepB);
    await turns(() => a > 0).finished;
    await new Promise((r) => setImmediate(r));
    expect({ a, b }).toEqual({ a: 1, b: 0 });
  });
});

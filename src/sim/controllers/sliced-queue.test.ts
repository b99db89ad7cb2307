import { describe, expect, it } from 'vitest';
import { SlicedQueue } from './sliced-queue.ts';

function settled(q: SlicedQueue): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (q.size === 0 ? resolve() : void setImmediate(check));
    check();
  });
}

describe('SlicedQueue', () => {
  it('processes each key once however often it was added', async () => {
    const seen: string[] = [];
    const q = new SlicedQueue((k) => seen.push(k));
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    await settled(q);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('yields to the event loop between slices', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const q = new SlicedQueue(
      () => {
        const until = performance.now() + 2;
        while (performance.now() < until) {
          /* a 2 ms key */
        }
      },
      { sliceMs: 5 },
    );
    for (let i = 0; i < 30; i++) q.add(String(i));
    await settled(q);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });

  it('keeps going after a key fails, and reports it', async () => {
    const failed: string[] = [];
    const done: string[] = [];
    const q = new SlicedQueue(
      (k) => {
        if (k === 'bad') throw new Error('boom');
        done.push(k);
      },
      { onError: (k) => failed.push(k) },
    );
    q.add('bad');
    q.add('good');
    await settled(q);
    expect({ failed, done }).toEqual({ failed: ['bad'], done: ['good'] });
  });
});

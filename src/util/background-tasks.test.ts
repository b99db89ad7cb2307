import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from './background-tasks.ts';

describe('BackgroundTasks', () => {
  it('settles after every task, including one a task started meanwhile and one that rejected', async () => {
    const tasks = new BackgroundTasks();
    const done: string[] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((r) => (release = r)).then(() => {
      done.push('first');
      tasks.track(Promise.resolve().then(() => void done.push('spawned')));
    });
    tasks.track(first);
    const failing = Promise.reject(new Error('boom'));
    failing.catch(() => undefined);
    tasks.track(failing);
    expect(tasks.size).toBe(2);
    const settled = tasks.settle().then(() => void done.push('settled'));
    release();
    await settled;
    expect(done).toEqual(['first', 'spawned', 'settled']);
    expect(tasks.size).toBe(0);
  });
});

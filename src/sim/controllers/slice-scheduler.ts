/**
 * One time budget per event-loop turn for every sliced component (controllers' work queues, the
 * scheduler, the kubelet's status writes). Each of them used to take its own 10 ms slice from
 * its own setImmediate, and all those callbacks run in the same check phase: four busy
 * components held the loop for 40 ms in a row, ahead of every pending request. Here they share
 * one setImmediate and one budget, taking turns (a component that did not get to run this turn
 * goes first in the next), so a turn of background work is at most `sliceMs` whatever the number
 * of components.
 */

/** Runs work until `deadline` (performance.now() ms); returns true when work is left. */
export type SliceStep = (deadline: number) => boolean;

export class SliceScheduler {
  private pending: SliceStep[] = [];
  private readonly queued = new Set<SliceStep>();
  private scheduled = false;

  constructor(readonly sliceMs = 10) {}

  /** Asks for a turn for `step`; asking again before it ran is a no-op. */
  request(step: SliceStep): void {
    if (this.queued.has(step)) return;
    this.queued.add(step);
    this.pending.push(step);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.runTurn());
    }
  }

  /** Drops a pending request (a stopped component). */
  cancel(step: SliceStep): void {
    if (!this.queued.delete(step)) return;
    this.pending = this.pending.filter((s) => s !== step);
  }

  private runTurn(): void {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    const steps = this.pending;
    this.pending = [];
    const skipped: SliceStep[] = [];
    const again: SliceStep[] = [];
    let failure: { err: unknown } | undefined;
    for (const step of steps) {
      if (!this.queued.has(step)) continue;
      if (performance.now() >= deadline) {
        skipped.push(step);
        continue;
      }
      this.queued.delete(step);
      try {
        if (step(deadline) && !this.queued.has(step)) again.push(step);
      } catch (err) {
        // Components catch their own errors; one that escapes is rethrown after the bookkeeping,
        // so the other components keep their turns.
        failure ??= { err };
      }
    }
    for (const step of again) this.queued.add(step);
    // Requests made during this turn (now in this.pending) come after those that waited.
    this.pending = [...skipped, ...again, ...this.pending];
    if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.runTurn());
    }
    if (failure) throw failure.err;
  }
}

/** The process's event loop is one, so is its budget: every sim in a process shares this one. */
export const sharedSlices = new SliceScheduler(10);

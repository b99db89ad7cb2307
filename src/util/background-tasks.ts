/**
 * Work a component started and does not await (a capture, a notification being queued), tracked
 * so that `settle()` can wait for all of it: at shutdown, and in tests instead of sleeping.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  /**
   * Tracks `task` until it settles. Its outcome stays the caller's: a rejection is handled by the
   * caller's own chain, and is only kept from becoming an unhandled rejection here.
   */
  track(task: Promise<unknown>): void {
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once every tracked task has settled, including tasks they started meanwhile. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

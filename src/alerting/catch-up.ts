import type { Store } from '../store/index.ts';
import { failureIdsCoveredSince } from './outbox-queries.ts';

/**
 * Catch-up: the monitor stores a failure first and tells the notifier only after capturing its
 * logs, so a crash in between (or a notifier error) would leave a stored failure nobody notified.
 * A checkpoint in the meta table says up to when every failure has been handled; at start and
 * periodically the failures detected since then that no outbox row covers are processed again.
 * Those processed and deliberately not sent (silenced, unrouted, pre-existing) come to the same
 * decision the second time: silences apply as of detection, routing is deterministic.
 *
 * The checkpoint trails the clock by `slackMs` (longer than a capture takes), so a failure still
 * being captured is left to the monitor's own call rather than raced.
 */
export const CHECKPOINT_KEY = 'alerting.checkpoint';

export interface CatchUpWindow {
  from: number;
  until: number;
}

/** The range to scan now, or undefined (first run: nothing before it was meant for this notifier). */
export async function catchUpWindow(
  store: Store,
  now: number,
  slackMs: number,
  maxMs: number,
): Promise<CatchUpWindow | undefined> {
  const raw = await store.meta.get(CHECKPOINT_KEY);
  if (raw === undefined || !Number.isFinite(Number(raw))) {
    await store.meta.set(CHECKPOINT_KEY, String(now), now);
    return undefined;
  }
  const from = Math.max(Number(raw), now - maxMs);
  const until = now - slackMs;
  return until > from ? { from, until } : undefined;
}

/** Failures detected in [from, until) that no outbox row names, oldest first. */
export async function uncoveredFailures(
  store: Store,
  w: CatchUpWindow,
  groupWindowMs: number,
): Promise<{ id: number; detectedAt: number }[]> {
  // A group row is created when its first failure arrives, so rows covering this range were created
  // at most one group window (plus the scan's own slack) before it.
  const covered = await failureIdsCoveredSince(store.outbox, w.from - groupWindowMs - 60_000);
  const out: { id: number; detectedAt: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.failures.list(
      { since: w.from, until: w.until },
      { limit: 500, ...(cursor ? { cursor } : {}) },
    );
    for (const f of page.items) if (!covered.has(f.id)) out.push({ id: f.id, detectedAt: f.detectedAt });
    cursor = page.nextCursor;
  } while (cursor);
  return out.sort((a, b) => a.detectedAt - b.detectedAt || a.id - b.id);
}

export async function saveCheckpoint(store: Store, at: number): Promise<void> {
  await store.meta.set(CHECKPOINT_KEY, String(at));
}

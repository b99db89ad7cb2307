import type { OutboxRepo } from '../store/index.ts';
import { readEnvelope, type Envelope } from './envelope.ts';

/**
 * What the notifier reads back from the outbox through its envelopes: the SQL lives in the store
 * (OutboxSteps); this is only the part that knows what a payload means.
 */

export interface OpenRow {
  id: number;
  channel: string;
  nextAttemptAt: number;
  env: Envelope;
}

/** Rows never claimed and not yet due, with their envelopes: groups still collecting. */
export async function openPendingRows(outbox: OutboxRepo, now: number): Promise<OpenRow[]> {
  const out: OpenRow[] = [];
  for (const r of await outbox.openPendingRows(now)) {
    const env = readEnvelope(r.payload);
    if (env) out.push({ id: r.id, channel: r.channel, nextAttemptAt: r.nextAttemptAt, env });
  }
  return out;
}

/** Every failure id named by a row created at or after `since` (what the outbox already covers). */
export async function failureIdsCoveredSince(outbox: OutboxRepo, since: number): Promise<Set<number>> {
  const covered = new Set<number>();
  for await (const r of outbox.createdSince(since)) {
    if (r.failureId !== null) covered.add(r.failureId);
    for (const id of readEnvelope(r.payload)?.failureIds ?? []) covered.add(id);
  }
  return covered;
}

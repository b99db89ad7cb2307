import type { Kysely } from 'kysely';
import { decodeJson, encodeJson } from '../store/codec.ts';
import type { Database } from '../store/schema.ts';
import type { JsonValue } from '../store/index.ts';
import { readEnvelope, toPayload, type Envelope } from './envelope.ts';

/**
 * Outbox statements the store's OutboxRepo does not offer (yet): changing a pending row's payload
 * (a group collecting failures, a summary collecting held-back messages), recording an attempt's
 * error together with the history kept in the payload, and the multi-row changes that must be
 * atomic (folding a held-back delivery into its summary). Every statement is guarded by the row's
 * status, so it can never touch a row another step has already moved on.
 */
type Db = Kysely<Database>;

/** Replaces a row's payload while it is still pending (not yet claimed); false when it moved on. */
export async function updatePendingPayload(db: Db, id: number, env: Envelope): Promise<boolean> {
  const res = await db
    .updateTable('outbox')
    .set({ payload: encodeJson(toPayload(env)) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** markFailed plus the payload's error history, in one statement. No `retryAt`: given up ('dead'). */
export async function recordAttemptFailure(db: Db, id: number, env: Envelope, error: string, retryAt?: number): Promise<boolean> {
  const payload = encodeJson(toPayload(env));
  const res = await db
    .updateTable('outbox')
    .set(retryAt === undefined ? { status: 'dead', last_error: error, payload } : { status: 'failed', last_error: error, payload, next_attempt_at: retryAt })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Hands claimed rows that were never tried back to 'pending', due at `at`, without counting the
 * claim as an attempt (shutdown with rows still queued; a channel already known to be failing).
 */
export async function releaseClaims(db: Db, ids: readonly number[], at: number): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'pending', claimed_at: null, next_attempt_at: at, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', [...ids])
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Storm control, atomically: the summary row of the window gets the held-back delivery (created
 * pending, due at `dueAt`, or updated while still pending) and the held-back row is closed with a
 * pointer to it. A crash before the commit leaves the held row 'sending' (requeued and retried);
 * after it, the summary carries it. Returns the summary row's id.
 */
export async function foldIntoSummary(
  db: Db,
  args: {
    heldId: number;
    summaryId: number | undefined;
    channel: string;
    /** The summary's payload; `fresh` when a new row is created (the open one was gone). */
    env: (fresh: boolean) => Envelope;
    dueAt: number;
    now: number;
    reason: (summaryId: number) => string;
  },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let summaryId = args.summaryId;
    if (summaryId !== undefined) {
      const payload = encodeJson(toPayload(args.env(false)));
      const res = await trx.updateTable('outbox').set({ payload }).where('id', '=', summaryId).where('status', '=', 'pending').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) summaryId = undefined;
    }
    if (summaryId === undefined) {
      const row = await trx
        .insertInto('outbox')
        .values({
          failure_id: null, channel: args.channel, payload: encodeJson(toPayload(args.env(true))), status: 'pending', attempts: 0, next_attempt_at: args.dueAt,
          last_error: null, created_at: args.now, claimed_at: null, sent_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      summaryId = row.id;
    }
    await trx
      .updateTable('outbox')
      .set({ status: 'dead', last_error: args.reason(summaryId) })
      .where('id', '=', args.heldId)
      .where('status', '=', 'sending')
      .execute();
    return summaryId;
  });
}

export interface OpenRow {
  id: number;
  channel: string;
  nextAttemptAt: number;
  env: Envelope;
}

/** Rows never claimed and not yet due: groups still collecting (rebuilt after a restart). */
export async function openPendingRows(db: Db, now: number): Promise<OpenRow[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'channel', 'payload', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('next_attempt_at', '>', now)
    .orderBy('id')
    .execute();
  const out: OpenRow[] = [];
  for (const r of rows) {
    const env = readEnvelope(decodeJson<JsonValue>(r.payload, null));
    if (env) out.push({ id: r.id, channel: r.channel, nextAttemptAt: r.next_attempt_at, env });
  }
  return out;
}

/** Every failure id named by a row created at or after `since` (what the outbox already covers). */
export async function failureIdsCoveredSince(db: Db, since: number): Promise<Set<number>> {
  const covered = new Set<number>();
  let after = 0;
  // Keyset pages by id: a storm can leave many rows; never hold them all at once.
  for (;;) {
    const rows = await db
      .selectFrom('outbox')
      .select(['id', 'failure_id', 'payload'])
      .where('created_at', '>=', since)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    for (const r of rows) {
      if (r.failure_id !== null) covered.add(r.failure_id);
      for (const id of readEnvelope(decodeJson<JsonValue>(r.payload, null))?.failureIds ?? []) covered.add(id);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < 500) return covered;
    after = last.id;
  }
}

/** Channels that got (or were meant to get) a notice about any of these failures. */
export async function channelsNotifiedFor(db: Db, failureIds: readonly number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < failureIds.length; i += 500) {
    const chunk = failureIds.slice(i, i + 500);
    const rows = await db.selectFrom('outbox').select('channel').distinct().where('failure_id', 'in', chunk).execute();
    for (const r of rows) out.add(r.channel);
  }
  return out;
}

/**
 * Rows stuck in 'sending' longer than any send can take, other than `exclude` (rows this process
 * still holds): their outcome could not be recorded (a database error after the send). Back to
 * 'pending' so they are retried without waiting for a restart.
 */
export async function requeueStranded(db: Db, claimedBefore: number, exclude: ReadonlySet<number>, now: number): Promise<number> {
  let q = db
    .updateTable('outbox')
    .set({ status: 'pending', claimed_at: null, next_attempt_at: now })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', claimedBefore);
  if (exclude.size > 0) q = q.where('id', 'not in', [...exclude]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

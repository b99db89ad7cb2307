import type { Kysely } from 'kysely';
import { decodeJson, encodeJson, type JsonValue } from './codec.ts';
import type { Database } from './schema.ts';

/**
 * The outbox's finer steps, beyond enqueue/claim/mark: changing a pending row's payload (a group
 * collecting failures, a summary collecting held-back messages), recording an attempt's error with
 * its history in the payload, and the multi-row changes that must be atomic (folding a held-back
 * delivery into its summary). Every statement is guarded by the row's status, so it never touches
 * a row another step has already moved on. Payloads are opaque JSON here; what they mean is the
 * notifier's business.
 */
export interface OutboxSteps {
  /** Replaces a row's payload while it is still pending (not yet claimed); false when it moved on. */
  updatePendingPayload(id: number, payload: JsonValue): Promise<boolean>;
  /** markFailed plus the payload's error history, in one statement. No `retryAt`: given up ('dead'). */
  recordAttemptFailure(id: number, payload: JsonValue, error: string, retryAt?: number): Promise<boolean>;
  /**
   * Hands claimed rows that were never tried back to 'pending', due at `at`, without counting the
   * claim as an attempt (shutdown with rows still queued; a channel already known to be failing).
   */
  releaseClaims(ids: readonly number[], at: number): Promise<number>;
  /**
   * Atomically: the summary row gets the held-back delivery (created pending, due at `dueAt`, or
   * updated while still pending) and the held-back row is closed with a pointer to it. A crash before
   * the commit leaves the held row 'sending' (requeued and retried); after it, the summary carries
   * it. Returns the summary row's id.
   */
  foldIntoSummary(args: FoldArgs): Promise<number>;
  /** Rows never claimed and not yet due: groups still collecting (rebuilt after a restart). */
  openPendingRows(now: number): Promise<{ id: number; channel: string; nextAttemptAt: number; payload: JsonValue }[]>;
  /** Every row created at or after `since`, in keyset pages of 500 (a storm can leave many). */
  createdSince(since: number): AsyncIterable<{ failureId: number | null; payload: JsonValue }>;
  /** Channels that got (or were meant to get) a notice about any of these failures. */
  channelsNotifiedFor(failureIds: readonly number[]): Promise<Set<string>>;
  /**
   * Rows stuck in 'sending' since before `claimedBefore`, other than `exclude` (rows this process
   * still holds): their outcome could not be recorded. Back to 'pending', due `now`.
   */
  requeueStranded(claimedBefore: number, exclude: ReadonlySet<number>, now: number): Promise<number>;
}

export interface FoldArgs {
  heldId: number;
  summaryId: number | undefined;
  channel: string;
  /** The summary's payload; `fresh` when a new row is created (the open one was gone). */
  payload: (fresh: boolean) => JsonValue;
  dueAt: number;
  now: number;
  reason: (summaryId: number) => string;
}

export function createOutboxSteps(db: Kysely<Database>): OutboxSteps {
  return {
    async updatePendingPayload(id, payload) {
      const res = await db
        .updateTable('outbox')
        .set({ payload: encodeJson(payload) })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async recordAttemptFailure(id, payload, error, retryAt) {
      const encoded = encodeJson(payload);
      const res = await db
        .updateTable('outbox')
        .set(
          retryAt === undefined
            ? { status: 'dead', last_error: error, payload: encoded }
            : { status: 'failed', last_error: error, payload: encoded, next_attempt_at: retryAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async releaseClaims(ids, at) {
      if (ids.length === 0) return 0;
      const res = await db
        .updateTable('outbox')
        .set((eb) => ({ status: 'pending', claimed_at: null, next_attempt_at: at, attempts: eb('attempts', '-', 1) }))
        .where('id', 'in', [...ids])
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    foldIntoSummary(args) {
      return db.transaction().execute(async (trx) => {
        let summaryId = args.summaryId;
        if (summaryId !== undefined) {
          const res = await trx
            .updateTable('outbox')
            .set({ payload: encodeJson(args.payload(false)) })
            .where('id', '=', summaryId)
            .where('status', '=', 'pending')
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) summaryId = undefined;
        }
        if (summaryId === undefined) {
          const row = await trx
            .insertInto('outbox')
            .values({
              failure_id: null,
              channel: args.channel,
              payload: encodeJson(args.payload(true)),
              status: 'pending',
              attempts: 0,
              next_attempt_at: args.dueAt,
              last_error: null,
              created_at: args.now,
              claimed_at: null,
              sent_at: null,
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
    },

    async openPendingRows(now) {
      const rows = await db
        .selectFrom('outbox')
        .select(['id', 'channel', 'payload', 'next_attempt_at'])
        .where('status', '=', 'pending')
        .where('attempts', '=', 0)
        .where('next_attempt_at', '>', now)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        nextAttemptAt: r.next_attempt_at,
        payload: decodeJson<JsonValue>(r.payload, null),
      }));
    },

    async *createdSince(since) {
      let after = 0;
      for (;;) {
        const rows = await db
          .selectFrom('outbox')
          .select(['id', 'failure_id', 'payload'])
          .where('created_at', '>=', since)
          .where('id', '>', after)
          .orderBy('id')
          .limit(500)
          .execute();
        for (const r of rows) yield { failureId: r.failure_id, payload: decodeJson<JsonValue>(r.payload, null) };
        const last = rows[rows.length - 1];
        if (!last || rows.length < 500) return;
        after = last.id;
      }
    },

    async channelsNotifiedFor(failureIds) {
      const out = new Set<string>();
      for (let i = 0; i < failureIds.length; i += 500) {
        const rows = await db
          .selectFrom('outbox')
          .select('channel')
          .distinct()
          .where('failure_id', 'in', failureIds.slice(i, i + 500))
          .execute();
        for (const r of rows) out.add(r.channel);
      }
      return out;
    },

    async requeueStranded(claimedBefore, exclude, now) {
      let q = db
        .updateTable('outbox')
        .set({ status: 'pending', claimed_at: null, next_attempt_at: now })
        .where('status', '=', 'sending')
        .where('claimed_at', '<', claimedBefore);
      if (exclude.size > 0) q = q.where('id', 'not in', [...exclude]);
      const res = await q.executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
  };
}

import type { Kysely, Selectable } from 'kysely';
import { decodeJson, encodeJson, type JsonValue } from './codec.ts';
import type { Database, DeliveryStatus, DialectName, OutboxTable } from './schema.ts';
import { createOutboxSteps, type OutboxSteps } from './outbox-steps.ts';

/**
 * The notification outbox: a message is stored before it is sent, so nothing is lost to a crash or
 * a failing endpoint. Life cycle:
 *   pending --claim--> sending --markSent--> sent
 *                        |--markFailed(retryAt)--> failed --(due again)--> claimed like pending
 *                        |--markFailed(no retry)--> dead
 *   sending left by a crashed process --requeueStale--> pending
 */
export interface Delivery {
  id: number;
  failureId: number | null;
  channel: string;
  payload: JsonValue;
  status: DeliveryStatus;
  /** Send attempts started (counted at claim, so an attempt cut short by a crash still counts). */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  claimedAt: number | null;
  sentAt: number | null;
}

export interface NewDelivery {
  failureId?: number;
  channel: string;
  payload: JsonValue;
  /** Epoch ms; defaults to now (send as soon as possible). */
  nextAttemptAt?: number;
}

export interface OutboxRepo extends OutboxSteps {
  enqueue(d: NewDelivery, now?: number): Promise<Delivery>;
  /**
   * Moves up to `limit` due rows (pending or failed, next_attempt_at <= now) to 'sending' and
   * returns them, oldest due first. Two concurrent claimers never receive the same row.
   */
  claimDue(limit: number, now?: number): Promise<Delivery[]>;
  /** Only a row still in 'sending' changes; returns whether it did. */
  markSent(id: number, now?: number): Promise<boolean>;
  /** Records the error; `retryAt` set -> 'failed' and due again then, absent -> 'dead' (given up). */
  markFailed(id: number, error: string, retryAt?: number): Promise<boolean>;
  /** A failure's deliveries, in the order they were created. */
  listForFailure(failureId: number): Promise<Delivery[]>;
  /**
   * At start-up: rows left in 'sending' by a crash go back to 'pending' and are due at once. Only
   * rows claimed before `claimedBefore` (default: now) move, so a replica can leave a live peer's
   * recent claims alone by passing `now - sendTimeout`. Returns how many moved.
   */
  requeueStale(claimedBefore?: number): Promise<number>;
  get(id: number): Promise<Delivery | undefined>;
}

export function createOutboxRepo(db: Kysely<Database>, dialect: DialectName): OutboxRepo {
  return {
    ...createOutboxSteps(db),
    async enqueue(d, now = Date.now()) {
      const row = await db
        .insertInto('outbox')
        .values({
          failure_id: d.failureId ?? null,
          channel: d.channel,
          payload: encodeJson(d.payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: d.nextAttemptAt ?? now,
          last_error: null,
          created_at: now,
          claimed_at: null,
          sent_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDelivery(row);
    },

    async claimDue(limit, now = Date.now()) {
      let due = db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'failed'])
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      // PostgreSQL: rows another claimer has locked are skipped rather than waited for, so parallel
      // senders split the due rows between them instead of queueing on (and then re-taking) them.
      // SQLite: the single UPDATE statement is its own write transaction and SQLite has one writer
      // at a time, so the select-and-mark is atomic there without row locks.
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', claimed_at: now, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', due)
        // Re-checked on the outer statement too: under READ COMMITTED a row could have changed
        // between the subquery's snapshot and the update.
        .where('status', 'in', ['pending', 'failed'])
        .returningAll()
        .execute();
      // RETURNING order is unspecified on both dialects.
      return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    },

    async markSent(id, now = Date.now()) {
      const res = await db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: now, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async markFailed(id, error, retryAt) {
      const res = await db
        .updateTable('outbox')
        .set(
          retryAt === undefined
            ? { status: 'dead', last_error: error }
            : { status: 'failed', last_error: error, next_attempt_at: retryAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async listForFailure(failureId) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('failure_id', '=', failureId)
        .orderBy('id')
        .execute();
      return rows.map(toDelivery);
    },

    async requeueStale(claimedBefore = Date.now()) {
      const res = await db
        .updateTable('outbox')
        .set({ status: 'pending', claimed_at: null, next_attempt_at: claimedBefore })
        .where('status', '=', 'sending')
        .where((eb) => eb.or([eb('claimed_at', '<=', claimedBefore), eb('claimed_at', 'is', null)]))
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    async get(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
  };
}

function toDelivery(r: Selectable<OutboxTable>): Delivery {
  return {
    id: r.id,
    failureId: r.failure_id,
    channel: r.channel,
    payload: decodeJson<JsonValue>(r.payload, null),
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    claimedAt: r.claimed_at,
    sentAt: r.sent_at,
  };
}

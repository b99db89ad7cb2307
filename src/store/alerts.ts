import type { Kysely, Selectable } from 'kysely';
import { decodeJson, encodeJson, type JsonValue } from './codec.ts';
import type { AlertRowState, AlertsTable, Database, InboxState } from './schema.ts';

/** A raw alert request as received (stored before it is parsed or acted on). */
export interface InboxItem {
  id: number;
  linkId: number;
  source: string;
  receivedAt: number;
  body: string;
  state: InboxState;
  error: string | null;
}

export interface NewAlertRow {
  source: string;
  alertId: string;
  linkId?: number;
  inboxId?: number;
  status: string;
  severity: string;
  title: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: number;
  endsAt?: number;
  raw: JsonValue;
}

export interface AlertRow extends Omit<NewAlertRow, 'linkId' | 'inboxId' | 'startsAt' | 'endsAt'> {
  id: number;
  linkId: number | null;
  inboxId: number | null;
  startsAt: number | null;
  endsAt: number | null;
  receivedAt: number;
  state: AlertRowState;
  duplicates: number;
}

export interface AlertRepo {
  receive(i: { linkId: number; source: string; body: string }, now?: number): Promise<number>;
  finishInbox(id: number, state: 'done' | 'rejected', r?: { error?: string; alertCount?: number }): Promise<void>;
  pendingInbox(limit?: number): Promise<InboxItem[]>;
  /** Inserts the alert unless its (source, id) is known: then counts a duplicate and returns created false. */
  insertOnce(a: NewAlertRow, now?: number): Promise<{ created: boolean; id: number; state: AlertRowState }>;
  markDone(id: number): Promise<void>;
  pending(limit?: number): Promise<AlertRow[]>;
  get(id: number): Promise<AlertRow | undefined>;
  list(page?: { limit?: number; offset?: number; source?: string }): Promise<{ items: AlertRow[]; total: number }>;
}

const toAlert = (r: Selectable<AlertsTable>): AlertRow => ({
  id: r.id,
  source: r.source,
  alertId: r.alert_id,
  linkId: r.link_id,
  inboxId: r.inbox_id,
  status: r.status,
  severity: r.severity,
  title: r.title,
  labels: decodeJson(r.labels, {}),
  annotations: decodeJson(r.annotations, {}),
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  receivedAt: r.received_at,
  raw: decodeJson<JsonValue>(r.raw, null),
  state: r.state,
  duplicates: r.duplicates,
});

export function createAlertRepo(db: Kysely<Database>): AlertRepo {
  return {
    async receive(i, now = Date.now()) {
      const row = await db
        .insertInto('alert_inbox')
        .values({
          link_id: i.linkId,
          source: i.source,
          received_at: now,
          body: i.body,
          state: 'pending',
          error: null,
          alert_count: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async finishInbox(id, state, r = {}) {
      await db
        .updateTable('alert_inbox')
        .set({ state, error: r.error ?? null, alert_count: r.alertCount ?? 0 })
        .where('id', '=', id)
        .execute();
    },
    async pendingInbox(limit = 100) {
      const rows = await db
        .selectFrom('alert_inbox')
        .selectAll()
        .where('state', '=', 'pending')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        linkId: r.link_id,
        source: r.source,
        receivedAt: r.received_at,
        body: r.body,
        state: r.state,
        error: r.error,
      }));
    },
    async insertOnce(a, now = Date.now()) {
      const key = `${a.source}/${a.alertId}`;
      const inserted = await db
        .insertInto('alerts')
        .values({
          key,
          source: a.source,
          alert_id: a.alertId,
          link_id: a.linkId ?? null,
          inbox_id: a.inboxId ?? null,
          status: a.status,
          severity: a.severity,
          title: a.title,
          labels: encodeJson(a.labels),
          annotations: encodeJson(a.annotations),
          starts_at: a.startsAt ?? null,
          ends_at: a.endsAt ?? null,
          received_at: now,
          raw: encodeJson(a.raw),
          state: 'pending',
          duplicates: 0,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning(['id', 'state'])
        .executeTakeFirst();
      if (inserted) return { created: true, id: inserted.id, state: inserted.state };
      await db
        .updateTable('alerts')
        .set((eb) => ({ duplicates: eb('duplicates', '+', 1) }))
        .where('key', '=', key)
        .execute();
      const existing = await db
        .selectFrom('alerts')
        .select(['id', 'state'])
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return { created: false, id: existing.id, state: existing.state };
    },
    async markDone(id) {
      await db.updateTable('alerts').set({ state: 'done' }).where('id', '=', id).execute();
    },
    async pending(limit = 100) {
      return (
        await db.selectFrom('alerts').selectAll().where('state', '=', 'pending').orderBy('id').limit(limit).execute()
      ).map(toAlert);
    },
    async get(id) {
      const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toAlert(r) : undefined;
    },
    async list(page = {}) {
      let q = db.selectFrom('alerts');
      if (page.source) q = q.where('source', '=', page.source);
      const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await q
        .selectAll()
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(page.limit ?? 50, 1), 500))
        .offset(page.offset ?? 0)
        .execute();
      return { items: rows.map(toAlert), total };
    },
  };
}

import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeBool, decodeJson, encodeBool, encodeJson, type JsonValue } from './codec.ts';
import type { ActionState, ActionsTable, Database } from './schema.ts';

/** An audit record: written before the action runs (state running), completed after. */
export interface NewAction {
  key: string;
  playbook: string;
  action: string;
  triggerKind: 'alert' | 'failure' | 'schedule';
  alertId?: number;
  failureId?: number;
  scheduledAt?: number;
  namespace?: string;
  targetKind?: string;
  targetName?: string;
  dryRun: boolean;
  mutates: boolean;
  spec: JsonValue;
  /** Recorded straight away as skipped (safety rule) rather than running. */
  skipped?: { summary: string };
}

export interface ActionRecord {
  id: number;
  key: string;
  playbook: string;
  action: string;
  triggerKind: string;
  alertId: number | null;
  failureId: number | null;
  scheduledAt: number | null;
  namespace: string | null;
  targetKind: string | null;
  targetName: string | null;
  state: ActionState;
  dryRun: boolean;
  mutates: boolean;
  spec: JsonValue;
  summary: string | null;
  before: JsonValue;
  after: JsonValue;
  detail: JsonValue;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface ActionCompletion {
  state: 'succeeded' | 'failed' | 'skipped' | 'interrupted';
  summary: string;
  before?: JsonValue;
  after?: JsonValue;
  detail?: JsonValue;
  error?: string;
  /** The object acted on, when the engine learned it only while running. */
  target?: { namespace?: string; kind: string; name: string };
}

export interface ActionFilter {
  playbook?: string;
  namespace?: string;
  state?: ActionState;
  alertId?: number;
  failureId?: number;
}

export interface ActionRepo {
  /** Inserts the record unless its key exists; returns the existing one otherwise (a resumed run). */
  begin(a: NewAction, now?: number): Promise<{ created: boolean; record: ActionRecord }>;
  complete(id: number, c: ActionCompletion, now?: number): Promise<void>;
  get(id: number): Promise<ActionRecord | undefined>;
  list(
    filter?: ActionFilter,
    page?: { limit?: number; offset?: number },
  ): Promise<{ items: ActionRecord[]; total: number }>;
  /** The newest non-dry-run mutating action on the target that did not fail or get skipped, since `since`. */
  lastMutationOn(
    t: { namespace: string; kind: string; name: string },
    since: number,
    excludeKeyPrefix?: string,
  ): Promise<ActionRecord | undefined>;
  /** Mutating, non-dry-run actions started since `since` (the global budget). */
  countMutationsSince(since: number): Promise<number>;
  /** Records left in 'running' by a crashed process. */
  running(): Promise<ActionRecord[]>;
}

const toRecord = (r: Selectable<ActionsTable>): ActionRecord => ({
  id: r.id,
  key: r.key,
  playbook: r.playbook,
  action: r.action,
  triggerKind: r.trigger_kind,
  alertId: r.alert_id,
  failureId: r.failure_id,
  scheduledAt: r.scheduled_at,
  namespace: r.namespace,
  targetKind: r.target_kind,
  targetName: r.target_name,
  state: r.state,
  dryRun: decodeBool(r.dry_run),
  mutates: decodeBool(r.mutates),
  spec: decodeJson<JsonValue>(r.spec, null),
  summary: r.summary,
  before: decodeJson<JsonValue>(r.before, null),
  after: decodeJson<JsonValue>(r.after, null),
  detail: decodeJson<JsonValue>(r.detail, null),
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export function createActionRepo(db: Kysely<Database>): ActionRepo {
  return {
    async begin(a, now = Date.now()) {
      const inserted = await db
        .insertInto('actions')
        .values({
          key: a.key,
          playbook: a.playbook,
          action: a.action,
          trigger_kind: a.triggerKind,
          alert_id: a.alertId ?? null,
          failure_id: a.failureId ?? null,
          scheduled_at: a.scheduledAt ?? null,
          namespace: a.namespace ?? null,
          target_kind: a.targetKind ?? null,
          target_name: a.targetName ?? null,
          state: a.skipped ? 'skipped' : 'running',
          dry_run: encodeBool(a.dryRun),
          mutates: encodeBool(a.mutates),
          spec: encodeJson(a.spec),
          summary: a.skipped?.summary ?? null,
          before: null,
          after: null,
          detail: null,
          error: null,
          started_at: now,
          finished_at: a.skipped ? now : null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { created: true, record: toRecord(inserted) };
      const existing = await db.selectFrom('actions').selectAll().where('key', '=', a.key).executeTakeFirstOrThrow();
      return { created: false, record: toRecord(existing) };
    },
    async complete(id, c, now = Date.now()) {
      await db
        .updateTable('actions')
        .set({
          state: c.state,
          summary: c.summary,
          before: c.before === undefined ? null : encodeJson(c.before),
          after: c.after === undefined ? null : encodeJson(c.after),
          detail: c.detail === undefined ? null : encodeJson(c.detail),
          error: c.error ?? null,
          finished_at: now,
          ...(c.target
            ? { namespace: c.target.namespace ?? null, target_kind: c.target.kind, target_name: c.target.name }
            : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async get(id) {
      const r = await db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRecord(r) : undefined;
    },
    async list(filter = {}, page = {}) {
      let q = db.selectFrom('actions');
      if (filter.playbook) q = q.where('playbook', '=', filter.playbook);
      if (filter.namespace) q = q.where('namespace', '=', filter.namespace);
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.alertId !== undefined) q = q.where('alert_id', '=', filter.alertId);
      if (filter.failureId !== undefined) q = q.where('failure_id', '=', filter.failureId);
      const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await q
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(page.limit ?? 50, 1), 500))
        .offset(page.offset ?? 0)
        .execute();
      return { items: rows.map(toRecord), total };
    },
    async lastMutationOn(t, since, excludeKeyPrefix) {
      let q = db.selectFrom('actions');
      // The actions of one playbook run do not cool each other down (scale, then annotate).
      if (excludeKeyPrefix)
        q = q.where(sql<boolean>`substr(${sql.ref('key')}, 1, ${excludeKeyPrefix.length}) <> ${excludeKeyPrefix}`);
      const r = await q
        .selectAll()
        .where('namespace', '=', t.namespace)
        .where('target_kind', '=', t.kind)
        .where('target_name', '=', t.name)
        .where('started_at', '>=', since)
        .where('mutates', '=', encodeBool(true))
        .where('dry_run', '=', encodeBool(false))
        .where('state', 'in', ['running', 'succeeded', 'interrupted'])
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      return r ? toRecord(r) : undefined;
    },
    async countMutationsSince(since) {
      const r = await db
        .selectFrom('actions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('started_at', '>=', since)
        .where('mutates', '=', encodeBool(true))
        .where('dry_run', '=', encodeBool(false))
        .where('state', 'in', ['running', 'succeeded', 'failed', 'interrupted'])
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async running() {
      return (await db.selectFrom('actions').selectAll().where('state', '=', 'running').orderBy('id').execute()).map(
        toRecord,
      );
    },
  };
}

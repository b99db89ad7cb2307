import type { ExpressionBuilder, Kysely, Selectable, SqlBool, Expression } from 'kysely';
import { decodeBool, decodeJson, encodeBool, encodeJson, type JsonValue } from './codec.ts';
import type { Database, FailureState, FailuresTable } from './schema.ts';

/** One link of the owner chain, pod first: Pod -> ReplicaSet -> Deployment. */
export interface OwnerRef {
  kind: string;
  name: string;
  uid?: string;
}

/** A Kubernetes event recorded with a failure (BackOff, Unhealthy, FailedMount...). */
export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  /** Epoch ms of the event's last occurrence, when known. */
  lastSeen?: number;
}

export interface NewFailure {
  /** The dedup key when the caller normalizes it (the monitor folds ErrImagePull into ImagePullBackOff); default failureKey(). */
  key?: string;
  cluster: string;
  namespace: string;
  pod: string;
  podUid: string;
  /** Omitted for pod-level failures (Evicted, Failed pod). */
  container?: string;
  node?: string;
  /** The top-level owner (Deployment, StatefulSet, CronJob...), or the Pod itself when bare. */
  workloadKind: string;
  workloadName: string;
  ownerChain: OwnerRef[];
  reason: string;
  exitCode?: number;
  signal?: number;
  message?: string;
  restartCount: number;
  preExisting?: boolean;
  detectedAt: number;
  occurredAt: number;
  services?: string[];
  events?: RecordedEvent[];
  logs?: string;
  logsTruncated?: boolean;
  logsError?: string;
  details?: Record<string, JsonValue>;
}

/** What a list shows: everything but the bulky captures (logs, events, services, details). */
export interface FailureSummary {
  id: number;
  key: string;
  cluster: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string | null;
  node: string | null;
  workloadKind: string;
  workloadName: string;
  reason: string;
  exitCode: number | null;
  signal: number | null;
  message: string | null;
  restartCount: number;
  state: FailureState;
  preExisting: boolean;
  detectedAt: number;
  occurredAt: number;
  resolvedAt: number | null;
}

export interface Failure extends FailureSummary {
  ownerChain: OwnerRef[];
  services: string[];
  events: RecordedEvent[];
  logs: string | null;
  logsTruncated: boolean;
  logsError: string | null;
  details: Record<string, JsonValue>;
}

/** The capture that completes a stored failure. */
export interface FailureCapture {
  node?: string;
  ownerChain: OwnerRef[];
  services: string[];
  events: RecordedEvent[];
  logs: string;
  logsTruncated: boolean;
  logsError?: string;
  details: Record<string, JsonValue>;
}

export interface FailureFilter {
  cluster?: string;
  namespace?: string;
  workload?: string;
  workloadKind?: string;
  reason?: string;
  state?: FailureState;
  /** Detected at or after this epoch ms. */
  since?: number;
  /** Detected before this epoch ms. */
  until?: number;
}

export interface FailurePage {
  items: FailureSummary[];
  /** Rows matching the filter, across all pages. */
  total: number;
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface FailureRepo {
  /** Records a failure unless its key exists; `created` is false for a duplicate (not an error). */
  insertOnce(failure: NewFailure): Promise<{ created: boolean; id: number }>;
  get(id: number): Promise<Failure | undefined>;
  /**
   * Newest first (detected_at, then id). Pages by `cursor` (keyset: stable while new failures
   * arrive) or by `offset` (for numbered pages); `limit` defaults to 50, at most 500.
   */
  list(filter?: FailureFilter, page?: { limit?: number; cursor?: string; offset?: number }): Promise<FailurePage>;
  /** Adds what was captured after the failure was stored (logs, events, Services, node, details). */
  attachCapture(id: number, c: FailureCapture): Promise<void>;
  /** Marks a workload's open failures resolved at `at`; returns how many changed. */
  resolveWorkload(w: {
    cluster: string;
    namespace: string;
    workloadKind: string;
    workloadName: string;
    at: number;
  }): Promise<number>;
}

/** The dedup key: one failure per container instance and reason. */
export function failureKey(f: Pick<NewFailure, 'podUid' | 'container' | 'restartCount' | 'reason'>): string {
  return `${f.podUid}/${f.container ?? ''}/${f.restartCount}/${f.reason}`;
}

const summaryColumns = [
  'id',
  'key',
  'cluster',
  'namespace',
  'pod',
  'pod_uid',
  'container',
  'node',
  'workload_kind',
  'workload_name',
  'reason',
  'exit_code',
  'signal',
  'message',
  'restart_count',
  'state',
  'pre_existing',
  'detected_at',
  'occurred_at',
  'resolved_at',
] as const;

type SummaryRow = Pick<Selectable<FailuresTable>, (typeof summaryColumns)[number]>;

export function createFailureRepo(db: Kysely<Database>): FailureRepo {
  return {
    async insertOnce(f) {
      const key = f.key ?? failureKey(f);
      // ON CONFLICT DO NOTHING on both dialects: concurrent inserts of one key never raise, and
      // exactly one of them gets the RETURNING row.
      const inserted = await db
        .insertInto('failures')
        .values({
          key,
          cluster: f.cluster,
          namespace: f.namespace,
          pod: f.pod,
          pod_uid: f.podUid,
          container: f.container ?? null,
          node: f.node ?? null,
          workload_kind: f.workloadKind,
          workload_name: f.workloadName,
          owner_chain: encodeJson(f.ownerChain),
          reason: f.reason,
          exit_code: f.exitCode ?? null,
          signal: f.signal ?? null,
          message: f.message ?? null,
          restart_count: f.restartCount,
          state: 'open',
          pre_existing: encodeBool(f.preExisting),
          detected_at: f.detectedAt,
          occurred_at: f.occurredAt,
          resolved_at: null,
          services: encodeJson(f.services ?? []),
          events: encodeJson(f.events ?? []),
          logs: f.logs ?? null,
          logs_truncated: encodeBool(f.logsTruncated),
          logs_error: f.logsError ?? null,
          details: encodeJson(f.details ?? {}),
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { created: true, id: inserted.id };
      const existing = await db.selectFrom('failures').select('id').where('key', '=', key).executeTakeFirstOrThrow();
      return { created: false, id: existing.id };
    },

    async get(id) {
      const row = await db.selectFrom('failures').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        ...toSummary(row),
        ownerChain: decodeJson<OwnerRef[]>(row.owner_chain, []),
        services: decodeJson<string[]>(row.services, []),
        events: decodeJson<RecordedEvent[]>(row.events, []),
        logs: row.logs,
        logsTruncated: decodeBool(row.logs_truncated),
        logsError: row.logs_error,
        details: decodeJson<Record<string, JsonValue>>(row.details, {}),
      };
    },

    async list(filter = {}, page = {}) {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
      const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
      let query = db
        .selectFrom('failures')
        .select(summaryColumns)
        .where((eb) => matches(eb, filter))
        .orderBy('detected_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1); // one extra row tells whether another page exists
      if (cursor) {
        query = query.where((eb) =>
          eb.or([
            eb('detected_at', '<', cursor.t),
            eb.and([eb('detected_at', '=', cursor.t), eb('id', '<', cursor.id)]),
          ]),
        );
      } else if (page.offset) {
        query = query.offset(page.offset);
      }
      const [rows, count] = await Promise.all([
        query.execute(),
        db
          .selectFrom('failures')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) => matches(eb, filter))
          .executeTakeFirstOrThrow(),
      ]);
      const items = rows.slice(0, limit).map(toSummary);
      const last = items[items.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor(last.detectedAt, last.id) : undefined;
      return nextCursor ? { items, total: Number(count.n), nextCursor } : { items, total: Number(count.n) };
    },

    async attachCapture(id, c) {
      await db
        .updateTable('failures')
        .set({
          ...(c.node !== undefined ? { node: c.node } : {}),
          owner_chain: encodeJson(c.ownerChain),
          services: encodeJson(c.services),
          events: encodeJson(c.events),
          logs: c.logs,
          logs_truncated: encodeBool(c.logsTruncated),
          logs_error: c.logsError ?? null,
          details: encodeJson(c.details),
        })
        .where('id', '=', id)
        .execute();
    },

    async resolveWorkload(w) {
      const res = await db
        .updateTable('failures')
        .set({ state: 'resolved', resolved_at: w.at })
        .where('state', '=', 'open')
        .where('cluster', '=', w.cluster)
        .where('namespace', '=', w.namespace)
        .where('workload_kind', '=', w.workloadKind)
        .where('workload_name', '=', w.workloadName)
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
  };
}

function matches(eb: ExpressionBuilder<Database, 'failures'>, f: FailureFilter): Expression<SqlBool> {
  const conds: Expression<SqlBool>[] = [];
  if (f.cluster !== undefined) conds.push(eb('cluster', '=', f.cluster));
  if (f.namespace !== undefined) conds.push(eb('namespace', '=', f.namespace));
  if (f.workload !== undefined) conds.push(eb('workload_name', '=', f.workload));
  if (f.workloadKind !== undefined) conds.push(eb('workload_kind', '=', f.workloadKind));
  if (f.reason !== undefined) conds.push(eb('reason', '=', f.reason));
  if (f.state !== undefined) conds.push(eb('state', '=', f.state));
  if (f.since !== undefined) conds.push(eb('detected_at', '>=', f.since));
  if (f.until !== undefined) conds.push(eb('detected_at', '<', f.until));
  return eb.and(conds);
}

function toSummary(r: SummaryRow): FailureSummary {
  return {
    id: r.id,
    key: r.key,
    cluster: r.cluster,
    namespace: r.namespace,
    pod: r.pod,
    podUid: r.pod_uid,
    container: r.container,
    node: r.node,
    workloadKind: r.workload_kind,
    workloadName: r.workload_name,
    reason: r.reason,
    exitCode: r.exit_code,
    signal: r.signal,
    message: r.message,
    restartCount: r.restart_count,
    state: r.state,
    preExisting: decodeBool(r.pre_existing),
    detectedAt: r.detected_at,
    occurredAt: r.occurred_at,
    resolvedAt: r.resolved_at,
  };
}

// The cursor is opaque to clients: the last row's (detected_at, id), base64url-encoded.
function encodeCursor(t: number, id: number): string {
  return Buffer.from(`${t}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { t: number; id: number } {
  const m = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new RangeError(`invalid failures cursor: ${cursor}`);
  return { t: Number(m[1]), id: Number(m[2]) };
}

import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeJson, encodeJson, type JsonValue } from './codec.ts';
import type { Database, FindingsTable } from './schema.ts';

/**
 * Secondary findings: Warning events (FailedScheduling, FailedMount, Unhealthy, NodeNotReady...)
 * linked to the workload they concern. The monitor chooses the key; one key is one finding whose
 * count and last_seen move as the event repeats.
 */
export interface FindingInput {
  key: string;
  kind: string;
  cluster: string;
  namespace?: string;
  workloadKind?: string;
  workloadName?: string;
  reason: string;
  message: string;
  /** The occurrence count as observed (an Event's cumulative `count`). */
  count: number;
  firstSeen: number;
  lastSeen: number;
  involvedObject: Record<string, JsonValue>;
}

export interface Finding extends Omit<FindingInput, 'namespace' | 'workloadKind' | 'workloadName'> {
  id: number;
  namespace: string | null;
  workloadKind: string | null;
  workloadName: string | null;
}

export interface FindingFilter {
  cluster?: string;
  namespace?: string;
  workload?: string;
  reason?: string;
  /** last_seen at or after this epoch ms. */
  since?: number;
}

export interface FindingRepo {
  /**
   * Inserts or updates by key. Counts and times only move forward (count = max, first_seen = min,
   * last_seen = max), so replaying the same event after a relist or a restart changes nothing:
   * idempotent, never double-counted, never losing a repeated BackOff's count.
   */
  upsert(f: FindingInput): Promise<{ created: boolean; finding: Finding }>;
  /** Most recently seen first. */
  list(filter?: FindingFilter, limit?: number): Promise<Finding[]>;
}

export function createFindingRepo(db: Kysely<Database>): FindingRepo {
  return {
    async upsert(f) {
      // Insert-or-nothing first, so `created` is exact even when two watchers race on a new key.
      const inserted = await db
        .insertInto('findings')
        .values({
          key: f.key,
          kind: f.kind,
          cluster: f.cluster,
          namespace: f.namespace ?? null,
          workload_kind: f.workloadKind ?? null,
          workload_name: f.workloadName ?? null,
          reason: f.reason,
          message: f.message,
          count: f.count,
          first_seen: f.firstSeen,
          last_seen: f.lastSeen,
          involved_object: encodeJson(f.involvedObject),
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { created: true, finding: toFinding(inserted) };
      // CASE rather than GREATEST/MAX: the one spelling both SQLite and PostgreSQL accept. The
      // message and object follow the newest observation; an older replay keeps the stored ones.
      const newer = sql<boolean>`${f.lastSeen} >= last_seen`;
      const updated = await db
        .updateTable('findings')
        .set({
          count: sql<number>`case when ${f.count} > count then ${f.count} else count end`,
          first_seen: sql<number>`case when ${f.firstSeen} < first_seen then ${f.firstSeen} else first_seen end`,
          message: sql<string>`case when ${newer} then ${f.message} else message end`,
          involved_object: sql<string>`case when ${newer} then ${encodeJson(f.involvedObject)} else involved_object end`,
          last_seen: sql<number>`case when ${newer} then ${f.lastSeen} else last_seen end`,
        })
        .where('key', '=', f.key)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { created: false, finding: toFinding(updated) };
    },

    async list(filter = {}, limit = 100) {
      let q = db.selectFrom('findings').selectAll();
      if (filter.cluster !== undefined) q = q.where('cluster', '=', filter.cluster);
      if (filter.namespace !== undefined) q = q.where('namespace', '=', filter.namespace);
      if (filter.workload !== undefined) q = q.where('workload_name', '=', filter.workload);
      if (filter.reason !== undefined) q = q.where('reason', '=', filter.reason);
      if (filter.since !== undefined) q = q.where('last_seen', '>=', filter.since);
      const rows = await q
        .orderBy('last_seen', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(limit, 1), 1000))
        .execute();
      return rows.map(toFinding);
    },
  };
}

function toFinding(r: Selectable<FindingsTable>): Finding {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind,
    cluster: r.cluster,
    namespace: r.namespace,
    workloadKind: r.workload_kind,
    workloadName: r.workload_name,
    reason: r.reason,
    message: r.message,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    involvedObject: decodeJson<Record<string, JsonValue>>(r.involved_object, {}),
  };
}

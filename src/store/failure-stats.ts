import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface OpenByWorkload {
  namespace: string;
  workloadKind: string;
  workloadName: string;
  open: number;
  lastDetectedAt: number;
  reasons: string[];
}

export interface TimelineBucket {
  /** Bucket start, epoch ms. */
  at: number;
  count: number;
}

/** Aggregates for the overview page: what is open now, and how many failures per time bucket. */
export interface FailureStats {
  openByWorkload(cluster?: string): Promise<OpenByWorkload[]>;
  timeline(opts: { cluster?: string; since: number; until: number; bucketMs: number }): Promise<TimelineBucket[]>;
}

export function createFailureStats(db: Kysely<Database>): FailureStats {
  return {
    async openByWorkload(cluster) {
      let q = db
        .selectFrom('failures')
        .select((eb) => [
          'namespace',
          'workload_kind',
          'workload_name',
          'reason',
          eb.fn.countAll<number>().as('n'),
          eb.fn.max('detected_at').as('last'),
        ])
        .where('state', '=', 'open')
        .groupBy(['namespace', 'workload_kind', 'workload_name', 'reason']);
      if (cluster !== undefined) q = q.where('cluster', '=', cluster);
      const rows = await q.execute();
      const byWorkload = new Map<string, OpenByWorkload>();
      for (const r of rows) {
        const key = `${r.namespace}/${r.workload_kind}/${r.workload_name}`;
        const w = byWorkload.get(key) ?? {
          namespace: r.namespace,
          workloadKind: r.workload_kind,
          workloadName: r.workload_name,
          open: 0,
          lastDetectedAt: 0,
          reasons: [],
        };
        w.open += Number(r.n);
        w.lastDetectedAt = Math.max(w.lastDetectedAt, Number(r.last));
        w.reasons.push(r.reason);
        byWorkload.set(key, w);
      }
      return [...byWorkload.values()].sort((a, b) => b.lastDetectedAt - a.lastDetectedAt);
    },

    async timeline({ cluster, since, until, bucketMs }) {
      // Times only: bucketing in JS keeps the SQL identical on both dialects.
      let q = db
        .selectFrom('failures')
        .select('detected_at')
        .where('detected_at', '>=', since)
        .where('detected_at', '<', until);
      if (cluster !== undefined) q = q.where('cluster', '=', cluster);
      const rows = await q.execute();
      const n = Math.max(1, Math.ceil((until - since) / bucketMs));
      const buckets: TimelineBucket[] = Array.from({ length: n }, (_, i) => ({ at: since + i * bucketMs, count: 0 }));
      for (const r of rows) {
        const i = Math.floor((Number(r.detected_at) - since) / bucketMs);
        const b = buckets[i];
        if (b) b.count++;
      }
      return buckets;
    },
  };
}

import type { Kysely } from 'kysely';
import type { Database, ScheduleRunState } from './schema.ts';

export interface ScheduleRun {
  playbook: string;
  scheduledAt: number;
  state: ScheduleRunState;
  recordedAt: number;
}

/**
 * One row per scheduled occurrence of a playbook: claimed before it runs (so two replicas or a
 * restart never run the same occurrence twice), and the occurrences missed while Kubeloop was down,
 * recorded as such rather than replayed.
 */
export interface ScheduleRunRepo {
  /** Claims the occurrence; false when it was already claimed (ran, running or recorded missed). */
  claim(playbook: string, scheduledAt: number, state: 'running' | 'missed', now?: number): Promise<boolean>;
  finish(playbook: string, scheduledAt: number): Promise<void>;
  /** The newest occurrence recorded for the playbook (where catching up starts). */
  latest(playbook: string): Promise<ScheduleRun | undefined>;
  list(playbook?: string, limit?: number): Promise<ScheduleRun[]>;
}

export function createScheduleRunRepo(db: Kysely<Database>): ScheduleRunRepo {
  return {
    async claim(playbook, scheduledAt, state, now = Date.now()) {
      const r = await db
        .insertInto('schedule_runs')
        .values({ playbook, scheduled_at: scheduledAt, state, recorded_at: now })
        .onConflict((oc) => oc.columns(['playbook', 'scheduled_at']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async finish(playbook, scheduledAt) {
      await db
        .updateTable('schedule_runs')
        .set({ state: 'done' })
        .where('playbook', '=', playbook)
        .where('scheduled_at', '=', scheduledAt)
        .execute();
    },
    async latest(playbook) {
      const r = await db
        .selectFrom('schedule_runs')
        .selectAll()
        .where('playbook', '=', playbook)
        .orderBy('scheduled_at', 'desc')
        .executeTakeFirst();
      return r
        ? { playbook: r.playbook, scheduledAt: r.scheduled_at, state: r.state, recordedAt: r.recorded_at }
        : undefined;
    },
    async list(playbook, limit = 100) {
      let q = db.selectFrom('schedule_runs').selectAll();
      if (playbook) q = q.where('playbook', '=', playbook);
      const rows = await q.orderBy('scheduled_at', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        playbook: r.playbook,
        scheduledAt: r.scheduled_at,
        state: r.state,
        recordedAt: r.recorded_at,
      }));
    },
  };
}

import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { instanceKey, type StoredRow } from './analyze.ts';
import type { StoredMixRow } from './mix-analyze.ts';
import { CRASH_LINE } from './workloads.ts';

/**
 * Reads the monitor's SQLite store from the bench process, read-only, while the monitor writes
 * (WAL lets a reader in beside the writer) and after it stopped.
 */
export interface OutboxRow {
  id: number;
  status: string;
  payload: string;
  /** Enqueued (grouping row created), and the last claim by the worker (epoch ms). */
  createdAt: number;
  claimedAt?: number;
}

export class StoreReader {
  private readonly db: SqliteDatabase.Database;

  constructor(dataDir: string) {
    this.db = new SqliteDatabase(join(dataDir, 'kubeloop.db'), { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  /** Instance (uid/container/restartCount) -> failure id, of the rows whose capture (logs, owners, events) is attached. */
  captured(): Map<string, number> {
    const rows = this.db
      .prepare(
        "select id, pod_uid, container, restart_count from failures where json_extract(details, '$.captured') = 1",
      )
      .all() as { id: number; pod_uid: string; container: string | null; restart_count: number }[];
    return new Map(rows.map((r) => [instanceKey(r.pod_uid, r.container ?? '', r.restart_count), r.id]));
  }

  rows(): StoredRow[] {
    const rows = this.db
      .prepare(
        "select id, key, pod_uid, container, restart_count, reason, detected_at, logs, logs_error, json_extract(details, '$.captured') as captured from failures",
      )
      .all() as {
      id: number;
      key: string;
      pod_uid: string;
      container: string | null;
      restart_count: number;
      reason: string;
      detected_at: number;
      logs: string | null;
      logs_error: string | null;
      captured: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      key: r.key,
      podUid: r.pod_uid,
      container: r.container,
      restartCount: Number(r.restart_count),
      reason: r.reason,
      detectedAt: Number(r.detected_at),
      logsLength: r.logs?.length ?? 0,
      logsError: r.logs_error,
      hasCrashLine: r.logs?.includes(CRASH_LINE) ?? false,
      captured: r.captured === 1,
    }));
  }

  /** Every stored failure with what a person reads from it: reason, exit code, logs. */
  mixRows(): StoredMixRow[] {
    const rows = this.db
      .prepare('select pod_uid, container, restart_count, reason, exit_code, logs, logs_error from failures')
      .all() as {
      pod_uid: string;
      container: string | null;
      restart_count: number;
      reason: string;
      exit_code: number | null;
      logs: string | null;
      logs_error: string | null;
    }[];
    return rows.map((r) => ({
      podUid: r.pod_uid,
      container: r.container,
      restartCount: Number(r.restart_count),
      reason: r.reason,
      exitCode: r.exit_code === null ? null : Number(r.exit_code),
      logs: r.logs,
      logsError: r.logs_error,
    }));
  }

  /** Outbox rows (deliveries) with their payload envelope's JSON. */
  outbox(): OutboxRow[] {
    return (
      this.db.prepare('select id, status, payload, created_at, claimed_at from outbox').all() as {
        id: number;
        status: string;
        payload: string;
        created_at: number;
        claimed_at: number | null;
      }[]
    ).map((r) => ({
      id: r.id,
      status: r.status,
      payload: r.payload,
      createdAt: Number(r.created_at),
      claimedAt: r.claimed_at === null ? undefined : Number(r.claimed_at),
    }));
  }

  close(): void {
    this.db.close();
  }
}

import type { ColumnType, Generated } from 'kysely';

/**
 * The database's row shapes as kysely sees them, shared by both dialects.
 *
 * Conventions (hidden from callers behind the repository functions):
 * - Times are epoch milliseconds (INTEGER in SQLite, BIGINT in PostgreSQL, read back as a JS number).
 *   Why numbers and not ISO strings: back-off (`next_attempt_at <= now`), durations
 *   (`resolved_at - detected_at`) and range filters are plain numeric comparisons on both dialects,
 *   and there is no string format to keep uniform (ISO strings with and without milliseconds do not
 *   sort together). The API formats ISO at its edge.
 * - JSON columns are TEXT in SQLite and JSONB in PostgreSQL; the PostgreSQL pool is configured to
 *   return JSON as its raw text, so both dialects read a string here and the repositories parse it.
 * - Booleans are INTEGER 0/1 in SQLite and BOOLEAN in PostgreSQL; written as 0/1 (PostgreSQL
 *   accepts '1'/'0' as boolean input) and read with `Boolean(v)`.
 */

/** Epoch milliseconds. */
type Ms = number;
/** Serialized JSON text on both dialects. */
type JsonText = string;
/** Written as 0/1, read as 0/1 (SQLite) or true/false (PostgreSQL). */
type Bool = ColumnType<number | boolean, number, number>;

export type FailureState = 'open' | 'resolved';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

export interface FailuresTable {
  id: Generated<number>;
  key: string;
  cluster: string;
  namespace: string;
  pod: string;
  pod_uid: string;
  container: string | null;
  node: string | null;
  workload_kind: string;
  workload_name: string;
  owner_chain: JsonText;
  reason: string;
  exit_code: number | null;
  signal: number | null;
  message: string | null;
  restart_count: number;
  state: FailureState;
  pre_existing: Bool;
  detected_at: Ms;
  occurred_at: Ms;
  resolved_at: Ms | null;
  services: JsonText;
  events: JsonText;
  logs: string | null;
  logs_truncated: Bool;
  logs_error: string | null;
  details: JsonText;
}

export interface FindingsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  cluster: string;
  namespace: string | null;
  workload_kind: string | null;
  workload_name: string | null;
  reason: string;
  message: string;
  count: number;
  first_seen: Ms;
  last_seen: Ms;
  involved_object: JsonText;
}

export interface OutboxTable {
  id: Generated<number>;
  failure_id: number | null;
  channel: string;
  payload: JsonText;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Ms;
  last_error: string | null;
  created_at: Ms;
  claimed_at: Ms | null;
  sent_at: Ms | null;
}

export interface MetaTable {
  key: string;
  value: string;
  updated_at: Ms;
}

export type InboxState = 'pending' | 'done' | 'rejected';
export type AlertRowState = 'pending' | 'done';
export type ActionState = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';
export type ScheduleRunState = 'running' | 'done' | 'missed';

export interface AlertLinksTable {
  id: Generated<number>;
  name: string;
  source: string;
  token_hash: string;
  created_at: Ms;
  revoked_at: Ms | null;
  last_used_at: Ms | null;
}

export interface AlertInboxTable {
  id: Generated<number>;
  link_id: number;
  source: string;
  received_at: Ms;
  body: string;
  state: InboxState;
  error: string | null;
  alert_count: number;
}

export interface AlertsTable {
  id: Generated<number>;
  key: string;
  source: string;
  alert_id: string;
  link_id: number | null;
  inbox_id: number | null;
  status: string;
  severity: string;
  title: string;
  labels: JsonText;
  annotations: JsonText;
  starts_at: Ms | null;
  ends_at: Ms | null;
  received_at: Ms;
  raw: JsonText;
  state: AlertRowState;
  duplicates: number;
}

export interface ActionsTable {
  id: Generated<number>;
  key: string;
  playbook: string;
  action: string;
  trigger_kind: string;
  alert_id: number | null;
  failure_id: number | null;
  scheduled_at: Ms | null;
  namespace: string | null;
  target_kind: string | null;
  target_name: string | null;
  state: ActionState;
  dry_run: Bool;
  mutates: Bool;
  spec: JsonText;
  summary: string | null;
  before: JsonText | null;
  after: JsonText | null;
  detail: JsonText | null;
  error: string | null;
  started_at: Ms;
  finished_at: Ms | null;
}

export interface ScheduleRunsTable {
  id: Generated<number>;
  playbook: string;
  scheduled_at: Ms;
  state: ScheduleRunState;
  recorded_at: Ms;
}

export interface Database {
  failures: FailuresTable;
  findings: FindingsTable;
  outbox: OutboxTable;
  meta: MetaTable;
  alert_links: AlertLinksTable;
  alert_inbox: AlertInboxTable;
  alerts: AlertsTable;
  actions: ActionsTable;
  schedule_runs: ScheduleRunsTable;
}

export type DialectName = 'sqlite' | 'postgres';

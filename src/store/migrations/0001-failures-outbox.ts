import { sql, type ColumnDataType, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../schema.ts';

/**
 * First schema: the exception monitor's failures and findings, the notification outbox and a small
 * key/value table. Column types differ per dialect only where SQLite has no equivalent (JSONB,
 * BOOLEAN, identity columns); see schema.ts for the conventions the repositories rely on.
 */
export function migration0001(dialect: DialectName): Migration {
  const pg = dialect === 'postgres';
  const json: ColumnDataType = pg ? 'jsonb' : 'text';
  const bool: ColumnDataType = pg ? 'boolean' : 'integer';
  const ms: ColumnDataType = pg ? 'bigint' : 'integer';
  const falseLiteral = pg ? sql`false` : sql`0`;

  // A surrogate id the API and the outbox refer to: identity on PostgreSQL, rowid alias on SQLite.
  const withId = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('id', pg ? 'bigint' : 'integer', (c) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    );

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('failures'))
        // The dedup key (pod uid / container / restartCount / reason): one row per failure ever seen.
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('pod', 'text', (c) => c.notNull())
        .addColumn('pod_uid', 'text', (c) => c.notNull())
        .addColumn('container', 'text') // null for pod-level failures (Evicted, Failed pod)
        .addColumn('node', 'text')
        .addColumn('workload_kind', 'text', (c) => c.notNull())
        .addColumn('workload_name', 'text', (c) => c.notNull())
        .addColumn('owner_chain', json, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('exit_code', 'integer')
        .addColumn('signal', 'integer')
        .addColumn('message', 'text')
        .addColumn('restart_count', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c
            .notNull()
            .defaultTo('open')
            .check(sql`state in ('open', 'resolved')`),
        )
        .addColumn('pre_existing', bool, (c) => c.notNull().defaultTo(falseLiteral))
        .addColumn('detected_at', ms, (c) => c.notNull())
        .addColumn('occurred_at', ms, (c) => c.notNull())
        .addColumn('resolved_at', ms)
        .addColumn('services', json, (c) => c.notNull())
        .addColumn('events', json, (c) => c.notNull())
        .addColumn('logs', 'text')
        .addColumn('logs_truncated', bool, (c) => c.notNull().defaultTo(falseLiteral))
        .addColumn('logs_error', 'text')
        .addColumn('details', json, (c) => c.notNull())
        .execute();
      // Listing is newest first (detected_at desc, id desc) optionally narrowed by one filter; a
      // B-tree scanned backwards serves the descending order on both dialects.
      await db.schema.createIndex('failures_detected').on('failures').columns(['detected_at', 'id']).execute();
      await db.schema
        .createIndex('failures_namespace_detected')
        .on('failures')
        .columns(['namespace', 'detected_at'])
        .execute();
      await db.schema
        .createIndex('failures_workload_detected')
        .on('failures')
        .columns(['workload_name', 'detected_at'])
        .execute();
      await db.schema
        .createIndex('failures_reason_detected')
        .on('failures')
        .columns(['reason', 'detected_at'])
        .execute();
      await db.schema.createIndex('failures_state_detected').on('failures').columns(['state', 'detected_at']).execute();
      // Resolving a healthy workload touches only its open failures: a partial index keeps it small.
      await db.schema
        .createIndex('failures_open_workload')
        .on('failures')
        .columns(['namespace', 'workload_name', 'workload_kind'])
        .where(sql.ref('state'), '=', 'open')
        .execute();

      await withId(db.schema.createTable('findings'))
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text') // null for cluster-scoped objects (NodeNotReady)
        .addColumn('workload_kind', 'text')
        .addColumn('workload_name', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('first_seen', ms, (c) => c.notNull())
        .addColumn('last_seen', ms, (c) => c.notNull())
        .addColumn('involved_object', json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('findings_last_seen').on('findings').columns(['last_seen', 'id']).execute();
      await db.schema
        .createIndex('findings_namespace_last_seen')
        .on('findings')
        .columns(['namespace', 'last_seen'])
        .execute();
      await db.schema
        .createIndex('findings_workload_last_seen')
        .on('findings')
        .columns(['workload_name', 'last_seen'])
        .execute();

      await withId(db.schema.createTable('outbox'))
        // A delivery outlives a pruned failure (its history stays visible), hence SET NULL.
        .addColumn('failure_id', pg ? 'bigint' : 'integer', (c) => c.references('failures.id').onDelete('set null'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(sql`status in ('pending', 'sending', 'sent', 'failed', 'dead')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', ms, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('claimed_at', ms) // when a worker moved it to 'sending'; lets a restart tell stale claims
        .addColumn('sent_at', ms)
        .execute();
      // The sender's hot query: due rows by status and time.
      await db.schema
        .createIndex('outbox_status_next_attempt')
        .on('outbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema.createIndex('outbox_failure').on('outbox').columns(['failure_id', 'id']).execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['meta', 'outbox', 'findings', 'failures']) await db.schema.dropTable(table).execute();
    },
  };
}

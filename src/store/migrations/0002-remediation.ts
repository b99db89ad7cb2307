import { sql, type ColumnDataType, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../schema.ts';

/**
 * Alert-driven remediation: authorized alert links (token hashes only), the inbox of raw requests
 * (stored before processing, so a crash resumes them), the alerts parsed from them (unique per
 * source and id: a duplicate is acknowledged, never processed twice), the audit log of actions
 * (written before an action runs, completed after), and the record of scheduled runs.
 */
export function migration0002(dialect: DialectName): Migration {
  const pg = dialect === 'postgres';
  const json: ColumnDataType = pg ? 'jsonb' : 'text';
  const bool: ColumnDataType = pg ? 'boolean' : 'integer';
  const ms: ColumnDataType = pg ? 'bigint' : 'integer';
  const ref: ColumnDataType = pg ? 'bigint' : 'integer';
  const falseLiteral = pg ? sql`false` : sql`0`;
  const withId = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('id', pg ? 'bigint' : 'integer', (c) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    );

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable('alert_links'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('source', 'text', (c) => c.notNull())
        // sha256 of the token: a leaked database does not leak working links.
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('revoked_at', ms)
        .addColumn('last_used_at', ms)
        .execute();

      await withId(db.schema.createTable('alert_inbox'))
        .addColumn('link_id', ref, (c) => c.notNull().references('alert_links.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(sql`state in ('pending', 'done', 'rejected')`),
        )
        .addColumn('error', 'text')
        .addColumn('alert_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('alert_inbox_state').on('alert_inbox').columns(['state', 'id']).execute();

      await withId(db.schema.createTable('alerts'))
        // source + '/' + the source's id: the duplicate check.
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('link_id', ref, (c) => c.references('alert_links.id'))
        .addColumn('inbox_id', ref, (c) => c.references('alert_inbox.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('labels', json, (c) => c.notNull())
        .addColumn('annotations', json, (c) => c.notNull())
        .addColumn('starts_at', ms)
        .addColumn('ends_at', ms)
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('raw', json, (c) => c.notNull())
        // pending -> done once every matching playbook has run (a restart resumes pending ones).
        .addColumn('state', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(sql`state in ('pending', 'done')`),
        )
        .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('alerts_received').on('alerts').columns(['received_at', 'id']).execute();
      await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'id']).execute();

      await withId(db.schema.createTable('actions'))
        // trigger key / playbook / action index: a resumed run finds what it already did.
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('playbook', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger_kind', 'text', (c) => c.notNull())
        .addColumn('alert_id', ref, (c) => c.references('alerts.id'))
        .addColumn('failure_id', ref, (c) => c.references('failures.id').onDelete('set null'))
        .addColumn('scheduled_at', ms)
        .addColumn('namespace', 'text')
        .addColumn('target_kind', 'text')
        .addColumn('target_name', 'text')
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('running', 'succeeded', 'failed', 'skipped', 'interrupted')`),
        )
        .addColumn('dry_run', bool, (c) => c.notNull().defaultTo(falseLiteral))
        .addColumn('mutates', bool, (c) => c.notNull().defaultTo(falseLiteral))
        .addColumn('spec', json, (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('before', json)
        .addColumn('after', json)
        .addColumn('detail', json)
        .addColumn('error', 'text')
        .addColumn('started_at', ms, (c) => c.notNull())
        .addColumn('finished_at', ms)
        .execute();
      await db.schema.createIndex('actions_started').on('actions').columns(['started_at', 'id']).execute();
      await db.schema
        .createIndex('actions_target')
        .on('actions')
        .columns(['namespace', 'target_kind', 'target_name', 'started_at'])
        .execute();
      await db.schema.createIndex('actions_alert').on('actions').columns(['alert_id', 'id']).execute();

      await withId(db.schema.createTable('schedule_runs'))
        .addColumn('playbook', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', ms, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running', 'done', 'missed')`))
        .addColumn('recorded_at', ms, (c) => c.notNull())
        .addUniqueConstraint('schedule_runs_playbook_time', ['playbook', 'scheduled_at'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['schedule_runs', 'actions', 'alerts', 'alert_inbox', 'alert_links'])
        await db.schema.dropTable(table).execute();
    },
  };
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { createActionRepo, type ActionRepo } from './actions.ts';
import { createAlertLinkRepo, type AlertLinkRepo } from './alert-links.ts';
import { createAlertRepo, type AlertRepo } from './alerts.ts';
import { createFailureRepo, type FailureRepo } from './failures.ts';
import { createScheduleRunRepo, type ScheduleRunRepo } from './schedule-runs.ts';
import { createFindingRepo, type FindingRepo } from './findings.ts';
import { createFailureStats, type FailureStats } from './failure-stats.ts';
import { createMetaRepo, type MetaRepo } from './meta.ts';
import { migrateToLatest } from './migrate.ts';
import { withStatementCache } from './statement-cache.ts';
import { createOutboxRepo, type OutboxRepo } from './outbox.ts';
import type { Database, DialectName } from './schema.ts';

export interface StoreConfig {
  /** Directory of the embedded SQLite database (`<dataDir>/kubeloop.db`); default `./data`. */
  dataDir?: string;
  /** PostgreSQL instead of SQLite when `url` is a postgres:// or postgresql:// URL. */
  database?: { url?: string; poolMax?: number };
  /** Called after every query with its SQL and duration (metrics, profiling). */
  onQuery?: (sql: string, ms: number) => void;
}

export interface Store {
  readonly dialect: DialectName;
  /** For modules that need a query the repositories do not offer yet; prefer adding one. */
  readonly db: Kysely<Database>;
  readonly failures: FailureRepo;
  readonly failureStats: FailureStats;
  readonly findings: FindingRepo;
  readonly outbox: OutboxRepo;
  readonly meta: MetaRepo;
  readonly alertLinks: AlertLinkRepo;
  readonly alerts: AlertRepo;
  readonly actions: ActionRepo;
  readonly scheduleRuns: ScheduleRunRepo;
  close(): Promise<void>;
}

export class StoreOpenError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/** Opens the database, applies pending migrations, and returns the typed repositories. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const url = config.database?.url;
  const { dialect, name, where } = url
    ? postgresDialect(url, config.database?.poolMax)
    : sqliteDialect(config.dataDir ?? './data');
  const onQuery = config.onQuery;
  const db = new Kysely<Database>({
    dialect,
    ...(onQuery ? { log: (e: LogEvent) => onQuery(e.query.sql, e.queryDurationMillis) } : {}),
  });
  try {
    // Reach the database first, so an unreachable server or a bad password reads as such rather
    // than as a failed migration.
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new StoreOpenError(`store: cannot open ${where}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  try {
    await migrateToLatest(db, name);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  return {
    dialect: name,
    db,
    failures: createFailureRepo(db),
    failureStats: createFailureStats(db),
    findings: createFindingRepo(db),
    outbox: createOutboxRepo(db, name),
    meta: createMetaRepo(db),
    alertLinks: createAlertLinkRepo(db),
    alerts: createAlertRepo(db),
    actions: createActionRepo(db),
    scheduleRuns: createScheduleRunRepo(db),
    close: () => db.destroy(),
  };
}

function sqliteDialect(dataDir: string): { dialect: Dialect; name: DialectName; where: string } {
  const dir = resolve(dataDir);
  const file = join(dir, 'kubeloop.db');
  let database: SqliteDatabase.Database;
  try {
    mkdirSync(dir, { recursive: true });
    database = new SqliteDatabase(file);
  } catch (err) {
    throw new StoreOpenError(
      `store: cannot open SQLite database ${file}: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  // WAL: readers (the API) never block the writer (the monitor). busy_timeout: a second process on
  // the same file (a CLI command next to `kubeloop up`) waits for the lock instead of failing at once.
  // synchronous=NORMAL is durable across application crashes in WAL mode, and much faster than FULL.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return {
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    name: 'sqlite',
    where: `SQLite database ${file}`,
  };
}

/**
 * BIGINT (ids, epoch-ms times, counts) is read as a JS number: every value we store is below 2^53.
 * JSON/JSONB are read as their text so the repositories decode both dialects the same way.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser(oid, format) {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    if (oid === pg.types.builtins.JSON || oid === pg.types.builtins.JSONB) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

function postgresDialect(url: string, poolMax = 10): { dialect: Dialect; name: DialectName; where: string } {
  const where = `PostgreSQL database ${redact(url)}`;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new StoreOpenError(`store: database.url must start with postgres:// or postgresql://, got ${redact(url)}`);
  }
  const pool = new pg.Pool({ connectionString: url, max: poolMax, types: typeParsers });
  // An idle client losing its connection (server restart) emits on the pool; without a listener
  // that would crash the process. The next query gets a fresh connection.
  pool.on('error', () => undefined);
  return { dialect: new PostgresDialect({ pool }), name: 'postgres', where };
}

/** The URL without its password, for error messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import { migration0001 } from './migrations/0001-failures-outbox.ts';
import { migration0002 } from './migrations/0002-remediation.ts';
import type { Database, DialectName } from './schema.ts';

/**
 * The ordered list of migrations, in code rather than read from a folder at run time: the bundle
 * and the tsx runtime see the same set, and a missing file is a compile error. Names sort in order
 * (kysely applies them alphabetically), so they keep the NNNN- prefix of their file.
 */
function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-failures-outbox': migration0001(dialect),
    '0002-remediation': migration0002(dialect),
  };
}

export class StoreMigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string | undefined,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'StoreMigrationError';
  }
}

/**
 * Brings the schema to the latest version. Kysely records applied migrations in its own table and
 * takes a lock while migrating (an advisory lock on PostgreSQL), so two replicas starting together
 * apply each migration once. Any failure rejects: running on a half-migrated schema is worse than
 * not starting.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    const what = failed ? `migration ${failed} failed` : 'migrating the database failed';
    throw new StoreMigrationError(`store: ${what} (${dialect}): ${why}`, failed, error);
  }
  return results;
}

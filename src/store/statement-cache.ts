import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL costs more than running it
 * for the monitor's small inserts and updates (a third of the store's CPU in a crash storm). This
 * wrapper hands Kysely a cached prepared statement per SQL text, least recently used dropped first.
 * Safe because Kysely runs one query at a time on the connection and reads results fully.
 */
export function withStatementCache(db: SqliteDatabase, max = 256): { prepare(sql: string): Statement; close(): void } {
  const cache = new Map<string, Statement>();
  return {
    prepare(sql: string): Statement {
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert: Map order is insertion order, so the first key is the least recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
}

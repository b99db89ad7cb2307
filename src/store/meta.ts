import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Small named values that must survive a restart (the last resourceVersion of a watch, the time of
 * the last summary...). Values are strings; callers own their format.
 */
export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, now?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export function createMetaRepo(db: Kysely<Database>): MetaRepo {
  return {
    async get(key) {
      const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    async set(key, value, now = Date.now()) {
      await db
        .insertInto('meta')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    },
    async delete(key) {
      await db.deleteFrom('meta').where('key', '=', key).execute();
    },
  };
}

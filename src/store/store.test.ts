import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreMigrationError, StoreOpenError } from './index.ts';
import { backends, storeOpener, type Backend } from './test-backends.ts';

/** Puts a conflicting `failures` table into a fresh database so the first migration must fail. */
async function sabotage(backend: Backend, config: Awaited<ReturnType<Backend['fresh']>>): Promise<void> {
  if (backend.name === 'sqlite') {
    const dir = config.dataDir ?? '';
    mkdirSync(dir, { recursive: true });
    const db = new SqliteDatabase(join(dir, 'kubeloop.db'));
    db.exec('create table failures (x integer)');
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: config.database?.url });
  await client.connect();
  await client.query('create table failures (x integer)');
  await client.end();
}

describe.each(backends)('store on $name', (backend) => {
  const stores = storeOpener(backend);
  afterEach(() => stores.closeAll());
  afterAll(() => backend.cleanup());

  it('applies the migrations, and reopening applies nothing twice and keeps the data', async () => {
    const config = await backend.fresh();
    const first = await openStore(config);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(first.db);
    expect(applied.rows.map((r) => r.name)).toEqual(['0001-failures-outbox', '0002-remediation']);
    await first.meta.set('watch/pods/resourceVersion', '12345');
    await first.close();

    const second = await openStore(config);
    try {
      const again = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
      expect(again.rows).toHaveLength(2);
      expect(await second.meta.get('watch/pods/resourceVersion')).toBe('12345');
      expect(second.dialect).toBe(backend.name);
    } finally {
      await second.close();
    }
  });

  it('fails to open, naming the migration, when a migration cannot apply', async () => {
    const config = await backend.fresh();
    await sabotage(backend, config);
    const err = await openStore(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreMigrationError);
    expect((err as StoreMigrationError).migration).toBe('0001-failures-outbox');
    expect((err as Error).message).toMatch(
      /^store: migration 0001-failures-outbox failed \((sqlite|postgres)\): .*failures/,
    );
  });

  it('keeps small state in meta: set, overwrite, delete', async () => {
    const store = await stores.open();
    expect(await store.meta.get('k')).toBeUndefined();
    await store.meta.set('k', 'v1');
    await store.meta.set('k', 'v2');
    expect(await store.meta.get('k')).toBe('v2');
    await store.meta.delete('k');
    expect(await store.meta.get('k')).toBeUndefined();
  });
});

describe('store: dialect specifics', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite');
  afterAll(() => sqlite?.cleanup());

  it('creates <dataDir>/kubeloop.db in WAL mode', async () => {
    if (!sqlite) throw new Error('sqlite backend missing');
    const config = await sqlite.fresh();
    const store = await openStore(config);
    try {
      expect(existsSync(join(config.dataDir ?? '', 'kubeloop.db'))).toBe(true);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
    } finally {
      await store.close();
    }
  });

  it('rejects a database URL that is not PostgreSQL', async () => {
    await expect(openStore({ database: { url: 'mysql://u:secret@h/db' } })).rejects.toThrow(StoreOpenError);
    await expect(openStore({ database: { url: 'mysql://u:secret@h/db' } })).rejects.not.toThrow(/secret/);
  });

  it('reports an unreachable PostgreSQL clearly, without the password', async () => {
    const err = await openStore({ database: { url: 'postgres://kubeloop:hunter2@127.0.0.1:1/kubeloop' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain(
      'store: cannot open PostgreSQL database postgres://kubeloop:***@127.0.0.1:1/kubeloop',
    );
    expect((err as Error).message).not.toContain('hunter2');
  });
});

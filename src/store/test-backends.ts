/**
 * Test-only: the two backends every store test runs against. Each `fresh()` call is an empty,
 * isolated database (a temp dir for SQLite, a new database on one shared server for PostgreSQL).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type RunningPostgres } from '../../test/support/postgres.ts';
import type { NewFailure } from './failures.ts';
import { openStore, type Store, type StoreConfig } from './open.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Config of a new empty database; open it (and reopen it) with openStore. */
  fresh(): Promise<StoreConfig>;
  /** Removes everything fresh() created; call in afterAll. */
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const dir = await mkdtemp(join(tmpdir(), 'kubeloop-store-'));
      dirs.push(dir);
      return { dataDir: join(dir, 'data') };
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

function postgresBackend(): Backend {
  let server: Promise<RunningPostgres> | undefined;
  let n = 0;
  return {
    name: 'postgres',
    async fresh() {
      server ??= startPostgres();
      const pg = await server;
      return { database: { url: await pg.createDatabase(`t${++n}`) } };
    },
    async cleanup() {
      if (server) await (await server).stop();
      server = undefined;
    },
  };
}

export const backends: Backend[] = [sqliteBackend(), postgresBackend()];

/** Opens a store on a fresh database, tracking it so `closeAll` can release it. */
export function storeOpener(backend: Backend): { open(): Promise<Store>; closeAll(): Promise<void> } {
  const open: Store[] = [];
  return {
    async open() {
      const store = await openStore(await backend.fresh());
      open.push(store);
      return store;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}

let seq = 0;

/** A complete failure record; each call is a distinct container instance unless overridden. */
export function sampleFailure(overrides: Partial<NewFailure> = {}): NewFailure {
  seq += 1;
  return {
    cluster: 'default',
    namespace: 'shop',
    pod: `api-7d9f-${seq}`,
    podUid: `uid-${seq}`,
    container: 'api',
    node: 'node-1',
    workloadKind: 'Deployment',
    workloadName: 'api',
    ownerChain: [
      { kind: 'Pod', name: `api-7d9f-${seq}` },
      { kind: 'ReplicaSet', name: 'api-7d9f' },
      { kind: 'Deployment', name: 'api', uid: 'd1' },
    ],
    reason: 'OOMKilled',
    exitCode: 137,
    signal: 9,
    message: 'killed',
    restartCount: 1,
    detectedAt: 1_700_000_000_000 + seq,
    occurredAt: 1_700_000_000_000 + seq - 5,
    ...overrides,
  };
}

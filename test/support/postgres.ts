import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './prometheus.js';

/**
 * A real PostgreSQL for tests, from Debian's binaries (`apt-get install postgresql`; .ci/run does),
 * in a temp dir on a free loopback port. Missing binaries fail loudly: the store's PostgreSQL suite
 * must not silently skip.
 */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL binaries not found (no ${root}/*/bin/initdb and pg_ctl): run \`apt-get install postgresql\` (.ci/run does)`,
    );
  }
  return join(root, newest, 'bin');
}

export interface RunningPostgres {
  /** postgres:// URL of the database created at start. */
  url: string;
  dir: string;
  /** Creates another empty database on the same server and returns its URL (isolation per test). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * initdb and postgres refuse to run as root; under root (CI, this container) they run as Debian's
 * `postgres` user, which then owns the temp dir.
 */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = requirePasswdEntry('postgres');
  return { uid: passwd.uid, gid: passwd.gid };
}

function requirePasswdEntry(name: string): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `running as root and there is no \`${name}\` user to run PostgreSQL as: run \`apt-get install postgresql\` (it creates the user)`,
    );
  }
}

async function run(cmd: string, args: string[], as: RunAs | undefined, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      ...(as ?? {}),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`)),
    );
  });
}

export async function startPostgres(database = 'kubeloop_test'): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const as = unprivilegedUser();
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sock');
  await mkdir(sockets);
  if (as) for (const p of [dir, sockets]) chownSync(p, as.uid, as.gid);
  // HOME and LC_ALL: the postgres user cannot read root's home, and the container may lack locales.
  const env = { HOME: dir, LC_ALL: 'C' };
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    as,
    env,
  );

  const log = join(dir, 'postgres.log');
  let port = 0;
  // A free port can be taken between probing and binding; try a few before giving up.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    // Durability off: a test database is thrown away, and fsync would dominate the suite's time.
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${sockets} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      await run(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', opts, 'start'], as, env);
      break;
    } catch (err) {
      if (attempt >= 3) {
        const text = await readFile(log, 'utf8').catch(() => '');
        await rm(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${text}`);
      }
    }
  }

  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };
  const stop = async () => {
    await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], as, env).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    return { url: await createDatabase(database), dir, createDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

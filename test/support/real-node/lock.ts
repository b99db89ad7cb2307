import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_ROOT } from './host.ts';

const LOCK_DIR = join(NODE_ROOT, 'lock');
const OWNER_FILE = join(LOCK_DIR, 'owner');

export interface NodeLock {
  /** true when the previous holder died without releasing: the host may hold its leftovers. */
  tookOverStale: boolean;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function owner(): Promise<{ pid: number; what: string } | undefined> {
  try {
    const [pid = '', ...rest] = (await readFile(OWNER_FILE, 'utf8')).split('\n');
    return { pid: Number(pid), what: rest.join(' ').trim() };
  } catch {
    return undefined; // the lock is being created or removed right now
  }
}

/**
 * One real node per machine (the kubelet's paths and ports are fixed): a run takes this lock, a
 * second run waits up to `waitMs` and then fails saying who holds the node. mkdir is atomic, so two
 * runs never both take it; a holder that died is detected by its pid and taken over.
 */
export async function lockNode(what: string, waitMs: number): Promise<NodeLock> {
  await mkdir(NODE_ROOT, { recursive: true });
  const deadline = Date.now() + waitMs;
  let tookOverStale = false;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(OWNER_FILE, `${process.pid}\n${what}\n`);
      return { tookOverStale, release: () => rm(LOCK_DIR, { recursive: true, force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`real node: cannot take the lock ${LOCK_DIR}: ${(err as Error).message}`, { cause: err });
    }
    const holder = await owner();
    if (holder && Number.isFinite(holder.pid) && holder.pid > 0 && !alive(holder.pid)) {
      await rm(LOCK_DIR, { recursive: true, force: true });
      tookOverStale = true;
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `REAL NODE BUSY: the machine's one real node is held by pid ${holder?.pid ?? '?'} (${holder?.what ?? 'unknown'}); ` +
          `waited ${Math.round(waitMs / 1000)} s. Only one run can use it at a time (kubelet's paths and ports are fixed).`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

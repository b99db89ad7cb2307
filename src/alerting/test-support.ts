/** Test-only helpers for the alerting tests (nothing in src imports this). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlertingConfig, type AlertingConfig } from './config.ts';
import { openStore, type NewFailure, type Store } from '../store/index.ts';

let seq = 0;

/** A complete failure record of Deployment shop/api; each call is a distinct pod unless overridden. */
export function failureInput(over: Partial<NewFailure> = {}): NewFailure {
  seq += 1;
  const now = Date.now();
  return {
    cluster: 'prod',
    namespace: 'shop',
    pod: `api-7d9f-${seq}`,
    podUid: `uid-${seq}-${now}`,
    container: 'api',
    node: 'node-1',
    workloadKind: 'Deployment',
    workloadName: 'api',
    ownerChain: [
      { kind: 'Pod', name: `api-7d9f-${seq}` },
      { kind: 'ReplicaSet', name: 'api-7d9f' },
      { kind: 'Deployment', name: 'api' },
    ],
    reason: 'OOMKilled',
    exitCode: 137,
    signal: 9,
    message: 'container exceeded its memory limit',
    restartCount: 1,
    detectedAt: now,
    occurredAt: now - 5,
    logs: 'starting\n\u001b[31mERROR\u001b[0m heap exhausted\n',
    ...over,
  };
}

/** A SQLite store in a fresh temp dir; `reopen` opens the same database again (a restart). */
export async function tempStore(): Promise<{
  store: Store;
  dir: string;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-alerting-'));
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await openStore({ dataDir: dir });
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    dir,
    reopen: open,
    async cleanup() {
      await Promise.allSettled(opened.map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function recordFailure(store: Store, over: Partial<NewFailure> = {}): Promise<number> {
  const { id } = await store.failures.insertOnce(failureInput(over));
  return id;
}

/** An alerting config with fast test timings unless overridden. */
export function testConfig(raw: Record<string, unknown>): AlertingConfig {
  return parseAlertingConfig({
    grouping: { window: '0s' },
    delivery: { initialBackoff: '20ms', maxBackoff: '200ms', maxAttempts: 5 },
    ...raw,
  });
}

/**
 * True once no delivery waits or is being sent: what the receivers hold then is all they will
 * get. Tests wait for this instead of sleeping before they check that nothing more was sent.
 */
export async function outboxIdle(store: Store): Promise<true | undefined> {
  const busy = await store.db
    .selectFrom('outbox')
    .select('id')
    .where('status', 'in', ['pending', 'failed', 'sending'])
    .limit(1)
    .executeTakeFirst();
  return busy ? undefined : true;
}

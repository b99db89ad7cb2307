/**
 * Test-only: a real platform server for the browser test — the SQLite store in a temp dir seeded
 * with failures, a finding and deliveries, the HTTP app of src/server/app.ts and the built UI.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildServer } from '../../src/server/app.ts';
import { monitorFeature } from '../../src/monitor/routes.ts';
import { alertingFeature } from '../../src/alerting/routes.ts';
import { openStore, type NewFailure, type Store } from '../../src/store/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const WEB_DIR = join(ROOT, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), s.mtimeMs);
}

/** Builds web/dist when it is missing or older than the UI's sources, so the test never runs a stale UI. */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(WEB_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(WEB_DIR, 'src')),
    newestMtime(join(WEB_DIR, 'index.html')),
    newestMtime(join(WEB_DIR, 'vite.config.ts')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  await promisify(execFile)(vite, ['build', '--config', join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    timeout: 120_000,
  }).catch((err: unknown) => {
    throw new Error(
      `building the web UI failed (npm run build:web): ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  });
}

export const CLUSTER = 'sim';
const HOUR = 3_600_000;

/** The failure whose page the test studies: coloured logs, a <script> line, events, deliveries. */
export const CHECKOUT_LOGS = [
  '\u001b[32mINFO\u001b[0m starting checkout v2.3.1 on :8080',
  '\u001b[33mWARN\u001b[0m connection pool nearly exhausted (95%)',
  '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">',
  '\u001b[1;31mERROR\u001b[0m upstream timeout after 30s calling payments',
  '\u001b[38;5;208m256-colour orange\u001b[0m and \u001b[38;2;10;200;30mtrue colour\u001b[0m \u001b[2K\u001b]0;title\u0007done',
  'panic: timeout waiting for lock',
  '',
].join('\n');

export interface SeededIds {
  checkout: number;
  logsError: number;
  /** How many failures in all, and in namespace "pay". */
  total: number;
  pay: number;
}

let seq = 0;
function failure(
  over: Partial<NewFailure> & Pick<NewFailure, 'namespace' | 'workloadName' | 'reason'>,
  now: number,
): NewFailure {
  seq += 1;
  const pod = `${over.workloadName}-5d8f-${String(seq).padStart(3, '0')}`;
  const detectedAt = over.detectedAt ?? now - (seq % 23) * HOUR - seq * 1000;
  return {
    cluster: CLUSTER,
    pod,
    podUid: `uid-${seq}`,
    container: 'app',
    node: `node-${(seq % 3) + 1}`,
    workloadKind: 'Deployment',
    ownerChain: [
      { kind: 'Pod', name: pod },
      { kind: 'ReplicaSet', name: `${over.workloadName}-5d8f` },
      { kind: 'Deployment', name: over.workloadName },
    ],
    exitCode: 1,
    message: 'Error',
    restartCount: seq % 7,
    occurredAt: detectedAt - 400,
    detectedAt,
    ...over,
  };
}

export async function seed(store: Store, now = Date.now()): Promise<SeededIds> {
  const reasons = ['Error', 'CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff'] as const;
  let total = 0;
  let pay = 0;
  for (let i = 0; i < 30; i++) {
    const namespace = i % 3 === 0 ? 'pay' : 'shop';
    const reason = reasons[i % reasons.length] ?? 'Error';
    const workloadName = namespace === 'pay' ? 'ledger' : i % 2 === 0 ? 'cart' : 'web';
    const oom = reason === 'OOMKilled' ? { exitCode: 137, signal: 9 } : {};
    await store.failures.insertOnce(failure({ namespace, workloadName, reason, ...oom }, now));
    total += 1;
    if (namespace === 'pay') pay += 1;
  }
  await store.failures.resolveWorkload({
    cluster: CLUSTER,
    namespace: 'shop',
    workloadKind: 'Deployment',
    workloadName: 'web',
    at: now - 60_000,
  });

  const checkout = await store.failures.insertOnce(
    failure(
      {
        namespace: 'shop',
        workloadName: 'checkout',
        pod: 'checkout-5d8f-abcde',
        reason: 'OOMKilled',
        exitCode: 137,
        signal: 9,
        message: 'OOMKilled: memory limit 256Mi',
        restartCount: 3,
        detectedAt: now - 90_000,
      },
      now,
    ),
  );
  await store.failures.attachCapture(checkout.id, {
    node: 'node-2',
    ownerChain: [
      { kind: 'Pod', name: 'checkout-5d8f-abcde' },
      { kind: 'ReplicaSet', name: 'checkout-5d8f' },
      { kind: 'Deployment', name: 'checkout' },
    ],
    services: ['checkout', 'checkout-headless'],
    events: [
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container app in pod checkout-5d8f-abcde',
        count: 7,
        lastSeen: now - 100_000,
      },
      {
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        count: 12,
        lastSeen: now - 95_000,
      },
    ],
    logs: CHECKOUT_LOGS,
    logsTruncated: true,
    details: { memoryLimit: '256Mi', image: 'registry.local/checkout:2.3.1' },
  });
  const sent = await store.outbox.enqueue(
    { failureId: checkout.id, channel: 'ops-wecom', payload: { text: 'checkout OOMKilled' } },
    now - 80_000,
  );
  await store.outbox.claimDue(10, now - 79_000);
  await store.outbox.markSent(sent.id, now - 79_000);
  const failing = await store.outbox.enqueue(
    { failureId: checkout.id, channel: 'dev-slack', payload: { text: 'checkout OOMKilled' } },
    now - 80_000,
  );
  await store.outbox.claimDue(10, now - 78_000);
  await store.outbox.markFailed(failing.id, 'HTTP 500 from hooks.slack.com', now + 60_000);

  const gone = await store.failures.insertOnce(
    failure({ namespace: 'pay', workloadName: 'worker', reason: 'Error', detectedAt: now - 200_000 }, now),
  );
  await store.failures.attachCapture(gone.id, {
    ownerChain: [],
    services: [],
    events: [],
    logs: '',
    logsTruncated: false,
    logsError: 'container "app" not found: the pod was deleted before its logs could be read',
    details: {},
  });

  await store.findings.upsert({
    key: 'event/shop/checkout/Unhealthy',
    kind: 'Event',
    cluster: CLUSTER,
    namespace: 'shop',
    workloadKind: 'Deployment',
    workloadName: 'checkout',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    count: 12,
    firstSeen: now - 3 * HOUR,
    lastSeen: now - 95_000,
    involvedObject: { kind: 'Pod', name: 'checkout-5d8f-abcde' },
  });
  return { checkout: checkout.id, logsError: gone.id, total: total + 2, pay: pay + 1 };
}

export interface RunningPlatform {
  url: string;
  ids: SeededIds;
  stop(): Promise<void>;
}

/** The store in a temp dir, seeded, behind the real HTTP app on a free loopback port. */
export async function startPlatform(): Promise<RunningPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-ui-'));
  const store = await openStore({ dataDir: dir });
  const ids = await seed(store);
  const app = buildServer({
    notReady: () => undefined,
    webDir: WEB_DIST,
    features: [
      monitorFeature({ store, cluster: CLUSTER }),
      alertingFeature({
        channels: () => [
          { name: 'ops-wecom', type: 'wecom' },
          { name: 'dev-slack', type: 'slack' },
        ],
        routing: () => ({ routes: [], groupingWindowSeconds: 60, rateLimit: { messages: 20, perSeconds: 60 } }),
        sendTest: async () => ({ deliveryId: 1 }),
      }),
    ],
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    ids,
    async stop() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { outboxIdle } from '../../src/alerting/test-support.ts';
import { backends } from '../../src/store/test-backends.ts';
import { WebhookReceiver } from '../support/chat-receivers.ts';
import { actionsOf, startHarness, WEBHOOK_SECRET, type Harness } from './support.ts';

/**
 * Triggers other than a plain alert: a failure found by the exception monitor, a schedule (claimed
 * once per occurrence, missed runs recorded and not replayed), a user function run in a worker,
 * and dry-run, which records what would happen and changes nothing.
 */
const HOURLY = {
  name: 'hourly',
  trigger: { schedule: { cron: '0 * * * *' } },
  actions: [{ action: 'notify', title: 'tick {{scheduledAt}}', channels: ['hook'] }],
};
const HOUR = 3_600_000;

const FUNCTION = `
export default async (ctx, alert) => {
  const pods = await ctx.k8s.core.listNamespacedPod({ namespace: alert.labels.namespace });
  ctx.log.info('pods in ' + alert.labels.namespace + ': ' + pods.items.length);
  return { pods: pods.items.length, factor: ctx.params.factor };
};
`;

afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

describe.each(backends)('failure, schedule and function triggers on a $name store', (backend) => {
  let sim: SimCluster;
  let h: Harness;
  let functions: string;
  let dataDir: string;
  let receiver: WebhookReceiver;
  let apps: AppsV1Api;
  let storeConfig: Record<string, unknown> = {};

  beforeAll(async () => {
    sim = await startSimCluster({ port: 0, scenario: 'demo' });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    apps = kc.makeApiClient(AppsV1Api);
    functions = await mkdtemp(join(tmpdir(), 'kubeloop-functions-'));
    dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-triggers-'));
    receiver = await new WebhookReceiver({ secret: WEBHOOK_SECRET }).start();
    await writeFile(join(functions, 'count-pods.mjs'), FUNCTION);
    // The platform's store on this backend (the restart below reopens the same database).
    const db = backend.name === 'postgres' ? (await backend.fresh()).database : undefined;
    storeConfig = db ? { database: db } : {};
    h = await startHarness(
      sim.kubeconfig(),
      {
        functionsDir: functions,
        playbooks: [
          {
            name: 'crash-notify',
            trigger: { failure: { reasons: ['Error'], workloads: ['crashy'] } },
            actions: [
              { action: 'notify', title: 'crash of {{failure.pod}}' },
              { action: 'scale_out', max: 3 },
            ],
            dryRun: true,
          },
          {
            name: 'count-pods',
            trigger: { alert: { source: 'generic', labels: { alertname: 'Count' } } },
            actions: [{ action: 'run_function', function: 'count-pods.mjs', params: { factor: 2 }, timeoutMs: 20_000 }],
          },
          HOURLY,
        ],
      },
      { dataDir, receiver, config: storeConfig },
    );
    expect(h.platform.store.dialect).toBe(backend.name);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await receiver?.stop();
    await sim?.stop();
    for (const d of [functions, dataDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('runs a failure playbook for a crash the monitor records; dry-run scales nothing and says what it would do', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'crashy' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'crashy' } },
          template: {
            metadata: {
              labels: { app: 'crashy' },
              annotations: { 'sim.kubeloop.dev/crash-after': '1s', 'sim.kubeloop.dev/exit-code': '3' },
            },
            spec: { containers: [{ name: 'app', image: 'crashy:1' }] },
          },
        },
      },
    });
    const actions = await eventually(
      'the failure playbook to run',
      async () => {
        await h.platform.remediation.settle();
        const r = (await (await fetch(`${h.platform.url}/api/v1/actions?playbook=crash-notify`)).json()) as {
          items: {
            action: string;
            state: string;
            summary: string;
            dryRun: boolean;
            trigger: { failureId: number | null };
          }[];
        };
        return r.items.length >= 2 ? r.items : undefined;
      },
      30_000,
    );
    const scale = actions.find((a) => a.action === 'scale_out');
    expect(scale).toMatchObject({ state: 'succeeded', dryRun: true });
    expect(scale?.summary).toBe('dry run: would scale Deployment default/crashy replicas 1 -> 2');
    expect(scale?.trigger.failureId).toBeGreaterThan(0);
    expect(actions.find((a) => a.action === 'notify')?.summary).toMatch(/^dry run: would notify/);
    expect((await apps.readNamespacedDeployment({ name: 'crashy', namespace: 'default' })).spec?.replicas).toBe(1);
  }, 60_000);

  it('runs a user function in a worker with the cluster client and records its value and logs', async () => {
    const link = await h.link('generic', 'generic-count');
    const r = await h.post(link, { id: 'count-1', labels: { alertname: 'Count', namespace: 'gc-dev' } });
    expect(r.status).toBe(202);
    await h.platform.remediation.settle();
    const [a] = await actionsOf(h.platform, (r.json.accepted as { id: number }[])[0]?.id ?? 0);
    expect(a?.state, a?.summary).toBe('succeeded');
    const detail = (
      a as unknown as { detail: { result: { value: { pods: number; factor: number }; logs: { message: string }[] } } }
    ).detail.result;
    expect(detail.value.factor).toBe(2);
    expect(detail.value.pods).toBeGreaterThanOrEqual(7);
    expect(detail.logs.map((l) => l.message)).toContain(`pods in gc-dev: ${detail.value.pods}`);
  }, 60_000);

  it('claims each scheduled occurrence once and records the ones missed while down without running them', async () => {
    const at = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    expect(await h.platform.remediation.schedules.fire('hourly', at)).toBe(true);
    expect(await h.platform.remediation.schedules.fire('hourly', at)).toBe(false);
    const title = `tick ${new Date(at).toISOString()}`;
    await eventually(
      'the scheduled notice',
      async () => h.receiver.accepted.find((m) => m.body.notification.title === title),
      10_000,
    );
    // Restart: the hourly occurrences after the last run are recorded as missed: three, or four if
    // an hour strikes while the platform restarts (the count is taken at its start, in between).
    const last = (await h.platform.store.scheduleRuns.latest('hourly'))?.scheduledAt ?? at;
    await h.stop();
    const restarting = Date.now();
    h = await startHarness(
      sim.kubeconfig(),
      { functionsDir: functions, playbooks: [HOURLY] },
      { dataDir, receiver, config: storeConfig },
    );
    const restarted = Date.now();
    const hoursAfterLast = (t: number): number => Math.floor(t / HOUR) - Math.floor(last / HOUR);
    const missed = h.platform.remediation.schedules.missed.get('hourly') ?? 0;
    expect([hoursAfterLast(restarting), hoursAfterLast(restarted)]).toContain(missed);
    const playbooks = (await (await fetch(`${h.platform.url}/api/v1/playbooks`)).json()) as {
      items: { name: string; recentRuns: { state: string }[] }[];
    };
    expect(playbooks.items[0]?.recentRuns.filter((r) => r.state === 'missed')).toHaveLength(missed);
    // Missed occurrences are not replayed: once nothing runs and nothing waits to be sent, the only
    // tick before the restart is the one fired above (an hour striking since runs for real).
    await h.platform.remediation.settle();
    await eventually('outbox drained', () => outboxIdle(h.platform.store));
    const ticks = h.receiver.accepted.map((m) => m.body.notification.title).filter((t) => t.startsWith('tick '));
    expect(ticks.filter((t) => Date.parse(t.slice('tick '.length)) < restarting)).toEqual([title]);
  }, 60_000);
});

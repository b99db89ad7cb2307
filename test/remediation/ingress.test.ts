import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { openStore, type StoreConfig } from '../../src/store/index.ts';
import { backends } from '../../src/store/test-backends.ts';
import { WebhookReceiver } from '../support/chat-receivers.ts';
import { actionsOf, startHarness, WEBHOOK_SECRET, type Harness } from './support.ts';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin/kubeloop.mjs');

/**
 * Alert ingress at the edge: authorized links (CLI and API), 401 with nothing recorded for a wrong
 * or revoked token, 413 over 1 MiB, 400 naming the field, and the inbox resumed after a restart.
 */
const remediation = {
  playbooks: [
    {
      name: 'scale-on-alert',
      cooldown: '0s',
      trigger: { alert: { source: 'alertmanager' } },
      actions: [{ action: 'scale_out', max: 3 }],
    },
  ],
};

function alertmanager(fingerprint: string, labels: Record<string, string>): Record<string, unknown> {
  const startsAt = new Date().toISOString();
  return {
    version: '4',
    groupKey: '{}:{alertname="HighLoad"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'kubeloop',
    groupLabels: { alertname: 'HighLoad' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighLoad', ...labels },
        annotations: { summary: 'load high' },
        startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prom.example',
        fingerprint,
      },
    ],
  };
}

afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

describe.each(backends)('alert links and the ingress edge on a $name store', (backend) => {
  let sim: SimCluster;
  let h: Harness;
  let dataDir: string;
  let receiver: WebhookReceiver;
  /** The platform's store on this backend, and the CLI flags that reach the same store. */
  let storeConfig: Pick<StoreConfig, 'database'> = {};
  let storeFlags: string[] = [];

  const count = async (table: 'alert_inbox' | 'alerts' | 'actions'): Promise<number> => {
    const n = await h.platform.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n.n);
  };

  beforeAll(async () => {
    sim = await startSimCluster({ port: 0, scenario: 'demo' });
    dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-ingress-'));
    receiver = await new WebhookReceiver({ secret: WEBHOOK_SECRET }).start();
    const db = backend.name === 'postgres' ? (await backend.fresh()).database : undefined;
    storeConfig = db ? { database: db } : {};
    storeFlags = ['--data', dataDir];
    if (db) {
      const file = join(dataDir, 'kubeloop.yaml');
      await writeFile(file, `database:\n  url: ${JSON.stringify(db.url)}\n`);
      storeFlags.push('--config', file);
    }
    h = await startHarness(sim.kubeconfig(), remediation, { dataDir, receiver, config: storeConfig });
    expect(h.platform.store.dialect).toBe(backend.name);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await receiver?.stop();
    await sim?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, lists and revokes links with the CLI while the platform runs; a revoked URL answers 401', async () => {
    const created = await run(process.execPath, [
      CLI,
      'links',
      'create',
      ...storeFlags,
      '--name',
      'am-prod',
      '--source',
      'alertmanager',
    ]);
    const path = /\/api\/v1\/alerts\/[A-Za-z0-9_-]{32}/.exec(created.stdout)?.[0];
    expect(path, created.stdout).toBeDefined();
    const listed = await run(process.execPath, [CLI, 'links', 'list', ...storeFlags]);
    expect(listed.stdout).toMatch(/am-prod\talertmanager\tactive/);
    expect(listed.stdout).not.toContain(path?.split('/').pop() ?? 'x');
    const ok = await h.post(path ?? '', alertmanager('fp-cli', { namespace: 'gc-dev', deployment: 'ruoyi-nacos' }));
    expect(ok.status).toBe(202);
    await run(process.execPath, [CLI, 'links', 'revoke', 'am-prod', ...storeFlags]);
    const before = await count('alert_inbox');
    const revoked = await h.post(
      path ?? '',
      alertmanager('fp-cli-2', { namespace: 'gc-dev', deployment: 'ruoyi-nacos' }),
    );
    expect(revoked.status).toBe(401);
    expect(await count('alert_inbox')).toBe(before);
    const again = await run(process.execPath, [
      CLI,
      'links',
      'create',
      ...storeFlags,
      '--name',
      'am-prod',
      '--source',
      'alertmanager',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 2 });
    const bad = await run(process.execPath, [
      CLI,
      'links',
      'create',
      ...storeFlags,
      '--name',
      'x',
      '--source',
      'nagios',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain('--source');
  }, 60_000);

  it('answers 401 to an unknown token and records nothing', async () => {
    const before = [await count('alert_inbox'), await count('alerts')];
    const r = await h.post(`/api/v1/alerts/${'A'.repeat(32)}`, alertmanager('fp-x', { namespace: 'gc-dev' }));
    expect(r.status).toBe(401);
    expect([await count('alert_inbox'), await count('alerts')]).toEqual(before);
  });

  it('refuses a body over 1 MiB with 413, and bad payloads with 400 naming the field', async () => {
    const link = await h.link('alertmanager');
    const huge = await h.post(link, { version: '4', pad: 'x'.repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    const notJson = await h.post(link, '{"version": "4",');
    expect(notJson.status).toBe(400);
    expect(String(notJson.json.error)).toMatch(/not JSON/);
    const noFingerprint = alertmanager('fp', { namespace: 'gc-dev' });
    delete (noFingerprint.alerts as Record<string, unknown>[])[0]?.fingerprint;
    const bad = await h.post(link, noFingerprint);
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('alerts[0].fingerprint');
    const wrongVersion = await h.post(link, { ...alertmanager('fp', {}), version: '3' });
    expect(wrongVersion).toMatchObject({ status: 400, json: { field: 'version' } });
  });

  it('resumes a stored request after a restart and processes it once', async () => {
    await h.link('alertmanager', 'am-resume');
    await h.stop();
    // A request stored in the inbox by a process that died before parsing it.
    const store = await openStore({ dataDir, ...storeConfig });
    const linkRow = (await store.alertLinks.list()).find((l) => l.name === 'am-resume');
    await store.alerts.receive({
      linkId: linkRow?.id ?? 0,
      source: 'alertmanager',
      body: JSON.stringify(alertmanager('fp-resume', { namespace: 'gc-dev', deployment: 'ruoyi-redis' })),
    });
    await store.close();
    h = await startHarness(sim.kubeconfig(), remediation, { dataDir, receiver, config: storeConfig });
    await h.platform.remediation.settle();
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const dep = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'ruoyi-redis', namespace: 'gc-dev' });
    expect(dep.spec?.replicas).toBe(2);
    const alerts = (await (await fetch(`${h.platform.url}/api/v1/alerts?source=alertmanager`)).json()) as {
      items: { id: number; alertId: string; state: string }[];
    };
    const resumed = alerts.items.find((a) => a.alertId.startsWith('fp-resume@'));
    expect(resumed?.state).toBe('done');
    expect((await actionsOf(h.platform, resumed?.id ?? 0)).map((a) => a.state)).toEqual(['succeeded']);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Browser } from 'playwright-core';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { startChatReceivers, type ChatReceivers } from '../support/chat-receivers.ts';
import { launchChromium } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { ensureWebBuilt, WEB_DIST } from '../ui/platform.ts';
import { backends } from '../../src/store/test-backends.ts';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'ui');

let browser: Browser;

beforeAll(async () => {
  await ensureWebBuilt();
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const b of backends) await b.cleanup();
});

// The same path (monitor -> store -> notifier -> UI) on each store the platform can run on.
describe.each(backends)('the platform on the demo scenario, store on $name', (backend) => {
  let sim: SimCluster;
  let platform: Platform;
  let chat: ChatReceivers;
  let dir: string;

  beforeAll(async () => {
    chat = await startChatReceivers({ dingtalk: 'SEC-e2e-secret' });
    sim = await startSimCluster({ port: 0, scenario: 'demo' });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    dir = await mkdtemp(join(tmpdir(), 'kubeloop-e2e-'));
    const db = backend.name === 'postgres' ? (await backend.fresh()).database : undefined;
    const config = configSchema.parse({
      ...(db ? { database: db } : {}),
      alerting: {
        channels: [
          { name: 'ops-wecom', type: 'wecom', url: chat.wecom.url },
          { name: 'ops-dingtalk', type: 'dingtalk', url: chat.dingtalk.url, secret: 'SEC-e2e-secret' },
        ],
        grouping: { window: '1s' },
        routes: [{ match: { namespaces: ['gc-dev', 'default'] }, channels: ['ops-wecom', 'ops-dingtalk'] }],
        lang: 'zh-CN',
      },
    });
    platform = await startPlatform({ config, kc, cluster: 'sim', dataDir: dir, port: 0, webDir: WEB_DIST });
    expect(platform.store.dialect).toBe(backend.name);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await sim?.stop();
    await chat?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("captures the demo's failures, notifies a new crash in WeCom and DingTalk, and shows it in the UI", async () => {
    const pre = await eventually(
      'the unpullable payment-worker',
      async () => {
        const res = await fetch(`${platform.url}/api/v1/failures?namespace=default&workload=payment-worker`);
        const body = (await res.json()) as { items: { id: number; preExisting: boolean; reason: string }[] };
        return body.items[0];
      },
      20_000,
    );
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(pre.reason);

    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'gc-dev',
      body: {
        metadata: {
          name: 'ruoyi-job-crash',
          annotations: {
            'sim.kubeloop.dev/crash-after': '300ms',
            'sim.kubeloop.dev/crash-log': 'java.lang.OutOfMemoryError: Metaspace',
          },
        },
        spec: { containers: [{ name: 'job', image: 'ruoyi/job:3.6' }] },
      },
    });
    const about =
      (text: string) =>
      (m: { body: unknown }): boolean =>
        JSON.stringify(m.body).includes(text);
    const wecom = await eventually(
      'WeCom message',
      async () => chat.wecom.accepted.find(about('ruoyi-job-crash')),
      20_000,
    );
    const dingtalk = await eventually(
      'DingTalk message',
      async () => chat.dingtalk.accepted.find(about('ruoyi-job-crash')),
      20_000,
    );
    const wecomText = JSON.stringify(wecom.body);
    expect(wecomText).toContain('gc-dev');
    expect(wecomText).toContain(`${platform.url}/failures/`);
    expect(JSON.stringify(dingtalk.body)).toContain('ruoyi-job-crash');

    const crash = await eventually('crash listed', async () => {
      const res = await fetch(`${platform.url}/api/v1/failures?namespace=gc-dev&workload=ruoyi-job-crash`);
      return ((await res.json()) as { items: { id: number }[] }).items.at(-1);
    });
    const detail = (await (await fetch(`${platform.url}/api/v1/failures/${crash.id}`)).json()) as {
      deliveries: { channel: string; status: string }[];
      logs: string;
    };
    expect(detail.logs).toContain('java.lang.OutOfMemoryError: Metaspace');
    await eventually('deliveries sent', async () => {
      const d = (await (await fetch(`${platform.url}/api/v1/failures/${crash.id}`)).json()) as {
        deliveries: { status: string }[];
      };
      return d.deliveries.length >= 2 && d.deliveries.every((x) => x.status === 'sent') ? true : undefined;
    });

    // The SQLite run's screenshots keep their names; the PostgreSQL run's get a suffix.
    const shot = backend.name === 'sqlite' ? '' : `-${backend.name}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${platform.url}/failures`);
      await page.getByText('ruoyi-job-crash').first().waitFor({ timeout: 15_000 });
      await page.getByText('payment-worker').first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `demo-failures${shot}.png`), fullPage: true });
      await page.goto(`${platform.url}/failures/${crash.id}`);
      await page.getByText('java.lang.OutOfMemoryError: Metaspace').first().waitFor({ timeout: 15_000 });
      await page.getByText('ops-wecom').first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `demo-failure-detail${shot}.png`), fullPage: true });
      await page.goto(`${platform.url}/`);
      await page.getByText('gc-dev').first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(ARTIFACTS, `demo-overview${shot}.png`), fullPage: true });
      await page.goto(`${platform.url}/channels`);
      await page.locator('#routing-table').getByText('gc-dev, default').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(ARTIFACTS, `demo-channels${shot}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);
});

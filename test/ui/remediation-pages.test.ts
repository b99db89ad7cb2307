/**
 * The remediation pages in Debian's Chromium against the whole platform (store, monitor, notifier,
 * remediation, HTTP app, built UI) on the demo sim, with three playbooks: seed 000's scale-out and a
 * log capture on Guance alerts, and a dry-run schedule. The test creates an alert link through the
 * UI, reads the URL it shows once, posts a Guance alert to it and follows the alert through the
 * Alerts, Actions and Playbooks pages; then the language switch, and a revoke that makes the URL
 * answer 401. Screenshots go to test-artifacts/ui/.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { guanceAlert } from '../remediation/support.ts';
import { launchChromium } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { expectCount, PageSession } from './page-session.ts';
import { ensureWebBuilt, WEB_DIST } from './platform.ts';

const SHOTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'ui');
const NS = 'gc-dev';
const LINK = 'guance-ui';

const PLAYBOOKS = [
  {
    name: 'seed-scale-out',
    cooldown: '0s',
    trigger: { alert: { source: 'guance' } },
    actions: [{ action: 'scale_out', max: 5 }],
  },
  {
    name: 'keep-logs',
    description: 'Keep the last lines of the alerting pod with the alert.',
    trigger: { alert: { source: 'guance' } },
    conditions: ['severity=~"warning|critical"'],
    actions: [{ action: 'capture_logs', tailLines: 20 }],
  },
  {
    name: 'nightly-restart',
    dryRun: true,
    trigger: { schedule: { cron: '0 3 * * *' } },
    actions: [{ action: 'rollout_restart' }],
  },
];

let sim: SimCluster;
let platform: Platform;
let dataDir: string;
let apps: AppsV1Api;
let browser: Browser;
let page: Page;
let session: PageSession;
/** The ruoyi-system pod the alert names (running, so its logs can be captured). */
let pod: string;
/** Shared by the steps below, in order: the URL the UI showed once, the alert it received. */
let linkUrl = '';
let alertId = 0;

async function startAll(): Promise<void> {
  sim = await startSimCluster({ port: 0, scenario: 'demo' });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-ui-remediation-'));
  const config = configSchema.parse({ remediation: { playbooks: PLAYBOOKS } });
  platform = await startPlatform({ config, kc, cluster: 'sim', dataDir, port: 0, webDir: WEB_DIST });
  pod = await eventually(
    'a running ruoyi-system pod',
    async () => {
      const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=ruoyi-system' });
      return pods.items.find((p) => p.status?.containerStatuses?.every((c) => c.state?.running))?.metadata?.name;
    },
    60_000,
    100,
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [, browser] = await Promise.all([ensureWebBuilt(), launchChromium(), startAll()]);
  session = new PageSession(browser, () => platform.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await sim?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  page = await session.open(path);
  return page;
}

afterEach(async () => {
  expect(await session.close()).toEqual([]);
});

const count = expectCount;

/** The DOM members the layout check reads (the root tsconfig has no DOM lib; this runs in the page). */
interface Box {
  scrollWidth: number;
}

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const text = async (locator: Locator): Promise<string> => (await locator.innerText()).replace(/\s+/g, ' ');
const postAlert = (url: string, eventId: string): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(guanceAlert(eventId, NS, pod)),
  });

describe('remediation pages', () => {
  it('empty states say what to do before anything is received', async () => {
    await open('/alerts');
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await page
      .getByText("No alerts received yet. Create an alert link and point your monitoring system's webhook at it.")
      .waitFor();
    await shot('alerts-empty');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' }).click();
    await page.getByText('No actions yet.').waitFor();
    await page.goto(`${platform.url}/links`);
    await page.getByText('No alert links yet.').waitFor();
  });

  it('alert links: the form creates a link and shows its URL once; bad and taken names are refused', async () => {
    await open('/links');
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.url });
    const name = page.getByLabel('Name');
    await name.fill('Guance Prod');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page
      .getByRole('alert')
      .getByText('Could not create the link: body.name: must be lower-case letters')
      .waitFor();

    await name.fill(LINK);
    await page.getByLabel('Source').selectOption('guance');
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = page.locator('#new-link-url');
    await url.waitFor();
    linkUrl = await url.inputValue();
    expect(linkUrl).toMatch(new RegExp(`^${platform.url}/api/v1/alerts/[A-Za-z0-9_-]{32}$`));
    expect(await text(page.locator('#new-link'))).toContain('will not be shown again');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(linkUrl);

    const row = page.locator(`#links-table tr[data-key="${LINK}"]`);
    await row.waitFor();
    expect(await text(row)).toMatch(new RegExp(`${LINK} Guance Active .* never Revoke`));
    await shot('links-created');

    await name.fill(LINK);
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('alert').getByText(`an alert link named "${LINK}" already exists`).waitFor();
    await page.reload();
    await row.waitFor();
    expect(await page.locator('#new-link-url').count()).toBe(0);
  });

  it('alerts: the alert posted to the link is listed; its page shows labels, annotations and the actions it caused', async () => {
    expect(linkUrl).not.toBe('');
    const res = await postAlert(linkUrl, 'ui-event-1');
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: Array<{ id: number }> };
    alertId = body.accepted[0]?.id ?? 0;
    expect(alertId).toBeGreaterThan(0);
    await platform.remediation.settle();
    expect((await apps.readNamespacedDeployment({ name: 'ruoyi-system', namespace: NS })).spec?.replicas).toBe(2);

    await open('/alerts');
    const rows = page.locator('#alerts-table tbody tr');
    await count(rows, 1);
    expect(await text(rows.first())).toMatch(
      new RegExp(`Guance Firing Warning 位于${NS}中的Pod:${pod}业务压力过高，请尽快处理 ui-event-1 Processed 0`),
    );
    await shot('alerts');

    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `Alert #${alertId}` }).waitFor();
    expect(await text(page.locator('#alert-labels'))).toContain(`pod_name ${pod}`);
    expect(await text(page.locator('#alert-labels'))).toContain('df_monitor_name 弹性扩容demo操作');
    expect(await text(page.locator('#alert-annotations'))).toContain('message CPU 3.81');
    expect(await page.locator('#alert-annotations a').getAttribute('href')).toBe('http://guance.example/keyevents');

    const actions = page.locator('#alert-actions tbody tr[data-key]');
    await count(actions, 2);
    const scale = actions.filter({ hasText: 'scale_out' });
    expect(await text(scale)).toMatch(
      /seed-scale-out scale_out Deployment gc-dev\/ruoyi-system Succeeded scaled Deployment gc-dev\/ruoyi-system replicas 1 -> 2 \(limit 5\)/,
    );
    await scale.getByRole('button', { name: 'Details' }).click();
    const scaleBody = page.locator('#alert-actions .action-body').filter({ hasText: 'seed-scale-out' });
    expect(await text(scaleBody.locator('.change-list'))).toBe('replicas 1 → 2');

    const capture = actions.filter({ hasText: 'capture_logs' });
    expect(await text(capture)).toContain('keep-logs capture_logs');
    expect(await text(capture)).toContain('Succeeded');
    await capture.getByRole('button', { name: 'Details' }).click();
    const captureBody = page.locator('#alert-actions .action-body').filter({ hasText: 'keep-logs' });
    await captureBody.getByRole('heading', { name: 'Captured logs' }).waitFor();
    expect(await captureBody.locator('.log-line').count()).toBeGreaterThan(0);
    await shot('alert-detail');
  });

  it('actions: the audit log lists the action, filters live in the URL, a row expands and opens its page', async () => {
    expect(alertId).toBeGreaterThan(0);
    await open('/actions');
    const rows = page.locator('#actions-table tbody tr[data-key]');
    await count(rows, 2);
    const scale = rows.filter({ hasText: 'scale_out' });
    expect(await text(scale)).toMatch(
      /seed-scale-out scale_out Deployment gc-dev\/ruoyi-system Succeeded scaled .* replicas 1 -> 2/,
    );

    await page.getByLabel('State').selectOption('failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No actions match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('state')).toBe('failed');

    await page.getByLabel('Playbook').fill('seed-scale-out');
    await page.getByLabel('State').selectOption('succeeded');
    await page.getByRole('button', { name: 'Apply' }).click();
    await count(rows, 1);
    const params = new URL(page.url()).searchParams;
    expect([params.get('playbook'), params.get('state')]).toEqual(['seed-scale-out', 'succeeded']);
    await page.getByText('1–1 of 1').waitFor();
    await rows.first().getByRole('button', { name: 'Details' }).click();
    expect(await text(page.locator('#actions-table .change-list'))).toBe('replicas 1 → 2');
    await shot('actions');
    // The longer navigation and the audit log still fit 800 px (the table scrolls inside its card if it must).
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await page.locator('html').evaluate((el: Box) => el.scrollWidth)).toBeLessThanOrEqual(800);
    await shot('actions-800');
    await page.setViewportSize({ width: 1280, height: 900 });

    await rows
      .first()
      .getByRole('link', { name: /^Open action #\d+$/ })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Action #\d+$/ }).waitFor();
    const facts = await text(page.locator('.facts'));
    expect(facts).toContain('Playbook seed-scale-out');
    expect(facts).toContain('Mode Live changes the cluster');
    expect(facts).toContain('Parameters max = 5 step = 1');
    expect(await page.getByRole('link', { name: `Alert #${alertId}` }).getAttribute('href')).toBe(`/alerts/${alertId}`);
    await shot('action-detail');

    await page.goto(`${platform.url}/actions?playbook=keep-logs`);
    await count(rows, 1);
    await rows
      .first()
      .getByRole('link', { name: /^Open action #\d+$/ })
      .click();
    await page.getByRole('heading', { name: 'Captured logs' }).waitFor();
    const detail = await page.locator('.action-body pre.json').innerText();
    expect(detail).toContain('"lines"');
    expect(detail).not.toContain('"text"');
    await shot('action-detail-logs');
  });

  it('playbooks: cards with trigger, conditions, actions and their parameters, mode and cooldown', async () => {
    await open('/playbooks');
    const seed = page.locator('[data-playbook="seed-scale-out"]');
    await seed.waitFor();
    expect(await text(seed)).toMatch(
      /seed-scale-out Mode: global setting Cooldown 0 s Trigger On Alert Sources Guance Status Firing/,
    );
    expect(await text(seed.locator('li[data-action="scale_out"]'))).toBe('scale_out max = 5 step = 1');
    expect(await seed.locator('.param[data-param="max"]').innerText()).toBe('max = 5');
    expect(await text(page.locator('[data-playbook="keep-logs"]'))).toContain(
      'Conditions severity=~"warning|critical"',
    );
    const nightly = await text(page.locator('[data-playbook="nightly-restart"]'));
    expect(nightly).toMatch(/nightly-restart Dry run Cooldown: global setting Trigger On Schedule Cron 0 3 \* \* \*/);
    expect(nightly).toContain('Recent scheduled runs');
    await shot('playbooks');
  });

  it('language: zh-CN translates the new pages and the navigation', async () => {
    await open('/alerts');
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '告警', exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: '主导航' }).innerText()).toMatch(
      /告警\s+自愈动作\s+剧本\s+告警接入/,
    );
    expect(await text(page.locator('#alerts-table tbody tr').first())).toContain('观测云 告警中 警告');
    await shot('alerts-zh');
    await page.getByRole('link', { name: '剧本', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '剧本' }).waitFor();
    await page.getByText('冷却 0 秒').waitFor();
    await shot('playbooks-zh');
  });

  it('revoke: confirmed in place; the URL then answers 401 and records nothing', async () => {
    expect(linkUrl).not.toBe('');
    await open('/links');
    const row = page.locator(`#links-table tr[data-key="${LINK}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(`Revoke ${LINK}? Alerts posted to its URL will be refused`).waitFor();
    await shot('links-revoke-confirm');
    await row.getByRole('button', { name: 'Revoke link' }).click();
    await row.getByText('Revoked').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await shot('links-revoked');

    const res = await postAlert(linkUrl, 'ui-event-2');
    expect(res.status).toBe(401);
    const alerts = (await (await fetch(`${platform.url}/api/v1/alerts`)).json()) as { total: number };
    expect(alerts.total).toBe(1);
  });
});

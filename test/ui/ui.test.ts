/**
 * The web UI in Debian's Chromium against a real platform server (store + HTTP app + built UI):
 * each page loads and shows the stored data, logs render colours safely, search highlights,
 * pagination and filters work, the language switch sticks. Screenshots go to test-artifacts/ui/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { expectCount, PageSession } from './page-session.ts';
import { ensureWebBuilt, startPlatform, type RunningPlatform } from './platform.ts';

const SHOTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'ui');

let platform: RunningPlatform;
let browser: Browser;
let page: Page;
let session: PageSession;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [, platform, browser] = await Promise.all([ensureWebBuilt(), startPlatform(), launchChromium()]);
  session = new PageSession(browser, () => platform.url);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function open(path: string, width = 1280): Promise<Page> {
  page = await session.open(path, width);
  return page;
}

afterEach(async () => {
  expect(await session.close()).toEqual([]);
});

const count = expectCount;

/** The DOM members the layout checks read (the root tsconfig has no DOM lib; these run in the page). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
}

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe('web UI', () => {
  it('overview: open failures by workload, the 24 h timeline, recent findings', async () => {
    await open('/');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const rows = page.locator('#open-failures tbody tr');
    await count(rows, 4); // pay/ledger, pay/worker, shop/cart, shop/checkout (shop/web is resolved)
    expect(await rows.allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/shop\s+Deployment\/checkout\s+1\s+OOMKilled/)]),
    );
    await count(page.locator('svg.timeline rect'), 24);
    expect(await page.locator('svg.timeline').getAttribute('aria-label')).toMatch(
      /Failures per hour over the last 24 hours: \d+ in total/,
    );
    await page.locator('#findings').getByText('Readiness probe failed').waitFor();
    await shot('overview');
  });

  it('failures: numbered pages from the server, filters, client-side sorting; fits 800 px', async () => {
    await open('/failures');
    const rows = page.locator('#failures-table tbody tr');
    await count(rows, 25);
    await page.getByText(`1–25 of ${platform.ids.total}`).waitFor();
    await shot('failures');

    await page.getByRole('link', { name: 'Page 2' }).click();
    await count(rows, platform.ids.total - 25);
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await page.getByText(`26–${platform.ids.total} of ${platform.ids.total}`).waitFor();

    await page.getByLabel('Namespace').fill('pay');
    await page.getByRole('button', { name: 'Apply' }).click();
    await count(rows, platform.ids.pay);
    expect(new Set(await rows.locator('td:nth-child(2)').allInnerTexts())).toEqual(new Set(['pay']));
    expect(new URL(page.url()).searchParams.get('page')).toBeNull();

    const restarts = async (): Promise<number[]> => (await rows.locator('td:nth-child(7)').allInnerTexts()).map(Number);
    await page.getByRole('button', { name: 'Restarts' }).click();
    expect(await page.locator('th[aria-sort="ascending"]').innerText()).toContain('Restarts');
    const asc = await restarts();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.getByRole('button', { name: 'Restarts' }).click();
    const desc = await restarts();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));

    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${platform.url}/failures`);
    await count(rows, 25);
    expect(await page.locator('html').evaluate((el: Box) => el.scrollWidth)).toBeLessThanOrEqual(800);
    // Every column fits: the table needs no horizontal scrolling at 800 px.
    expect(
      await page.locator('.table-wrap').evaluate((el: Box) => el.scrollWidth - el.clientWidth),
    ).toBeLessThanOrEqual(0);
    await shot('failures-800');
  });

  it('failure detail: owner chain, exit code and signal, ANSI logs rendered as text, search, events, deliveries', async () => {
    await open(`/failures/${platform.ids.checkout}`);
    await page.getByRole('heading', { level: 1, name: `Failure #${platform.ids.checkout}` }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: 'Owner chain' }).locator('li').allInnerTexts();
    expect(crumbs.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      'Namespace shop',
      'Deployment checkout',
      'ReplicaSet checkout-5d8f',
      'Pod checkout-5d8f-abcde',
    ]);
    const facts = await page.locator('.facts').innerText();
    expect(facts).toMatch(/Exit code\s+137/);
    expect(facts).toMatch(/Signal\s+9 \(SIGKILL\)/);
    expect(facts).toMatch(/Node\s+node-2/);
    expect(facts).toContain('checkout, checkout-headless');

    const logs = page.locator('.logs-body');
    expect(await logs.locator('.ansi-fg-green').first().innerText()).toBe('INFO');
    expect(await logs.locator('.ansi-fg-red.ansi-bold').first().innerText()).toBe('ERROR');
    expect(
      await logs
        .locator('span[style]')
        .first()
        .evaluate((el: { style: { color: string } }) => el.style.color),
    ).toBe('rgb(255, 135, 0)');
    const text = await logs.innerText();
    expect(text).toContain('<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">');
    expect(text).not.toContain('\u001b');
    expect(text).not.toMatch(/\[\d+m/);
    expect(await logs.locator('script, img').count()).toBe(0);
    expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    await page.locator('.logs-truncated').waitFor();

    const search = page.getByRole('searchbox', { name: 'Search the logs' });
    await search.fill('timeout');
    await count(logs.locator('mark'), 2);
    await page.getByText('1 of 2').waitFor();
    await search.press('Enter');
    await page.getByText('2 of 2').waitFor();
    expect(await logs.locator('mark.current').innerText()).toBe('timeout');
    // A match across a colour change is one match in two pieces.
    await search.fill('error upstream');
    await page.getByText('1 of 1').waitFor();
    expect(await logs.locator('mark').allInnerTexts()).toEqual(['ERROR', ' upstream']);

    expect(await page.locator('#events-table').innerText()).toMatch(/BackOff[\s\S]*Unhealthy/);
    const deliveries = await page.locator('#deliveries-table tbody tr').allInnerTexts();
    expect(deliveries[0]).toMatch(/ops-wecom\s+Sent/);
    expect(deliveries[1]).toMatch(/dev-slack\s+Failed, will retry[\s\S]*HTTP 500 from hooks.slack.com/);
    await search.fill('timeout');
    await shot('failure-detail');
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await page.locator('html').evaluate((el: Box) => el.scrollWidth)).toBeLessThanOrEqual(800);
    await shot('failure-detail-800');

    await page.goto(`${platform.url}/failures/${platform.ids.logsError}`);
    await page.getByText('The logs could not be captured: container "app" not found').waitFor();
    await page.goto(`${platform.url}/failures/999999`);
    await page.getByText('Failure #999999 was not found.').waitFor();
  });

  it('channels: lists the configured channels and sends a test message', async () => {
    await open('/channels');
    const row = page.locator('tr[data-channel="ops-wecom"]');
    await row.getByText('WeCom group robot').waitFor();
    await row.getByRole('button', { name: 'Send test message' }).click();
    await row.getByRole('status').getByText('Queued as delivery #1.').waitFor();
    await shot('channels');
  });

  it('language: zh-CN changes the headings and is remembered across reloads', async () => {
    await open('/');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
    expect(await page.getByRole('navigation', { name: '主导航' }).innerText()).toMatch(/概览\s+故障\s+通知渠道/);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('heading', { name: '各工作负载的未恢复故障' }).waitFor();
    await count(page.locator('#open-failures tbody tr'), 4);
    await shot('overview-zh');

    await page.getByRole('link', { name: '故障', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '故障' }).waitFor();
    await page.getByText(`第 1–25 条，共 ${platform.ids.total} 条`).waitFor();
    await page.goto(`${platform.url}/failures/${platform.ids.checkout}`);
    await page.getByRole('heading', { level: 2, name: '日志' }).waitFor();
    await page.getByText('日志已截断').waitFor();
    await shot('failure-detail-zh');
  });
});

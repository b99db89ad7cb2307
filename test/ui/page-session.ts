import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually } from '../support/eventually.ts';

/**
 * One browser context per test: `open` starts it on a path of the platform and collects page
 * errors and console errors (a failed resource load is an API answer the page shows, not an
 * error); `close` ends it and hands back what was collected, for the test to assert empty.
 */
export class PageSession {
  private current: BrowserContext | undefined;
  private errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: () => string,
  ) {}

  async open(path: string, width = 1280): Promise<Page> {
    this.current = await this.browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
    const page = await this.current.newPage();
    this.errors = [];
    page.on('pageerror', (err) => this.errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) this.errors.push(msg.text());
    });
    await page.goto(this.baseUrl() + path);
    return page;
  }

  /** The open test's browser context (permissions, cookies). */
  get context(): BrowserContext {
    if (!this.current) throw new Error('no page is open');
    return this.current;
  }

  async close(): Promise<string[]> {
    await this.current?.close();
    this.current = undefined;
    return this.errors.splice(0);
  }
}

/** Waits until the locator matches exactly n elements. */
export async function expectCount(locator: Locator, n: number): Promise<void> {
  await eventually(
    `${n} × ${locator.toString()}`,
    async () => ((await locator.count()) === n ? true : undefined),
    5_000,
  );
}

/**
 * The Pay online button in a real browser at a phone's width (390 px): playwright-core driving
 * Debian's chromium. The button is on the invoice page, fits the screen, and its form's 303
 * takes the browser to Stripe's page (the stand-in's) without the page's CSP blocking the
 * redirect. Where /usr/bin/chromium is missing the suite says so loudly and skips.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openChromium } from '../support/chromium.ts';
import { startPayOnlineFixture, type PayOnlineFixture } from './pay-online-fixture.ts';

const available = chromiumAvailable('the Pay online browser test');
const describeInBrowser = available ? describe : describe.skip;

describeInBrowser('paying online in chromium on a phone', () => {
  let f: PayOnlineFixture;
  let chromium: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;

  beforeAll(async () => {
    f = await startPayOnlineFixture();
    await f.setMethods(['us_bank_account', 'card']);
    chromium = await openChromium({ viewport: { width: 390, height: 844 } });
    page = chromium.page;
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await f?.close();
  });

  it("shows the Pay online button within the screen, and its form takes the browser to Stripe's page", async () => {
    const invoice = f.invoices[0]!;
    await page.goto(`${f.api.url}${await f.linkPath(0)}`);
    await page.getByRole('link', { name: invoice.number, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Invoice ${invoice.number}`);
    const button = page.getByRole('button', { name: 'Pay online' });
    const box = (await button.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThanOrEqual(40); // a thumb's target
    // The page itself does not scroll sideways (the visits table scrolls in its own box).
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    await button.click();
    await page.waitForURL(`${f.standin.url}/_standin/checkout/**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Pay Invoice ${invoice.number}`);
    expect(f.standin.checkout.sessions(f.key)).toHaveLength(1);
    expect(chromium.cspViolations).toEqual([]);
  });
});

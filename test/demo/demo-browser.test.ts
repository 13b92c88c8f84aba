/**
 * The demo clicked through in Chromium at a desktop and a phone (390 px) width: the tour's
 * pages from its navigation, the agency portal and the therapist's page from their own links,
 * and the add-on's real sidebar with its calls bridged to the demo: the overview and the plan
 * (the free trial, on a service that bills) are shown, an action says the demo is read-only.
 * Skips loudly without /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeEndpoint } from '../../service/src/payouts/stripe-client.ts';
import { stripeBillingGateway } from '../../service/src/payouts/stripe-billing.ts';
import { startTestApi, type TestApi } from '../api/harness.ts';
import { chromiumAvailable, openChromium } from '../support/chromium.ts';

const available = chromiumAvailable('the demo browser tests');
const describeInBrowser = available ? describe : describe.skip;

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    publicDemo: true,
    // A service that bills orgs (nothing here calls Stripe): the demo's sidebar shows the free trial.
    billing: stripeBillingGateway({
      secretKey: 'sk_test_demo',
      webhookSecret: 'whsec_demo',
      endpoint: stripeEndpoint('http://127.0.0.1:9'),
    }),
  });
});
afterAll(async () => {
  await api?.close();
});

const heading = (page: Page) => page.locator('h1').first().textContent();

for (const { name, viewport } of WIDTHS) {
  describeInBrowser(`the demo in chromium (${name}, ${viewport.width} px)`, () => {
    let browser: Awaited<ReturnType<typeof openChromium>>;
    let page: Page;
    beforeAll(async () => {
      browser = await openChromium({ viewport });
      page = browser.page;
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('tours the account from its start page, nothing wider than the screen', async () => {
      await page.goto(`${api.url}/demo`);
      expect(await heading(page)).toBe('VisitLedger: a live agency account');
      const fits = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
      expect(await fits()).toBe(true);
      const tour = page.getByRole('navigation', { name: 'Demo tour' });
      await tour.getByRole('link', { name: 'Overview' }).click();
      expect(await heading(page)).toMatch(/^Overview of \d{4}-\d{2}$/);
      expect(await fits()).toBe(true);
      await tour.getByRole('link', { name: 'Invoices' }).click();
      expect(await heading(page)).toBe('Invoices');
      const pdf = await page
        .getByRole('link', { name: /\.pdf$/ })
        .first()
        .getAttribute('href');
      const served = await page.request.get(`${api.url}${pdf}`);
      expect(served.headers()['content-type']).toBe('application/pdf');
      await page.getByRole('navigation', { name: 'Demo tour' }).getByRole('link', { name: 'Pay runs' }).click();
      expect(await heading(page)).toBe('Pay runs');
      expect(browser.cspViolations).toEqual([]);
    });

    it('opens the agency portal and a therapist’s page as they see them', async () => {
      await page.goto(`${api.url}/demo`);
      await page.getByRole('navigation', { name: 'Demo tour' }).getByRole('link', { name: 'Agency portal' }).click();
      expect(await heading(page)).toBe('Invoices');
      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Statement of account' }).click();
      expect(await heading(page)).toMatch(/Statement/);
      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'All invoices' }).click();
      await page.locator('tbody a').first().click();
      expect(await heading(page)).toMatch(/^Invoice /);
      await page.getByRole('navigation', { name: 'Demo tour' }).getByRole('link', { name: 'Therapist page' }).click();
      expect(await heading(page)).toBe('Your pages');
      await page.getByRole('link', { name: 'Your pay statements and payments' }).click();
      expect(page.url()).toBe(`${api.url}/demo/therapist/pay`);
      expect(browser.cspViolations).toEqual([]);
    });

    it('runs the add-on’s sidebar on the demo: the overview and the plan are shown, actions are refused', async () => {
      await page.goto(`${api.url}/demo`);
      await page.getByRole('navigation', { name: 'Demo tour' }).getByRole('link', { name: 'Add-on sidebar' }).click();
      expect(page.url()).toBe(`${api.url}/demo/sidebar`);
      await expect.poll(() => page.locator('#connection-state').textContent()).toMatch(/^Connected to demo-\d{4}-\d{2}-\d{2}\.$/);
      await page.getByRole('navigation', { name: 'Actions' }).getByRole('button', { name: 'Plan' }).click();
      await expect.poll(() => page.locator('#plan-headline').textContent()).toBe('Free trial: 30 days left');
      expect(await page.getByRole('button', { name: 'Choose Starter' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Choose Starter' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toMatch(/read-only demo/);

      await page.getByRole('navigation', { name: 'Actions' }).getByRole('button', { name: 'Invoices' }).click();
      await page.getByRole('button', { name: 'Generate invoices' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toMatch(/read-only demo/);
      expect(browser.cspViolations).toEqual([]);
    });
  });
}

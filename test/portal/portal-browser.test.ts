/**
 * The agency portal in a real browser: playwright-core driving Debian's chromium on a
 * fresh profile. Open a link, see the invoices, open one, download its PDF, and be refused
 * with an expired, a revoked and an altered link. Where /usr/bin/chromium is missing the
 * suite says so loudly and skips (CI installs it: .ci/run).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../api/org-builder.ts';
import { startPortalFixture, type PortalFixture } from './portal-fixture.ts';
import { ARGS, CHROMIUM, chromiumAvailable } from '../support/chromium.ts';

const available = chromiumAvailable('the portal browser tests');
const describeInBrowser = available ? describe : describe.skip;

describeInBrowser('the agency portal in chromium', () => {
  let f: PortalFixture;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    f = await startPortalFixture();
    profile = mkdtempSync(join(tmpdir(), 'visitledger-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      acceptDownloads: true,
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await f?.api.close();
  });

  const open = (path: string) => page.goto(`${f.api.url}${path}`);

  it("opens a link, shows the agency's invoices, opens one and downloads its PDF", async () => {
    const { path } = await f.newLink();
    const invoice = f.alphaInvoices[0]!;
    const res = await open(path);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Invoices');
    expect(await page.getByRole('table').getByRole('columnheader').allTextContents()).toEqual([
      'Invoice',
      'Period',
      'Total',
      'Paid',
      'Open',
      'Due',
      'Status',
      'Viewed',
    ]);
    expect(await page.getByRole('link', { name: f.alphaInvoices[1]!.number, exact: true }).count()).toBe(0);
    // The inline stylesheet ran under the CSP: the body has its colour, not the browser's default black.
    expect(await page.evaluate('getComputedStyle(document.body).color')).toBe('rgb(26, 26, 26)'); // a string: the tests' types have no DOM

    await page.getByRole('link', { name: invoice.number, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Invoice ${invoice.number}`);
    expect(await page.getByRole('table').getByRole('row').count()).toBeGreaterThan(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the PDF/ }).click()]);
    expect(download.suggestedFilename()).toBe(`${invoice.number}.pdf`);
    const saved = join(profile, 'downloaded.pdf');
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const issued = await f.api.store.getDocument('alpha', `invoice:${invoice.id}`);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(issued!.sha256);

    await page.getByRole('link', { name: 'All invoices' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: invoice.number, exact: true }) });
    expect(await row.getByRole('cell').last().textContent()).toBe('Yes');
    expect(cspViolations).toEqual([]);
  });

  it('opens a link clicked in a mail on another site: the token becomes a session cookie, and no address after the first holds it', async () => {
    await browser.clearCookies();
    const { path, token } = await f.newLink({ passcode: 'quiet-meadow-31' });
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    // The mail is on another site: the browser keeps SameSite=Strict cookies off the redirect that follows the click.
    await page.route('http://mail.test/', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><p><a href="${f.api.url}${path}">Your invoices</a></p>` }),
    );
    await page.goto('http://mail.test/');
    await page.getByRole('link', { name: 'Your invoices' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Enter the passcode');
    await page.getByLabel('Passcode').fill('quiet-meadow-31');
    await page.getByRole('button', { name: 'Open the invoices' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Invoices');
    await page.getByRole('link', { name: f.alphaInvoices[0]!.number, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Invoice ${f.alphaInvoices[0]!.number}`);

    const session = (await browser.cookies(`${f.api.url}/portal`)).find((c) => c.name === 'portal_session')!;
    expect(session).toMatchObject({ path: '/portal', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(session.value).not.toContain(token);
    const portalPages = visited.filter((url) => url.startsWith(f.api.url));
    expect(portalPages.length).toBeGreaterThan(2);
    expect(portalPages.filter((url) => url.includes(token))).toEqual([]); // the 303 left no page at the token's address
    expect(page.url()).toBe(`${f.api.url}/portal/invoices/${f.alphaInvoices[0]!.id}`);
    expect(cspViolations).toEqual([]);
  });

  it('refuses an expired, a revoked and an altered link with the same page', async () => {
    const expiring = await f.newLink({ days: 1 });
    const revoked = await f.newLink();
    const good = await f.newLink();
    await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${revoked.link.id}/revoke`, { token: f.alpha.ownerToken });
    const alteredPath = `/portal/${good.token.slice(0, -1)}${good.token.endsWith('A') ? 'B' : 'A'}`;
    const saved = f.clock.now;
    f.clock.now = new Date(saved.getTime() + 2 * 86_400_000);
    try {
      const pages: string[] = [];
      for (const path of [expiring.path, revoked.path, alteredPath]) {
        const res = await open(path);
        expect(res?.status(), path).toBe(404);
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This link is not valid');
        expect(await page.getByRole('table').count()).toBe(0);
        pages.push(await page.content());
      }
      expect(new Set(pages).size).toBe(1);
      expect((await open(good.path))?.status()).toBe(200); // the unaltered one still opens
    } finally {
      f.clock.now = saved;
    }
  });
});

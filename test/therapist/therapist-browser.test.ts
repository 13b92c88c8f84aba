/**
 * The therapists' pages in a real browser at phone width (390 px): playwright-core driving
 * Debian's chromium. Open the link, sign in (the test plays Google's authorization page: it
 * answers the redirect with a code from the fake Google, whose token endpoint the service
 * calls), fill in and sign the W-9, consent, and download the posted Copy B; no table pushes a
 * column off the screen, and no style is refused by the CSP. Where /usr/bin/chromium is missing
 * the suite says so loudly and skips (CI installs it: .ci/run).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../api/org-builder.ts';
import { ARGS, CHROMIUM, chromiumAvailable } from '../support/chromium.ts';
import { startTherapistFixture, type TherapistFixture } from './therapist-fixture.ts';

const available = chromiumAvailable('the therapist browser tests');
const describeInBrowser = available ? describe : describe.skip;

describeInBrowser("a therapist's pages in chromium, on a phone", () => {
  let f: TherapistFixture;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    f = await startTherapistFixture();
    await ok(f.api, 'post', '/v1/orgs/alpha/payments', {
      token: f.alpha.ownerToken,
      body: { therapistId: f.alpha.therapistIds[0], amountCents: 250_000, paidOn: '2026-01-30', method: 'ach' },
    });
    profile = mkdtempSync(join(tmpdir(), 'visitledger-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    // Google's authorization page, played: the service's redirect there is answered at once as Google would answer it
    // for the therapist's account, with a code from the fake Google (a route sees the first request of a redirect chain only).
    await page.route(`${f.api.url}/therapist/sign-in`, async (route) => {
      const real = await route.fetch({ maxRedirects: 0 });
      const q = new URL(real.headers().location!).searchParams;
      const code = f.api.google.issueCode({
        email: f.emails[0],
        codeChallenge: q.get('code_challenge')!,
        redirectUri: q.get('redirect_uri')!,
        nonce: q.get('nonce')!,
      });
      await route.fulfill({
        response: real,
        headers: {
          ...real.headers(),
          location: `${f.api.url}/therapist/callback?${new URLSearchParams({ code, state: q.get('state')! })}`,
        },
      });
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await f?.api.close();
  });

  const heading = () => page.getByRole('heading', { level: 1 }).textContent();

  /** Nothing is wider than the screen: no column is pushed off it, and the page does not scroll sideways. */
  async function expectFitsThePhone(): Promise<void> {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const rightEdges = (await page.evaluate(
      '[...document.querySelectorAll("table th, table td")].map((c) => c.getBoundingClientRect().right)',
    )) as number[];
    for (const right of rightEdges) expect(right).toBeLessThanOrEqual(390);
  }

  it('opens the link, signs in with Google, signs the W-9, and sees it on file', async () => {
    const { path } = await f.newLink(0);
    await page.goto(`${f.api.url}${path}`);
    expect(new URL(page.url()).pathname).toBe('/therapist');
    await expect(heading()).resolves.toBe('Sign in');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    // Google's redirect, the callback's page, then its self-reload to the home page.
    await page.getByRole('heading', { level: 1, name: 'Your pages' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/therapist');
    expect(page.url()).not.toContain(path);

    await page.getByRole('link', { name: 'W-9', exact: true }).click();
    await expect(heading()).resolves.toBe('Your W-9');
    await page.getByLabel('1. Name of entity/individual').fill('Thomas A. Becker');
    await page.getByLabel('3a. Federal tax classification').selectOption('individual');
    await page.getByLabel('5. Address').fill('12 Oak Ave');
    await page.getByLabel('6. City').fill('Dublin');
    await page.getByLabel('State (two letters)').fill('OH');
    await page.getByLabel('ZIP code').fill('43017');
    await page.getByLabel('Social security number (SSN)').check();
    await page.getByLabel('TIN', { exact: true }).fill('512-34-6789');
    await page.getByLabel('Signature of U.S. person').fill('Thomas A. Becker');
    await page.getByLabel('I certify the above under penalties of perjury').check();
    await expectFitsThePhone();
    await page.getByRole('button', { name: 'Sign and send my W-9' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('your W-9 is on file');
    expect(await page.content()).toContain('***-**-6789');
    expect(await page.content()).not.toContain('512-34-6789');
  });

  it('shows pay at phone width, consents, and downloads the posted Copy B byte for byte', async () => {
    await page.getByRole('link', { name: 'Pay', exact: true }).click();
    await expect(heading()).resolves.toBe('Your pay');
    await expectFitsThePhone();

    await page.getByRole('link', { name: '1099-NEC', exact: true }).click();
    await page.getByLabel('I consent to receive my Form 1099-NEC electronically').check();
    await page.getByRole('button', { name: 'Give my consent' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('electronically');
    const posted = await ok(f.api, 'post', '/v1/orgs/alpha/tax-years/2026/copy-b/post', { token: f.alpha.ownerToken });
    expect(posted.posted).toHaveLength(1);
    await page.reload();
    await expectFitsThePhone();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const copy = (await f.api.store.listPostedCopyB('alpha', { therapistId: f.alpha.therapistIds[0] }))[0]!;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(copy.sha256);
    expect(cspViolations).toEqual([]);
  });
});

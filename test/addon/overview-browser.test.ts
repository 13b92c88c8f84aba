/**
 * The sidebar's Overview panel in headless Chromium, on the sample org with March closed and
 * money received: it opens on the month at a glance, shows the same figures as the service's
 * overview route (one use case behind both), draws the 12-month chart as inline SVG without
 * Google's CSS package (refused, as offline), and the panel, a step in progress and its result
 * are saved as screenshots for a person to look at (the folder is printed; every other panel's
 * are sidebar-panels-browser.test.ts's). Skips loudly without /usr/bin/chromium.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/money.ts';
import type { OverviewAnswer } from '../../shared/wire/overview.ts';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';
import { openSidebarBrowser, SIDEBAR_URL, type SidebarBrowser } from './support/sidebar-page.ts';
import { chromiumAvailable } from '../support/chromium.ts';

const available = chromiumAvailable('the sidebar Overview browser tests');
const describeInBrowser = available ? describe : describe.skip;

let org: SampleOrg;
let env: AddonEnv;
useSampleOrg('overview', 'owner@overview.example', (ready) => {
  org = ready;
  env = ready.env;
});

const overviewOf = (month?: string): OverviewAnswer =>
  org.api('get', `/v1/orgs/overview/overview${month ? `?month=${month}` : ''}`).body as OverviewAnswer;

describeInBrowser('the Overview panel in chromium', () => {
  let browser: SidebarBrowser;
  let page: Page;
  let shots: string;
  const status = () => page.getByRole('status');
  const figure = async (label: string) =>
    page.locator('#overview-figures tr', { hasText: label }).first().locator('td').nth(1).textContent();

  beforeAll(async () => {
    expect(env.run('syncNow')).toMatchObject({ ok: true });
    // A speech therapy visit, which no bill or pay rate covers: the close holds it, and so does the overview.
    const agencies = org.api('get', '/v1/orgs/overview/agencies').body.agencies as { id: string; name: string }[];
    const therapists = org.api('get', '/v1/orgs/overview/therapists').body.therapists as { id: string; name: string }[];
    const unrated = org.api('post', '/v1/orgs/overview/visits', {
      visits: [
        {
          clientId: 'api-speech-1',
          agencyId: agencies.find((a) => a.name === 'Oakridge Home Health')!.id,
          therapistId: therapists.find((t) => t.name === 'Tom Becker')!.id,
          patient: { name: 'Held Visit Patient', mrn: 'H-1' },
          date: '2026-03-10',
          discipline: 'ST',
          visitType: 'ROUTINE',
        },
      ],
    });
    expect(unrated.body.rows[0].problems.map((p: { code: string }) => p.code)).toEqual(['missing-bill-rate', 'missing-pay-rate']);
    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    expect(env.run('runPayroll', '2026-03')).toMatchObject({ ok: true });
    const invoices = org.api('get', '/v1/orgs/overview/invoices').body.invoices as { agencyId: string; issueDate: string }[];
    const paid = org.api('post', '/v1/orgs/overview/receipts', {
      agencyId: invoices[0]!.agencyId,
      amountCents: 12_345,
      receivedOn: invoices[0]!.issueDate,
      method: 'check',
    });
    expect(paid.status).toBe(201);
    shots = join(mkdtempSync(join(tmpdir(), 'visitledger-overview-')), 'screenshots');
    mkdirSync(shots);
    browser = await openSidebarBrowser(env, { width: 300, height: 900 });
    page = browser.page;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('opens on this month, as the service counts it', async () => {
    env.run('openOverview');
    await page.goto(SIDEBAR_URL);
    await expect.poll(() => status().textContent()).toContain('Overview: done');
    const now = overviewOf();
    expect(await page.locator('#overview-month').inputValue()).toBe(now.month);
    expect(await figure('Collected')).toBe(formatMoney(now.collectedCents));
    expect(await figure('Open receivables')).toBe(formatMoney(now.openReceivablesCents));
    expect(now.collectedCents).toBe(12_345);
    const first = now.blockers.find((b) => b.blocks === 'close') ?? now.blockers[0];
    expect(await status().locator('.next').textContent()).toBe(`Next: ${first?.message ?? 'Nothing blocks the next close.'}`);
    expect(browser.calls).toEqual(['sidebarState', 'monthOverview']);
  });

  it("shows March's figures, margins, chart and what blocks, then a step in progress and its result", async () => {
    await page.getByLabel('Month').first().fill('2026-03');
    await page.getByRole('button', { name: 'Show the month' }).click();
    await expect.poll(() => page.locator('#overview-title').textContent()).toContain('March 2026');
    const march = overviewOf('2026-03');
    expect(march.billedCents).toBeGreaterThan(0);
    expect(march.payrollCents).toBeGreaterThan(0);
    for (const [label, cents] of [
      ['Billed', march.billedCents],
      ['Collected', march.collectedCents],
      ['Open receivables', march.openReceivablesCents],
      ['Payroll', march.payrollCents],
      ['Paid to therapists', march.paidToTherapistsCents],
      ['Owed to therapists', march.owedToTherapistsCents],
      ['Margin', march.marginCents],
    ] as const)
      expect(await figure(label), label).toBe(formatMoney(cents));
    expect(await page.locator('#overview-agencies tr td:first-child').allTextContents()).toEqual(march.byAgency.map((a) => a.agency));
    expect(await page.locator('#overview-agencies tr td:last-child').allTextContents()).toEqual(
      march.byAgency.map((a) => formatMoney(a.marginCents)),
    );
    // The chart: one line per series, a point per month, March's values in each line's title.
    const chart = page.locator('svg#overview-chart');
    expect(await chart.locator('polyline').evaluateAll((lines) => lines.map((l) => l.getAttribute('data-series')))).toEqual([
      'billedCents',
      'collectedCents',
      'payrollCents',
    ]);
    expect(await chart.locator('circle').count()).toBe(3 * march.months.length);
    expect(march.months.at(-1)).toEqual({
      month: '2026-03',
      billedCents: march.billedCents,
      collectedCents: march.collectedCents,
      payrollCents: march.payrollCents,
    });
    expect(await chart.locator('polyline[data-series="billedCents"] title').textContent()).toContain(
      `March 2026 ${formatMoney(march.billedCents)}`,
    );
    expect(march.held).toEqual([
      expect.objectContaining({
        date: '2026-03-10',
        agency: 'Oakridge Home Health',
        therapist: 'Tom Becker',
        discipline: 'ST',
        heldFrom: ['invoice', 'pay'],
      }),
    ]);
    expect(await page.locator('#overview-held-title').textContent()).toBe('Held visits (1)');
    expect(await page.locator('#overview-held li').textContent()).toBe(
      `2026-03-10, Oakridge Home Health, Tom Becker (ST): held from invoice and pay. ${march.held[0]!.reasons.join('; ')}.`,
    );
    expect(await page.locator('#overview-held li').textContent()).not.toContain('Held Visit Patient');
    expect(await page.locator('#overview-w9 li').allTextContents()).toEqual(
      march.missingW9.map(
        (m) =>
          `${m.therapist}: ${m.reason}; paid ${formatMoney(m.paidThisYearCents)}, pay runs ${formatMoney(m.payrollThisYearCents)} this year.`,
      ),
    );
    expect(await page.locator('#overview-blockers li').count()).toBe(Math.max(1, march.blockers.length));
    // No outside script, and Google's stylesheet linked as its docs say (refused here: the fallback styles carry the look).
    expect(await page.locator('script[src]').count()).toBe(0);
    expect(await page.locator('link[rel="stylesheet"]').getAttribute('href')).toBe('https://ssl.gstatic.com/docs/script/css/add-ons1.css');
    expect(await page.getByRole('button', { name: 'Show the month' }).getAttribute('class')).toBe('action');

    await page.screenshot({ path: join(shots, '01-overview.png'), fullPage: true });
    // A step in progress: named, with a moving bar, then a summary and the next step. The call is held
    // in the page until the busy state is seen (the bridge itself answers at once).
    await page.locator('nav button[data-panel="tax1099"]').click();
    await page.getByLabel('Year').fill('2026');
    await page.evaluate(() => {
      const w = globalThis as unknown as { __gasCall: (n: string, a: string) => Promise<string>; __release: () => void };
      const real = w.__gasCall;
      w.__gasCall = (n, a) => new Promise((resolve) => (w.__release = () => resolve(real(n, a))));
    });
    await page.getByRole('button', { name: 'Make the report' }).click();
    await expect.poll(() => status().textContent()).toContain("Adding up the year's payments per therapist for the 1099-NEC");
    expect(await status().getByRole('progressbar').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Make the report' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, '98-busy.png'), fullPage: true });
    await page.evaluate(() => (globalThis as unknown as { __release: () => void }).__release());
    await expect.poll(() => status().textContent()).toContain('1099 report: done');
    expect(await status().getByRole('progressbar').count()).toBe(0);
    await page.screenshot({ path: join(shots, '99-result.png'), fullPage: true });
    console.info(`sidebar screenshots: ${shots}`);
  });
});

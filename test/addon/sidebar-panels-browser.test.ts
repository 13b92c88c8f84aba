/**
 * Every panel of the sidebar in headless Chromium at the sidebar's 300 px, on the sample org
 * with data (emails on file, March closed and paid through the Stripe stand-in, the plan's
 * free trial): each panel's main action is run from its button, then the panel is checked
 * for Google's add-on look (one blue `action` button, a line under every button saying what
 * it does, nothing wider than the sidebar), its result for a summary and a next step, and it
 * is saved as a screenshot for a person to look at (the folder is printed). Google's CSS
 * package is refused, as offline: the sidebar must read without it. Skips loudly without
 * /usr/bin/chromium.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';
import { openSidebarBrowser, SIDEBAR_URL, type SidebarBrowser } from './support/sidebar-page.ts';
import { chromiumAvailable } from '../support/chromium.ts';

const available = chromiumAvailable('the sidebar panels browser tests');
const describeInBrowser = available ? describe : describe.skip;

const ORG = 'panels';
const WIDTH = 300;
let org: SampleOrg;
let env: AddonEnv;
useSampleOrg(
  ORG,
  'owner@panels.example',
  (ready) => {
    org = ready;
    env = ready.env;
  },
  { billing: true },
);

const EMAILS = {
  therapists: { 'Tom Becker': 'tom@therapist.example', 'Lena Fischer': 'lena@therapist.example', 'Omar Haddad': 'omar@therapist.example' },
  agencies: { 'Oakridge Home Health': 'billing@oakridge.example', 'Lakeside Home Care LLC': 'ap@lakeside.example' },
};

/** Writes each name's email into the tab's column 4 (Email, Contact Email), as the owner would type it. */
function typeEmails(tab: string, emails: Record<string, string>): void {
  const sheet = env.book.tab(tab)!;
  const names = sheet.table().map((row) => row[1]);
  for (const [name, email] of Object.entries(emails)) sheet.put(names.indexOf(name) + 1, 4, email);
}

/** The org's Stripe account in the stand-in, each therapist onboarded and with a W-9: Pay contractors pays them all. */
function readyToPay(): void {
  const key = `rk_test_${'p4n3l5ab'.repeat(4)}`;
  const webhookSecret = `whsec_${'c0ffee12'.repeat(4)}`;
  org.service.standin('addPlatform', key, 1_000_000);
  expect(org.api('put', `/v1/orgs/${ORG}/stripe`, { key, webhookSecret }).status).toBe(200);
  org.service.standin('setWebhookEndpoint', key, `${org.service.url}/v1/stripe/webhooks/${ORG}`, webhookSecret);
  const therapists = org.api('get', `/v1/orgs/${ORG}/therapists`).body.therapists as { id: string; name: string }[];
  for (const t of therapists) {
    const onboarding = org.api('post', `/v1/orgs/${ORG}/therapists/${t.id}/stripe-onboarding`);
    expect(onboarding.status).toBe(200);
    org.service.standin('completeOnboarding', onboarding.body.accountId);
  }
  org.service.standin('flushWebhooks');
  const w9 = (legalName: string, serial: number) => ({
    legalName,
    taxClassification: 'individual',
    tinType: 'SSN',
    tin: `400-12-${3456 + serial}`,
    signedOn: '2026-03-02',
    address: { line1: '1 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
  });
  const withW9 = therapists.map((t, i) => ({ id: t.id, name: t.name, w9: w9(t.name, i) }));
  expect(org.api('post', `/v1/orgs/${ORG}/therapists`, { therapists: withW9 }).status).toBe(200);
}

describeInBrowser('every sidebar panel in chromium, with data', () => {
  let browser: SidebarBrowser;
  let page: Page;
  let shots: string;
  let shot = 0;
  const looked = new Set<string>();
  const status = () => page.getByRole('status');
  const panelOf = (panel: string) => page.locator(`#panel-${panel}`);

  beforeAll(async () => {
    typeEmails('Therapists', EMAILS.therapists);
    typeEmails('Agencies', EMAILS.agencies);
    shots = join(mkdtempSync(join(tmpdir(), 'visitledger-panels-')), 'screenshots');
    mkdirSync(shots);
    browser = await openSidebarBrowser(env, { width: WIDTH, height: 900 });
    page = browser.page;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (shots) console.info(`sidebar panel screenshots: ${shots}`);
  });

  async function open(panel: string): Promise<void> {
    await page.locator(`nav button[data-panel="${panel}"]`).click();
    await expect.poll(() => panelOf(panel).isVisible()).toBe(true);
  }

  /** Presses a button of the panel and waits for its result; the result's lines, its "Next:" line last. */
  async function press(panel: string, button: string, title: string): Promise<string[]> {
    await panelOf(panel).getByRole('button', { name: button, exact: true }).click();
    await expect.poll(() => status().locator('h2').textContent()).toBe(`${title}: done`);
    return status().locator('p').allTextContents();
  }

  /** One primary button, a line under every button, nothing wider than the sidebar; then the screenshot. */
  async function looksRight(panel: string): Promise<void> {
    expect(await panelOf(panel).locator('button.action').count(), `${panel}: primary buttons`).toBe(1);
    const unexplained = await panelOf(panel)
      .locator('button')
      .evaluateAll((buttons) =>
        buttons
          .filter((b) => {
            const line = b.nextElementSibling;
            return !(line?.tagName === 'P' && line.classList.contains('hint') && (line.textContent ?? '').trim().length > 0);
          })
          .map((b) => b.textContent),
      );
    expect(unexplained, `${panel}: buttons without a line under them`).toEqual([]);
    const wide = await page.locator(`#panel-${panel} *, #status *`).evaluateAll((shown) => {
      const root = shown[0]!.ownerDocument.documentElement;
      return {
        scrollWidth: root.scrollWidth,
        width: root.clientWidth,
        wider: shown
          .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
          .map((e) => `${e.tagName} ${e.textContent?.slice(0, 40)}`),
      };
    });
    expect(wide, `${panel}: wider than the sidebar`).toEqual({ scrollWidth: WIDTH, width: WIDTH, wider: [] });
    looked.add(panel);
    shot += 1;
    await page.screenshot({ path: join(shots, `${String(shot).padStart(2, '0')}-${panel}.png`), fullPage: true });
  }

  it('Set up: reads the sheet and shows the columns found', async () => {
    env.run('openSetUp');
    await page.goto(SIDEBAR_URL);
    await expect.poll(() => panelOf('setup').isVisible()).toBe(true);
    await panelOf('setup').getByRole('button', { name: 'Read my sheet' }).click();
    await expect.poll(() => page.locator('#mapping tbody tr').count()).toBe(6);
    expect(await page.locator('#import-summary').textContent()).toMatch(/^17 rows read: /);
    await looksRight('setup');
  });

  it('Sync: syncs, then checks a day of history and offers to mark it settled', async () => {
    await open('sync');
    const synced = await press('sync', 'Sync now', 'Sync');
    expect(synced.at(-1)).toMatch(/^Next: /);
    await page.getByLabel('Invoiced and paid through').fill('2026-03-04');
    const checked = await press('sync', 'Check', 'Check history');
    expect(checked.at(-1)).toMatch(/^Next: If you invoiced the agencies and paid the therapists/);
    await expect.poll(() => page.getByRole('button', { name: 'Mark as settled' }).isVisible()).toBe(true);
    await looksRight('sync');
  });

  it('Invoices: closes March', async () => {
    await open('invoices');
    await panelOf('invoices').getByLabel('Month').fill('2026-03');
    const lines = await press('invoices', 'Generate invoices', 'Generate invoices');
    expect(lines[0]).toMatch(/^3 invoices issued for 2026-03:$/);
    expect(lines.at(-1)).toMatch(/^Next: /);
    await looksRight('invoices');
  });

  it('Payroll: makes March’s pay run', async () => {
    await open('payroll');
    await panelOf('payroll').getByLabel('Month').fill('2026-03');
    const lines = await press('payroll', 'Run payroll', 'Run payroll');
    expect(lines[0]).toMatch(/^(Pay run created|The pay run already existed): payroll:2026-03-01, 3 therapists, \$/);
    expect(lines.at(-1)).toBe('Next: Check the Payroll tab, then use Pay contractors.');
    await looksRight('payroll');
  });

  it('Pay: pays every therapist through Stripe', async () => {
    readyToPay();
    await open('pay');
    const lines = await press('pay', 'Pay contractors', 'Pay contractors');
    expect(lines.filter((l) => /: \$[\d,]+\.\d\d, paid$/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toBe('Next: The Payroll tab shows each payment; each therapist sees theirs on their own page.');
    await looksRight('pay');
  });

  it('1099: makes the year’s report, with what to do next', async () => {
    await open('tax1099');
    await page.getByLabel('Year').fill('2026');
    const lines = await press('tax1099', 'Make the report', '1099 report');
    expect(lines[0]).toBe('2026: 0 therapists at or above $2,000.00; forms due 2027-02-01.');
    expect(lines.at(-1)).toBe("Next: No 1099-NEC is due for 2026 so far; make the report again after the year's last payments.");
    await looksRight('tax1099');
  });

  it('Portal links: emails the agencies with a contact', async () => {
    await open('portal');
    const lines = await press('portal', 'Send portal links', 'Send portal links');
    expect(lines.slice(0, 2)).toEqual([
      'Oakridge Home Health: link sent to billing@oakridge.example.',
      'Lakeside Home Care LLC: link sent to ap@lakeside.example.',
    ]);
    expect(lines.at(-1)).toMatch(/^Next: Balances and reminders/);
    await looksRight('portal');
  });

  it('Therapists: names the step, then sends every therapist their link', async () => {
    await open('therapists');
    // The call is held in the page until its step is seen (the bridge itself answers at once).
    await page.evaluate(() => {
      const w = globalThis as unknown as { __gasCall: (n: string, a: string) => Promise<string>; __release: () => void };
      const real = w.__gasCall;
      w.__gasCall = (n, a) =>
        new Promise((resolve) => {
          w.__release = () => {
            w.__gasCall = real;
            resolve(real(n, a));
          };
        });
    });
    await panelOf('therapists').getByRole('button', { name: 'Send to everyone without a link' }).click();
    await expect
      .poll(() => status().locator('.busy').textContent())
      .toBe('Making a link for each therapist who has none, and emailing it…');
    expect(await status().getByRole('progressbar').isVisible()).toBe(true);
    expect(await panelOf('therapists').getByRole('button', { name: 'Send Copy B notices' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, 'busy-therapists.png'), fullPage: true });
    await page.evaluate(() => (globalThis as unknown as { __release: () => void }).__release());
    await expect.poll(() => status().locator('h2').textContent()).toBe('Therapist links: done');
    expect(await status().locator('p').allTextContents()).toEqual([
      ...Object.entries(EMAILS.therapists).map(([name, email]) => `${name}: link sent to ${email}.`),
      'Next: Each therapist signs their W-9 on their page; the Overview lists whoever is paid without one.',
    ]);
    await looksRight('therapists');
  });

  it('Balances and reminders: shows what each agency owes', async () => {
    await open('receivables');
    const lines = await press('receivables', 'Show balances', 'Open balances');
    expect(lines[0]).toMatch(/^As of \d{4}-\d\d-\d\d:$/);
    expect(lines.filter((l) => / open on \d+ invoices?/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toBe('Next: Sync writes every open invoice to the Receivables tab.');
    await looksRight('receivables');
  });

  it('Plan: the free trial, one plan offered first, a Checkout page to open; once subscribed, the billing page', async () => {
    await open('plan');
    await expect.poll(() => page.locator('#plan-headline').textContent()).toBe('Free trial: 30 days left');
    const manage = panelOf('plan').getByRole('button', { name: 'Card, plan and cancelling' });
    expect(await manage.isVisible()).toBe(false);
    const lines = await press('plan', 'Choose Starter', 'Choose a plan');
    expect(lines.at(-1)).toMatch(/^Next: Open Stripe Checkout and enter a card/);
    const checkout = await status().getByRole('link', { name: 'Open Stripe Checkout' }).getAttribute('href');
    expect(checkout).toMatch(/\/_standin\/billing\/checkout\/cs_test_/);
    await looksRight('plan');

    org.service.standin('billing.completeCheckout', checkout!.split('/').at(-1));
    org.service.standin('flushWebhooks');
    await open('receivables');
    await open('plan');
    await expect.poll(() => page.locator('#plan-headline').textContent()).toBe('Starter (in the free trial)');
    expect(await manage.getAttribute('class')).toBe('action');
    const billing = await press('plan', 'Card, plan and cancelling', 'Billing');
    expect(billing.at(-1)).toMatch(/^Next: Open the billing page/);
    expect(await status().getByRole('link', { name: "Open Stripe's billing page" }).getAttribute('href')).toMatch(
      /\/_standin\/billing\/portal\/bps_/,
    );
    await looksRight('plan');
  });

  it('Overview: March’s figures, chart and what blocks', async () => {
    await open('overview');
    await expect.poll(() => status().locator('h2').textContent()).toBe('Overview: done');
    await page.locator('#overview-month').fill('2026-03');
    const lines = await press('overview', 'Show the month', 'Overview');
    expect(lines[0]).toMatch(/^March 2026: billed \$/);
    expect(lines.at(-1)).toMatch(/^Next: /);
    await looksRight('overview');
  });

  it('has looked at every panel the sidebar has', async () => {
    const panels = await page.locator('nav button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-panel')));
    expect(panels.length).toBe(11);
    expect([...looked].sort()).toEqual([...panels].sort());
  });
});

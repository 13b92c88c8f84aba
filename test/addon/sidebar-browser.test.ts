/**
 * The sidebar in headless Chromium (playwright-core, Debian's chromium), its
 * google.script.run bridged to the built script in node:vm, which calls the running
 * service: connect, read the sheet, confirm the near names, write the tabs, sync, and
 * see an unreachable service explained. Skips loudly without /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonEnv, type AddonEnv } from './support/addon-env.ts';
import { buildToTemp } from './support/build-once.ts';
import { addSampleTabs } from './support/sample-sheet.ts';
import { openSidebarBrowser, SIDEBAR_URL, type SidebarBrowser } from './support/sidebar-page.ts';
import { startSyncService, type SyncService } from './support/sync-service.ts';
import { chromiumAvailable } from '../support/chromium.ts';

const available = chromiumAvailable('the add-on sidebar browser tests');
const describeInBrowser = available ? describe : describe.skip;

describeInBrowser('the sidebar in chromium', () => {
  let service: SyncService;
  let env: AddonEnv;
  let browser: SidebarBrowser;
  let page: Page;
  let calls: string[];

  beforeAll(async () => {
    service = await startSyncService();
    const build = await buildToTemp(service.url);
    env = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken('owner@sidebar.example') });
    addSampleTabs(env.book);
    browser = await openSidebarBrowser(env);
    ({ page, calls } = browser);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const status = () => page.getByRole('status');

  it('connects, reads the sheet, asks about near names, writes the tabs and syncs', async () => {
    env.run('openSetUp');
    await page.goto(SIDEBAR_URL);
    await expect.poll(() => page.locator('#connection-state').textContent()).toBe('Not connected to the service yet.');
    expect(calls).toEqual(['sidebarState']);

    expect(await page.locator('#service-origin').textContent()).toBe(`Service: ${service.url}`);
    await page.getByLabel('Org id').fill('sidebar-org');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => status().textContent()).toContain('Connect: done');
    expect(await status().textContent()).toContain('Created the org "Sunrise Therapy Staffing" (sidebar-org)');

    await page.getByRole('button', { name: 'Read my sheet' }).click();
    await expect.poll(() => page.locator('#mapping tbody tr').count()).toBe(6);
    expect(await page.locator('#mapping tbody tr').first().locator('td').allTextContents()).toEqual(['A', 'Clinician', 'therapist']);
    expect(await page.getByLabel('Visit log tab').inputValue()).toBe('Visit Log');
    const oakridge = page.getByLabel(/"Oakridge" \(agency, rows 4\) is/);
    const lakeside = page.getByLabel(/"Lakeside Home Care" \(agency, rows 6, 7, 8\) is/);
    expect(await oakridge.locator('option').allTextContents()).toEqual([
      'not answered yet',
      'Oakridge Home Health ("Oakridge" is a short form of the name)',
      'a different agency of its own',
    ]);
    await oakridge.selectOption('Oakridge Home Health');
    await lakeside.selectOption('Lakeside Home Care LLC');
    await page.getByRole('button', { name: 'Check again with these answers' }).click();
    await expect
      .poll(() => page.locator('#import-summary').textContent())
      .toBe('17 rows read: 10 visits, 1 duplicates, 3 to review, 3 blank or total rows. Your own tabs will not be changed.');

    await page.getByRole('button', { name: 'Write the tabs' }).click();
    await expect.poll(() => status().textContent()).toContain('Set up: done');
    expect(await status().textContent()).toContain('14 visit rows imported; 4 need a look');
    expect(env.book.tab('Visits')!.lastRow()).toBe(15);

    await page.getByRole('navigation').getByRole('button', { name: 'Sync' }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => status().textContent()).toContain('Sync: done');
    expect(await status().locator('p').allTextContents()).toEqual([
      '3 agencies, 3 therapists, 21 bill rates and 8 pay rates sent (new or changed).',
      'Visits: 10 new, 0 changed, 0 unchanged, 0 locked as billed.',
      '4 visit rows not sent: see the Status column on the Visits tab.',
      'Next: Fix the rows whose Status is not OK, then Sync again.',
    ]);
  });

  it('says in plain words when the service cannot be reached, and what to do', async () => {
    const real = env.urlFetch.transport;
    env.urlFetch.transport = () => ({ error: 'ECONNREFUSED' });
    try {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect.poll(() => status().textContent()).toContain('Sync: not done');
      const text = await status().textContent();
      expect(text).toMatch(/could not be reached after 4 tries/);
      expect(text).toContain('Next: Your rows are safe in the sheet; run Sync again when the service is back.');
      expect(await page.locator('#status h2').getAttribute('class')).toBe('error');
    } finally {
      env.urlFetch.transport = real;
    }
  });

  it('offers to mark history settled only after a check of that day found visits to mark', async () => {
    const settle = page.getByRole('button', { name: 'Mark as settled' });
    const day = page.getByLabel('Invoiced and paid through');
    expect(await settle.isVisible()).toBe(false);
    await day.fill('2026-03-04');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => status().textContent()).toContain('Check history: done');
    expect(await status().textContent()).toContain('2 visits dated 2026-03-02 to 2026-03-04 are in VisitLedger, neither billed nor paid.');
    await expect.poll(() => settle.isVisible()).toBe(true);
    await day.fill('2026-03-05'); // another day: check it first
    expect(await settle.isVisible()).toBe(false);
    await day.fill('2026-03-04');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => settle.isVisible()).toBe(true);
    await settle.click();
    await expect.poll(() => status().textContent()).toContain('Mark history settled: done');
    expect(await status().textContent()).toContain('2 visits dated 2026-03-02 to 2026-03-04 marked as billed and paid before VisitLedger');
    expect(await settle.isVisible()).toBe(false);
    expect(calls.slice(-3)).toEqual(['checkHistory', 'checkHistory', 'settleHistory']);
  });

  it('opens on the panel the menu item named, and runs an action from it', async () => {
    env.run('open1099');
    await page.goto(SIDEBAR_URL);
    await expect.poll(() => page.locator('#panel-tax1099').isVisible()).toBe(true);
    expect(await page.locator('#panel-setup').isVisible()).toBe(false);
    await page.getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Make the report' }).click();
    await expect.poll(() => status().textContent()).toContain('1099 report: done');
    expect(await status().textContent()).toContain('2026: 0 therapists at or above $2,000.00; forms due 2027-02-01.');
  });
});

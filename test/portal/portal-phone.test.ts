/**
 * The agency portal on a 390 px phone, in chromium: the invoice list, an invoice and the
 * statement of account read without a column lost off the side. Each table row stacks into
 * lines that start with their column's name; the page never scrolls sideways. Screenshots are
 * written for a person to look at (the path is printed).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../api/org-builder.ts';
import { chromiumAvailable, openChromium } from '../support/chromium.ts';
import { startPortalFixture, type PortalFixture } from './portal-fixture.ts';

const available = chromiumAvailable('the portal phone tests');
const describeInBrowser = available ? describe : describe.skip;
const PHONE = { width: 390, height: 844 };

type CellCheck = { label: string; text: string; left: number; right: number; width: number; shown: boolean };
type Layout = { scrollWidth: number; tables: { caption: string; headers: string[]; cells: CellCheck[] }[] };

/** What the page looks like to a reader: its width, and for every table cell its column label (as drawn) and its box. */
const layoutOf = (page: Page): Promise<Layout> =>
  page.evaluate(`(() => {
    const tables = [...document.querySelectorAll('table')].map((table) => ({
      caption: table.caption ? table.caption.textContent : '',
      headers: [...table.querySelectorAll('thead th')].map((th) => th.textContent),
      cells: [...table.querySelectorAll('tbody td, tbody th, tfoot td')].map((cell) => {
        const box = cell.getBoundingClientRect();
        const style = getComputedStyle(cell);
        const label = getComputedStyle(cell, '::before').content;
        return {
          label: label === 'none' ? '' : label.replace(/^"|"$/g, ''),
          text: cell.textContent,
          left: box.left,
          right: box.right,
          width: box.width,
          shown: style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0,
        };
      }),
    }));
    return { scrollWidth: document.documentElement.scrollWidth, tables };
  })()`) as Promise<Layout>;

describeInBrowser('the agency portal on a 390 px phone', () => {
  let f: PortalFixture;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let shots: string;

  beforeAll(async () => {
    f = await startPortalFixture();
    const agencyId = f.alpha.agencyIds[0]!;
    const invoice = f.alphaInvoices[0]!;
    await ok(f.api, 'post', '/v1/orgs/alpha/receipts', {
      token: f.alpha.ownerToken,
      body: { agencyId, amountCents: 1_000, receivedOn: '2026-02-01', method: 'check', reference: 'CHK-7781', invoiceIds: [invoice.id] },
    });
    browser = await openChromium({ viewport: PHONE });
    shots = join(mkdtempSync(join(tmpdir(), 'visitledger-portal-phone-')), 'screenshots');
    mkdirSync(shots);
    console.info(`portal phone screenshots: ${shots}`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await f?.api.close();
  });

  /** No sideways scroll, and every cell of every table on screen, named by its column. */
  async function expectReadable(name: string): Promise<Layout> {
    const { page } = browser;
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    const layout = await layoutOf(page);
    expect(layout.scrollWidth, name).toBeLessThanOrEqual(PHONE.width);
    expect(layout.tables.length, name).toBeGreaterThan(0);
    for (const table of layout.tables) {
      for (const cell of table.cells) {
        expect(cell.shown, `${name}, ${table.caption}: "${cell.text}"`).toBe(true);
        expect(cell.left, `${name}, ${table.caption}: "${cell.text}"`).toBeGreaterThanOrEqual(0);
        expect(cell.right, `${name}, ${table.caption}: "${cell.text}"`).toBeLessThanOrEqual(PHONE.width);
        expect(table.headers, `${name}, ${table.caption}: "${cell.text}" is labelled "${cell.label}"`).toContain(cell.label);
      }
      // Every column is there: its label is drawn on the rows' cells.
      if (table.cells.length > 0)
        expect(new Set(table.cells.map((c) => c.label)), `${name}, ${table.caption}`).toEqual(new Set(table.headers));
    }
    expect(browser.cspViolations).toEqual([]);
    return layout;
  }

  it('shows the invoice list, one invoice and the statement with every column, without scrolling sideways', async () => {
    const { page } = browser;
    const { path } = await f.newLink();
    const invoice = f.alphaInvoices[0]!;
    expect((await page.goto(`${f.api.url}${path}`))?.status()).toBe(200);

    const list = await expectReadable('1-invoices');
    const invoices = list.tables[0]!;
    expect(invoices.headers).toEqual(['Invoice', 'Period', 'Total', 'Paid', 'Open', 'Due', 'Status', 'Viewed']);
    expect(invoices.cells.find((c) => c.label === 'Invoice')?.text).toBe(invoice.number);
    expect(invoices.cells.find((c) => c.label === 'Paid')?.text).toBe('$10.00');

    await page.getByRole('link', { name: invoice.number, exact: true }).click();
    const one = await expectReadable('2-invoice');
    const visits = one.tables.find((t) => t.caption === 'Visits billed')!;
    expect(visits.headers).toEqual(['Date', 'Patient', 'Therapist', 'Visit', 'Amount']);
    expect(visits.cells.filter((c) => c.label === 'Patient').length).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Statement of account' }).click();
    const statement = await expectReadable('3-statement');
    expect(statement.tables.map((t) => t.caption)).toEqual(['Aging by days past the due date', 'Open invoices', 'Payments and credits']);
    expect(statement.tables[2]!.cells.map((c) => `${c.label}: ${c.text}`)).toContain('Reference: CHK-7781');
  });

  it('keeps the wide table on a wide screen: one row a line, the column headers on top', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1200, height: 800 });
    try {
      const { path } = await f.newLink();
      await page.goto(`${f.api.url}${path}`);
      await page.screenshot({ path: join(shots, '4-invoices-wide.png'), fullPage: true });
      const layout = await layoutOf(page);
      expect(layout.tables[0]!.cells.every((c) => c.label === '')).toBe(true);
      const tops = await page.evaluate(
        `[...document.querySelectorAll('tbody tr:first-child > *')].map((cell) => Math.round(cell.getBoundingClientRect().top))`,
      );
      expect(new Set(tops as number[]).size).toBe(1);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });
});

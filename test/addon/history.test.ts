/**
 * An owner's history from the sidebar: visits the owner invoiced and paid in the spreadsheet
 * before VisitLedger, marked settled by a day, so the month's close neither bills nor pays
 * them. The built add-on in node:vm against the real service, on the sample owner sheet.
 */
import { describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

const THROUGH = '2026-03-04';

let org: SampleOrg;
let env: AddonEnv;
const api: SampleOrg['api'] = (...args) => org.api(...args);

useSampleOrg('history', 'owner@history.example', (ready) => {
  org = ready;
  env = ready.env;
});

const visitsTable = () => env.book.tab('Visits')!.table();
const column = (name: string) => visitsTable()[0]!.indexOf(name);
/** The OK rows of the Visits tab (what Sync sends) dated on or before `day`. */
const okRowsThrough = (day: string) =>
  visitsTable()
    .slice(1)
    .filter((r) => r[column('Status')] === 'OK' && String(r[column('Visit Date')]) <= day);

describe("marking the owner's history settled from the sidebar", () => {
  it('refuses a day that is not one, or has not passed, and changes nothing', () => {
    expect(env.run('checkHistory', '2026-02-30')).toMatchObject({
      ok: false,
      lines: ['"2026-02-30" is not a day: pick the last day you billed and paid outside VisitLedger.'],
    });
    const future = env.run('settleHistory', '2999-01-01');
    expect(future.ok).toBe(false);
    expect(future.lines[0]).toMatch(/2999-01-01 is not a past day/);
    expect(api('get', '/v1/orgs/history/visits?billed=true').body.visits).toEqual([]);
  });

  it('checks first: it syncs, counts the open visits through the day with their dates, and marks nothing', () => {
    const expected = okRowsThrough(THROUGH);
    expect(expected.length).toBeGreaterThan(1); // the sample has visits on 2 and 4 March
    const dates = expected.map((r) => String(r[column('Visit Date')])).sort();
    const check = env.run('checkHistory', THROUGH);
    expect(check).toMatchObject({ ok: true, title: 'Check history' });
    expect(check.lines).toEqual([
      `${expected.length} visits dated ${dates[0]} to ${dates.at(-1)} are in VisitLedger, neither billed nor paid.`,
    ]);
    expect(check.next).toMatch(/press "Mark as settled": no invoice or pay run will include them\. This cannot be undone\.$/);
    expect(env.run('checkHistory', THROUGH).lines).toEqual(check.lines); // still all open
    expect(api('get', '/v1/orgs/history/visits?billed=true').body.visits).toEqual([]);
  });

  it("marks them settled: the month's invoices and pay run leave them out, and an edit of one is locked", () => {
    const settledRows = okRowsThrough(THROUGH);
    const settled = env.run('settleHistory', THROUGH);
    expect(settled).toMatchObject({ ok: true, title: 'Mark history settled' });
    expect(settled.lines[0]).toMatch(new RegExp(`^${settledRows.length} visits dated .* marked as billed and paid before VisitLedger`));
    expect(env.run('checkHistory', THROUGH).lines).toEqual([
      `No visit dated on or before ${THROUGH} is open in VisitLedger: nothing to mark.`,
    ]);

    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    expect(env.run('runPayroll', '2026-03')).toMatchObject({ ok: true });
    const invoices = api('get', '/v1/orgs/history/invoices').body.invoices as { id: string }[];
    const billedDates = invoices.flatMap((i) =>
      (api('get', `/v1/orgs/history/invoices/${i.id}`).body.lines as { date: string }[]).map((l) => l.date),
    );
    const payRuns = api('get', '/v1/orgs/history/pay-runs').body.payRuns as { statements: { lines: { date: string }[] }[] }[];
    const paidDates = payRuns.flatMap((r) => r.statements.flatMap((s) => s.lines.map((l) => l.date)));
    const later = okRowsThrough('2026-03-31').length - settledRows.length;
    for (const dates of [billedDates, paidDates]) {
      expect(dates).toHaveLength(later); // every other sent visit of March, and none of the settled ones
      for (const d of dates) expect(d > THROUGH, d).toBe(true);
    }

    // A settled visit edited in the sheet is not silently changed.
    const id = settledRows[0]![0];
    const at = visitsTable().findIndex((r) => r[0] === id) + 1;
    env.book.tab('Visits')!.put(at, column('Note Done') + 1, !visitsTable()[at - 1]![column('Note Done')]);
    env.run('syncNow');
    expect(visitsTable()[at - 1]![column('Sync')]).toBe(
      'Locked: billed (on an issued invoice, corrected by a void or a credit note; or settled before VisitLedger)',
    );
  });
});

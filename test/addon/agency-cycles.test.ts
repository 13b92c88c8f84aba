/**
 * Each agency's billing cycle from the Agencies tab (DOMAIN.md: weekly, biweekly,
 * semi-monthly or monthly): Sync shows the cycle VisitLedger has in a blank cell, sends the
 * one the owner writes, refuses an unreadable one without changing anything, and the
 * month's close then cuts each agency's invoices by its own cycle. The built add-on in
 * node:vm against the real service, on the sample owner sheet.
 */
import { describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

let org: SampleOrg;
let env: AddonEnv;

useSampleOrg('cycles', 'owner@cycles.example', (ready) => {
  org = ready;
  env = ready.env;
});

const agenciesTab = () => env.book.tab('Agencies')!;
const cycleColumn = () => agenciesTab().table()[0]!.indexOf('Billing Cycle');
const rowOf = (name: string) =>
  agenciesTab()
    .table()
    .findIndex((r) => r[1] === name) + 1;
type ServiceAgency = { name: string; billingCycle: unknown };
const serviceCycle = (name: string) =>
  (org.api('get', '/v1/orgs/cycles/agencies').body.agencies as ServiceAgency[]).find((a) => a.name === name)!.billingCycle;

describe('billing cycles on the Agencies tab', () => {
  it('starts blank, and Sync fills in the cycle VisitLedger has', () => {
    expect(cycleColumn()).toBe(7);
    expect(
      agenciesTab()
        .table()
        .slice(1)
        .map((r) => r[cycleColumn()]),
    ).toEqual(['', '', '']);
    expect(env.run('syncNow').ok).toBe(true);
    expect(
      agenciesTab()
        .table()
        .slice(1)
        .map((r) => r[cycleColumn()]),
    ).toEqual(['Monthly', 'Monthly', 'Monthly']);
  });

  it("sends the cycle the owner writes, and refuses an unreadable one, keeping the agency's cycle", () => {
    agenciesTab().put(rowOf('Summit Visiting Health'), cycleColumn() + 1, 'semi monthly');
    agenciesTab().put(rowOf('Lakeside Home Care LLC'), cycleColumn() + 1, 'fortnightly');
    const sync = env.run('syncNow');
    expect(sync.ok).toBe(true);
    expect(sync.lines).toContain(
      `Agencies row ${rowOf('Lakeside Home Care LLC')} (Lakeside Home Care LLC): "fortnightly" is not a billing cycle VisitLedger reads: write one of Monthly, Semi-monthly, Weekly from Monday (or another day), Biweekly from YYYY-MM-DD (a cycle's first day). Not sent: Lakeside Home Care LLC keeps its billing cycle in VisitLedger.`,
    );
    expect(serviceCycle('Summit Visiting Health')).toEqual({ kind: 'semi-monthly' });
    expect(serviceCycle('Lakeside Home Care LLC')).toEqual({ kind: 'monthly' });
    // The owner's text stays as typed: nothing is rewritten behind them.
    expect(agenciesTab().table()[rowOf('Lakeside Home Care LLC') - 1]![cycleColumn()]).toBe('fortnightly');
    expect(agenciesTab().table()[rowOf('Summit Visiting Health') - 1]![cycleColumn()]).toBe('semi monthly');
  });

  it("closes the month by each agency's own cycle: two invoices for the semi-monthly agency", () => {
    agenciesTab().put(rowOf('Lakeside Home Care LLC'), cycleColumn() + 1, 'Monthly');
    // A visit in the second half of March (the sample's Summit visits there need review or a rate).
    const visits = env.book.tab('Visits')!;
    const next = visits.lastRow() + 1;
    ['', '2026-03-20', 'Omar Haddad', 'Summit Visiting Health', 'Kowalski, Jan', '', 'PTA', 'Routine visit', true, '', '', ''].forEach(
      (value, c) => {
        visits.put(next, c + 1, value);
      },
    );
    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    const invoices = org.api('get', '/v1/orgs/cycles/invoices').body.invoices as {
      agencyName: string;
      period: { start: string; end: string };
    }[];
    const periods = (name: string) =>
      invoices
        .filter((i) => i.agencyName === name)
        .map((i) => `${i.period.start}..${i.period.end}`)
        .sort();
    expect(periods('Summit Visiting Health')).toEqual(['2026-03-01..2026-03-15', '2026-03-16..2026-03-31']);
    expect(periods('Lakeside Home Care LLC')).toEqual(['2026-03-01..2026-03-31']);
  });
});

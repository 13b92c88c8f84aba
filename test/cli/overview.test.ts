/**
 * `visitledger overview` as a real process on a real SQLite file: a month closed through the
 * CLI, then the overview's figures checked against what `close --json` issued and what
 * `receivables --json` reports for the same day, and against the money recorded since.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, SAMPLE_IMPORT_CONFIRMED, visitledger } from './run-cli.ts';

type Named = { agency: string; totalCents: number };
type Statement = { therapist: string; period: { start: string }; totalCents: number; lines: { agency: string; amountCents: number }[] };
type AgencyReport = { openCents: number; buckets: Record<string, number> };

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('visitledger overview', () => {
  it("matches the close's invoices and pay statements and the receivables report, then counts the money recorded since", async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    await json(db, ...SAMPLE_IMPORT_CONFIRMED);
    const closed = await json(db, 'close', '--period', '2026-03');
    const invoices: Named[] = closed.invoices;
    const statements: Statement[] = closed.payStatements;
    expect(invoices.length).toBe(3);

    const march = await json(db, 'overview', '--month', '2026-03');
    expect(Object.keys(march).slice(0, 11)).toEqual([
      'month',
      'billedCents',
      'collectedCents',
      'openReceivablesCents',
      'payrollCents',
      'paidToTherapistsCents',
      'owedToTherapistsCents',
      'marginCents',
      'byAgency',
      'held',
      'missingW9',
    ]);
    const billed = sum(invoices.map((i) => i.totalCents));
    const payroll = sum(statements.map((s) => s.totalCents));
    expect(march).toMatchObject({
      month: '2026-03',
      asOf: '2026-03-31',
      billedCents: billed,
      payrollCents: payroll,
      marginCents: billed - payroll,
      collectedCents: 0,
      paidToTherapistsCents: 0,
      owedToTherapistsCents: payroll,
    });
    expect([billed, payroll]).toEqual([93_400, 58_400]);
    // By agency: each agency's invoice, and the pay statement lines of its visits.
    expect(march.byAgency).toEqual(
      invoices
        .map((i) => {
          const paid = sum(statements.flatMap((s) => s.lines.filter((l) => l.agency === i.agency).map((l) => l.amountCents)));
          return { agency: i.agency, billedCents: i.totalCents, payrollCents: paid, marginCents: i.totalCents - paid };
        })
        .sort((a, b) => a.agency.localeCompare(b.agency)),
    );
    expect(sum(march.byTherapist.map((t: { billedCents: number }) => t.billedCents))).toBe(billed);
    expect(sum(march.byDiscipline.map((d: { payrollCents: number }) => d.payrollCents))).toBe(payroll);
    // The close held nothing, nor does the overview; the pay it held for want of a W-9 shows as missing W-9s.
    expect(closed.held).toEqual([]);
    expect(march.held).toEqual([]);
    const therapists = [...new Set(statements.map((s) => s.therapist))].sort();
    expect(march.missingW9.map((m: { therapist: string }) => m.therapist)).toEqual(therapists);
    // March's balances are taken on March 31: its invoices were issued later, on the day of the close.
    const marchReceivables = await json(db, 'receivables', '--as-of', '2026-03-31');
    expect(march.openReceivablesCents).toBe(sum(marchReceivables.agencies.map((a: AgencyReport) => a.openCents)));
    expect(march.months.at(-1)).toEqual({ month: '2026-03', billedCents: billed, collectedCents: 0, payrollCents: payroll });
    expect(march.months.length).toBe(12);

    // Money moves on the day of the close: a receipt from Oakridge, and a check to a therapist against a pay run.
    const before = await json(db, 'receivables');
    const today: string = before.asOf;
    const oakridge = invoices.find((i) => i.agency === 'Oakridge Home Health')!;
    await json(db, 'receipt', '--agency', 'Oakridge Home Health', '--amount', '400.00', '--date', today, '--method', 'check');
    const tom = statements.find((s) => s.therapist === 'Tom Becker')!;
    const paid = await visitledger(
      db,
      'payment',
      '--therapist',
      'Tom Becker',
      '--amount',
      '100.00',
      '--date',
      today,
      '--method',
      'check',
      '--pay-run',
      `payroll:${tom.period.start}`,
    );
    expect(paid.code, paid.stderr).toBe(0);

    // No --month: the current month in the org's time zone, its balances as of today, as `receivables` reports them.
    const now = await json(db, 'overview');
    const receivables = await json(db, 'receivables');
    expect(now.month).toBe(today.slice(0, 7));
    expect(now.asOf).toBe(receivables.asOf);
    expect(now.collectedCents).toBe(40_000);
    expect(now.paidToTherapistsCents).toBe(10_000);
    expect(now.owedToTherapistsCents).toBe(payroll - 10_000);
    expect(now.openReceivablesCents).toBe(sum(receivables.agencies.map((a: AgencyReport) => a.openCents)));
    expect(now.openReceivablesCents).toBe(billed - 40_000);
    expect(oakridge.totalCents).toBeGreaterThan(40_000);
    for (const key of Object.keys(now.receivablesByAge))
      expect(now.receivablesByAge[key], key).toBe(sum(receivables.agencies.map((a: AgencyReport) => a.buckets[key]!)));
    expect(now.missingW9.find((m: { therapist: string }) => m.therapist === 'Tom Becker')).toMatchObject({
      reason: 'no W-9 on file',
      paidThisYearCents: 10_000,
    });
    // March in the chart is the same whichever month asks.
    expect(now.months.find((m: { month: string }) => m.month === '2026-03')).toEqual(
      today < '2027-03' ? { month: '2026-03', billedCents: billed, collectedCents: 0, payrollCents: payroll } : undefined,
    );

    const text = await visitledger(db, 'overview', '--month', '2026-03');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('March 2026: balances as of 2026-03-31');
    expect(text.stdout).toMatch(/^billed +\$934\.00 /m);
    expect(text.stdout).toMatch(/^payroll +\$584\.00 /m);
    expect(text.stdout).toMatch(/^margin +\$350\.00 /m);
    expect(text.stdout).toMatch(/^Oakridge Home Health +\$465\.00 +\$300\.00 +\$165\.00$/m);

    const bad = await visitledger(db, 'overview', '--month', '2026-13');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: --month: "2026-13" is not a month (expected YYYY-MM, such as 2026-01)\n');
  });
});

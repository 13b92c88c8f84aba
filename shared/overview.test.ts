import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumCents } from './money.ts';
import {
  addMonths,
  blockers,
  heldVisits,
  missingW9s,
  monthSeries,
  monthTotals,
  netInvoiceLines,
  overviewMonth,
  type OverviewInvoice,
  type OverviewLedger,
  type OverviewPayRun,
} from './overview.ts';
import { buildRateBook } from './rates.ts';
import type { ReceivableEntry } from './receivables.ts';
import { expectOk } from './test-support/results.ts';
import { aBillRate, anAgency, aPayRate, aTherapist, aVisit, billable } from './test-support/builders.ts';
import { buildVocabulary } from './vocabulary.ts';

const MARCH = { start: '2026-03-01', end: '2026-03-31' };

function anInvoice(id: string, overrides: Partial<OverviewInvoice> = {}): OverviewInvoice {
  return {
    id,
    number: `INV-${id}`,
    sequence: Number(id.replace(/\D/g, '')) || 1,
    agencyId: 'a1',
    period: MARCH,
    issueDate: '2026-04-01',
    dueDate: '2026-05-01',
    status: 'issued',
    lines: [
      { visitId: `${id}-v1`, therapistId: 't1', discipline: 'PT', amountCents: 12_000 },
      { visitId: `${id}-v2`, therapistId: 't2', discipline: 'OT', amountCents: 8_000 },
    ],
    totalCents: 20_000,
    ...overrides,
  };
}

function aPayRun(start: string, end: string, statements: OverviewPayRun['statements']): OverviewPayRun {
  return { id: `payroll:${start}`, period: { start, end }, statements };
}

const receipt = (id: string, on: string, amountCents: number): ReceivableEntry => ({
  kind: 'receipt',
  id,
  agencyId: 'a1',
  seq: 1,
  on,
  recordedAt: `${on}T12:00:00Z`,
  amountCents,
  method: 'check',
});

/** March: two invoices of March cycles (one credited), a void one, an April one; receipts, pay runs, payments. */
function aLedger(): OverviewLedger {
  return {
    invoices: [
      anInvoice('1'),
      anInvoice('2', {
        agencyId: 'a2',
        lines: [{ visitId: '2-v1', therapistId: 't1', discipline: 'PT', amountCents: 10_000 }],
        totalCents: 10_000,
      }),
      anInvoice('3', { status: 'void', voidedOn: '2026-04-02' }),
      anInvoice('4', { period: { start: '2026-04-01', end: '2026-04-30' }, issueDate: '2026-05-01', dueDate: '2026-05-31' }),
    ],
    creditNotes: [
      // $20 off one visit's line and $10 credited as an amount: billed $300 - $30.
      {
        invoiceId: '1',
        issueDate: '2026-04-10',
        totalCents: 3_000,
        lines: [
          { visitId: '1-v1', description: 'rate', amountCents: 2_000 },
          { description: 'goodwill', amountCents: 1_000 },
        ],
      },
    ],
    entries: [
      receipt('r-march', '2026-03-20', 5_000),
      receipt('r-april', '2026-04-05', 7_000),
      receipt('r-bounced', '2026-03-25', 9_000),
      {
        kind: 'reversal',
        id: 'x1',
        agencyId: 'a1',
        seq: 4,
        on: '2026-03-28',
        recordedAt: '2026-03-28T00:00:00Z',
        reversesId: 'r-bounced',
        reason: 'bounced',
      },
      {
        kind: 'application',
        id: 'ap1',
        agencyId: 'a1',
        seq: 5,
        on: '2026-04-05',
        recordedAt: '2026-04-05T00:00:00Z',
        invoiceId: '1',
        amountCents: 7_000,
        receiptId: 'r-april',
      },
    ],
    payRuns: [
      aPayRun('2026-03-01', '2026-03-31', [
        {
          therapistId: 't1',
          totalCents: 13_000,
          lines: [
            { agencyId: 'a1', discipline: 'PT', amountCents: 7_000 },
            { agencyId: 'a2', discipline: 'PT', amountCents: 6_000 },
          ],
        },
        { therapistId: 't2', totalCents: 5_000, lines: [{ agencyId: 'a1', discipline: 'OT', amountCents: 5_000 }] },
      ]),
      aPayRun('2026-02-01', '2026-02-28', [
        { therapistId: 't1', totalCents: 4_000, lines: [{ agencyId: 'a1', discipline: 'PT', amountCents: 4_000 }] },
      ]),
    ],
    payments: [
      { therapistId: 't1', amountCents: 4_000, paidOn: '2026-03-03', status: 'paid', payRunId: 'payroll:2026-02-01' },
      { therapistId: 't1', amountCents: 10_000, paidOn: '2026-04-02', status: 'paid', payRunId: 'payroll:2026-03-01' },
      { therapistId: 't2', amountCents: 700, paidOn: '2026-03-15', status: 'paid' },
      { therapistId: 't2', amountCents: 900, paidOn: '2026-03-16', status: 'failed', payRunId: 'payroll:2026-03-01' },
    ],
  };
}

describe('the month overview', () => {
  it('checks the month and takes balances at its end, or today while it runs', () => {
    expect(expectOk(overviewMonth('2026-03', '2026-12-07'))).toEqual({ ...MARCH, asOf: '2026-03-31' });
    expect(expectOk(overviewMonth('2026-12', '2026-12-07'))).toEqual({ start: '2026-12-01', end: '2026-12-31', asOf: '2026-12-07' });
    expect(overviewMonth('2027-01', '2026-12-07')).toEqual({
      ok: false,
      error: { code: 'month-not-begun', message: '2027-01 has not begun (today is 2026-12-07): nothing is billed or paid in it yet' },
    });
    expect(overviewMonth('2026-13', '2026-12-07')).toMatchObject({ ok: false, error: { code: 'bad-month' } });
    expect([addMonths('2026-01', -1), addMonths('2026-12', 1), addMonths('2026-03', -14)]).toEqual(['2025-12', '2027-01', '2025-01']);
  });

  it('bills by cycle, net of voids and credit notes; collects and pays by the day; owes what pay runs ended still owe', () => {
    const t = monthTotals(aLedger(), '2026-03', MARCH, '2026-03-31');
    expect(t).toMatchObject({
      month: '2026-03',
      asOf: '2026-03-31',
      billedCents: 20_000 - 3_000 + 10_000,
      collectedCents: 5_000, // the bounced check was reversed by the month's end; April's receipt is April's
      payrollCents: 18_000,
      paidToTherapistsCents: 4_000 + 700, // the failed transfer paid nothing
      owedToTherapistsCents: 18_000, // February's run was paid; March's first payment came in April
      marginCents: 27_000 - 18_000,
      openReceivablesCents: 0, // March's invoices were issued in April
    });
    expect(Object.fromEntries(t.byAgency)).toEqual({
      a1: { billedCents: 17_000, payrollCents: 12_000, marginCents: 5_000 },
      a2: { billedCents: 10_000, payrollCents: 6_000, marginCents: 4_000 },
    });
    // Line 1: 12,000 - 2,000 - its share of the $10 (10,000 of 18,000 left: 556); line 2: 8,000 - 444.
    expect(Object.fromEntries(t.byTherapist)).toEqual({
      t1: { billedCents: 12_000 - 2_000 - 556 + 10_000, payrollCents: 13_000, marginCents: 19_444 - 13_000 },
      t2: { billedCents: 8_000 - 444, payrollCents: 5_000, marginCents: 2_556 },
    });
    expect(Object.fromEntries(t.byDiscipline)).toEqual({
      PT: { billedCents: 19_444, payrollCents: 13_000, marginCents: 6_444 },
      OT: { billedCents: 7_556, payrollCents: 5_000, marginCents: 2_556 },
    });

    const may = monthTotals(aLedger(), '2026-05', { start: '2026-05-01', end: '2026-05-31' }, '2026-05-20');
    expect(may).toMatchObject({
      billedCents: 0,
      payrollCents: 0,
      owedToTherapistsCents: 8_000,
      openReceivablesCents: 10_000 + 10_000 + 20_000,
    });
    // Invoice 1: 20,000 - 3,000 credited - 7,000 paid, due 05-01 (19 days late); 2 the same; 4 not due yet.
    expect(may.receivablesByAge).toEqual({
      currentCents: 20_000,
      days1to30Cents: 20_000,
      days31to60Cents: 0,
      days61to90Cents: 0,
      over90Cents: 0,
    });
  });

  it('spreads an amount credited over the lines without losing a cent, and never below zero', () => {
    const invoice = anInvoice('9', {
      lines: [
        { visitId: 'a', therapistId: 't1', discipline: 'PT', amountCents: 1 },
        { visitId: 'b', therapistId: 't1', discipline: 'PT', amountCents: 1 },
        { visitId: 'c', therapistId: 't1', discipline: 'PT', amountCents: 1 },
      ],
      totalCents: 3,
    });
    const note = (lines: { visitId?: string; amountCents: number }[]) => ({
      invoiceId: '9',
      issueDate: '2026-04-02',
      totalCents: sumCents(lines.map((l) => l.amountCents)),
      lines: lines.map((l) => ({ ...l, description: 'x' })),
    });
    expect(netInvoiceLines(invoice, [note([{ amountCents: 2 }])])).toEqual([0, 0, 1]);
    expect(netInvoiceLines(invoice, [note([{ visitId: 'b', amountCents: 1 }]), note([{ amountCents: 2 }])])).toEqual([0, 0, 0]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 8 }), fc.nat(), (amounts, seed) => {
        const lines = amounts.map((amountCents, i) => ({ visitId: `v${i}`, therapistId: 't', discipline: 'PT' as const, amountCents }));
        const total = sumCents(amounts);
        const credited = total === 0 ? 0 : seed % (total + 1);
        const net = netInvoiceLines(anInvoice('9', { lines, totalCents: total }), credited ? [note([{ amountCents: credited }])] : []);
        expect(sumCents(net)).toBe(total - credited);
        expect(net.every((n, i) => n >= 0 && n <= amounts[i]!)).toBe(true);
      }),
    );
  });

  it('charts the twelve months ending with the month, the last one its headline figures', () => {
    const series = monthSeries(aLedger(), '2026-04', '2026-12-07');
    expect(series.map((m) => m.month)).toEqual([...Array(12).keys()].map((i) => addMonths('2025-05', i)));
    expect(series.at(-2)).toEqual({ month: '2026-03', billedCents: 27_000, collectedCents: 5_000, payrollCents: 18_000 });
    expect(series.at(-1)).toEqual({ month: '2026-04', billedCents: 20_000, collectedCents: 7_000, payrollCents: 0 });
    expect(monthSeries(aLedger(), '2026-04', '2026-03-15').map((m) => m.month)).toEqual(
      [...Array(11).keys()].map((i) => addMonths('2025-05', i)),
    );
  });
});

describe('what needs the owner', () => {
  const agency = anAgency({ id: 'a1', name: 'Oakridge Home Health', patientIdentifier: 'initials-mrn' });
  const dana = aTherapist({ id: 't1', name: 'Dana Lee' });
  const sam = aTherapist({ id: 't2', name: 'Sam Ortiz', w9: undefined });
  const rates = buildRateBook([aBillRate({ agencyId: 'a1' })], [aPayRate({ therapistId: 't1' })]);
  const visit = (id: string, date: string, over: Partial<ReturnType<typeof aVisit>> = {}, settled = { billed: false, paid: false }) => ({
    ...billable(aVisit({ id, date, agencyId: 'a1', therapistId: 't1', ...over })),
    noteDone: over.noteDone ?? true,
    ...settled,
  });

  it('lists the visits a close would hold, and why, once each', () => {
    const held = heldVisits({
      visits: [
        visit('ok', '2026-03-02'),
        visit('no-mrn', '2026-03-03', { patient: { name: 'Alvarez, Rosa' } }),
        visit('no-pay-rate', '2026-03-04', { therapistId: 't2' }),
        visit('no-rates', '2026-02-27', { therapistId: 't2', discipline: 'OT' }),
        visit('note', '2026-03-05', { noteDone: false }, { billed: true, paid: false }),
        visit('april', '2026-04-01', { therapistId: 't2' }),
      ],
      bounds: MARCH,
      agencies: new Map([['a1', agency]]),
      therapists: [dana, sam],
      rates,
      vocabulary: buildVocabulary(),
      holdPayUntilNoteDone: true,
      issueDate: '2026-04-01',
    });
    expect(held.map((h) => [h.visitId, h.heldFrom])).toEqual([
      ['no-rates', ['invoice', 'pay']],
      ['no-mrn', ['invoice']],
      ['no-pay-rate', ['pay']],
      ['note', ['pay']],
    ]);
    expect(held[1]).toEqual({
      visitId: 'no-mrn',
      date: '2026-03-03',
      agencyId: 'a1',
      therapistId: 't1',
      discipline: 'PT',
      visitType: 'ROUTINE',
      heldFrom: ['invoice'],
      reasons: ["The visit has no patient MRN, and this agency's invoices identify patients by initials and MRN: add the MRN to the visit"],
    });
    expect(held[0]!.reasons).toHaveLength(2);
    expect(held[3]!.reasons).toEqual(['Visit note not marked done; pay is held until it is']);
  });

  it("names the therapists paid this year without a usable W-9, and what blocks the close and the year's 1099s", () => {
    const irs = aTherapist({ id: 't3', name: 'Kim Park', tinIncorrect: true });
    const unpaid = aTherapist({ id: 't4', name: 'Lee Chu', w9: undefined });
    const missing = missingW9s(aLedger(), [dana, sam, irs, unpaid], '2026-03-31');
    expect(missing).toEqual([{ therapistId: 't2', reason: 'no W-9 on file', paidThisYearCents: 700, payrollThisYearCents: 5_000 }]);
    const ledger = aLedger();
    const withKim = {
      ...ledger,
      payments: [...ledger.payments, { therapistId: 't3', amountCents: 100, paidOn: '2026-01-09', status: 'paid' as const }],
    };
    expect(missingW9s(withKim, [irs], '2026-03-31')).toEqual([
      { therapistId: 't3', reason: 'the IRS says the TIN on the W-9 is wrong', paidThisYearCents: 100, payrollThisYearCents: 0 },
    ]);

    const found = blockers({
      asOf: '2026-03-31',
      unsettled: [
        { agencyId: 'a1', date: '2026-02-10', billed: false, paid: true },
        { agencyId: 'a1', date: '2026-03-10', billed: false, paid: false },
        { agencyId: 'a1', date: '2026-01-10', billed: false, paid: true },
      ],
      agencies: new Map([['a1', agency]]),
      payrollCycle: { kind: 'monthly' },
      cycleClosed: (_agencyId, period) => period.start === '2026-01-01',
      payRunStarts: new Set(),
      held: 2,
      missingW9: 1,
      payerTinOnFile: false,
      paidThisYear: true,
    });
    expect(found).toEqual([
      { blocks: 'close', message: "Oakridge Home Health's cycle February 2026 has ended with visits not billed: close 2026-02" },
      { blocks: 'close', message: "Oakridge Home Health's cycle March 2026 has ended with visits not billed: close 2026-03" },
      { blocks: 'close', message: 'The pay period March 2026 has ended with visits not paid: close 2026-03' },
      { blocks: 'close', message: '2 visits are held: left off invoices or pay until the reason given is fixed' },
      {
        blocks: 'year-end',
        message: '1 therapist paid or on a pay run this year without a usable W-9: their 1099-NEC cannot be filed until one is on file',
      },
      { blocks: 'year-end', message: "The org's own TIN is not recorded: the 1099-NEC IRS file needs it (visitledger payer-tin)" },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CREDIT_NOTE_HEADER,
  creditNoteRows,
  qboInvoiceRows,
  qboPaymentRows,
  paymentsLedgerRows,
  spreadsheetSafe,
  QBO_INVOICE_HEADER,
} from './accounting-csv.ts';
import { toCsv } from './csv.ts';
import type { CreditNote, Invoice, InvoiceLine, Payment } from './schemas.ts';

const line = (visitId: string, over: Partial<InvoiceLine> = {}): InvoiceLine => ({
  visitId,
  date: '2026-03-04',
  therapistId: 't1',
  therapistName: 'Tom Becker',
  discipline: 'PT',
  visitType: 'ROUTINE',
  visitTypeLabel: 'Routine visit',
  rateCents: 9500,
  amountCents: 9500,
  late: false,
  ...over,
});

const invoice = (number: string, lines: InvoiceLine[], over: Partial<Invoice> = {}): Invoice => ({
  id: number,
  number,
  sequence: 1,
  agencyId: 'a1',
  agencyName: 'Sunrise Home Health',
  patientIdentifier: 'name',
  period: { start: '2026-03-01', end: '2026-03-31' },
  issueDate: '2026-04-01',
  termsDays: 30,
  dueDate: '2026-05-01',
  lines,
  subtotals: [],
  totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
  status: 'issued',
  ...over,
});

const invoices = [
  invoice('INV-0007', [
    line('v1'),
    line('v2'),
    line('v3', { visitType: 'EVAL', visitTypeLabel: 'Evaluation', rateCents: 14000, amountCents: 14000 }),
    line('v4', { discipline: 'OT', therapistName: 'Ana', visitTypeLabel: 'Routine visit', rateCents: 9000, amountCents: 9000 }),
    line('v5', { date: '2026-02-20', late: true }),
  ]),
  invoice('INV-0008', [line('v6')], { agencyName: '=HYPERLINK("http://x")', agencyId: 'a2' }),
  invoice('INV-0009', [line('v7')], { status: 'void', voidedOn: '2026-04-02', voidReason: 'wrong agency' }),
];

const credit: CreditNote = {
  id: 'cn1',
  number: 'INV-0007-CN1',
  invoiceId: 'INV-0007',
  invoiceNumber: 'INV-0007',
  agencyId: 'a1',
  issueDate: '2026-04-10',
  reason: 'visit billed twice',
  lines: [{ visitId: 'v2', description: 'PT Routine visit on 03/04/2026', amountCents: 9500 }],
  totalCents: 9500,
};

const payments: Payment[] = [
  { id: 'p1', therapistId: 't1', amountCents: 123_450, paidOn: '2026-04-03', method: 'check', status: 'paid', reference: '1042' },
  { id: 'p2', therapistId: 't2', amountCents: 50_000, paidOn: '2026-04-03', method: 'card', status: 'paid' },
  {
    id: 'p3',
    therapistId: 't2',
    amountCents: 70_000,
    paidOn: '2026-04-04',
    method: 'stripe',
    status: 'pending',
    payRunId: 'payroll:2026-03-16',
  },
];
const names = new Map([
  ['t1', 'Tom Becker'],
  ['t2', '@Ana Lima'],
]);

describe('accountant CSVs', () => {
  it('groups invoice lines without patients and leaves void invoices out', async () => {
    const rows = qboInvoiceRows(invoices);
    expect(rows[0]).toEqual(QBO_INVOICE_HEADER);
    const amounts = (number: string) => rows.filter((r) => r[0] === number).reduce((s, r) => s + Math.round(Number(r[10]) * 100), 0);
    expect(amounts('INV-0007')).toBe(invoices[0]!.totalCents);
    expect(rows.filter((r) => r[0] === 'INV-0007').map((r) => [r[6], r[8]])).toEqual([
      ['PT Routine visit', '2'],
      ['PT Evaluation', '1'],
      ['OT Routine visit', '1'],
      ['PT Routine visit', '1'],
    ]);
    expect(rows.some((r) => r[0] === 'INV-0009')).toBe(false);
    expect(rows.find((r) => r[0] === 'INV-0008')?.[1]).toBe(`'=HYPERLINK("http://x")`);
    await expect(toCsv(rows)).toMatchFileSnapshot('./fixtures/golden/qbo-invoices.csv');
  });

  it('lists credit notes apart, each line with the amount credited and the invoice it corrects', async () => {
    const rows = creditNoteRows([credit], new Map([['a1', 'Sunrise Home Health']]));
    expect(rows).toEqual([
      CREDIT_NOTE_HEADER,
      ['INV-0007-CN1', 'Sunrise Home Health', '04/10/2026', 'INV-0007', 'visit billed twice', 'PT Routine visit on 03/04/2026', '95.00'],
    ]);
    await expect(toCsv(rows)).toMatchFileSnapshot('./fixtures/golden/credit-notes.csv');
  });

  it('writes paid payments as money out for the bank import, and every payment in the ledger with its 1099-NEC rule', async () => {
    const bank = qboPaymentRows(payments, names);
    expect(bank.slice(1).map((r) => r[2])).toEqual(['-1234.50', '-500.00']);
    const ledger = paymentsLedgerRows(payments, names, { stripeTransfersCountFor1099: true });
    expect(ledger.slice(1).map((r) => [r[1], r[3]])).toEqual([
      ['Tom Becker', 'Y'],
      ["'@Ana Lima", 'N'],
      ["'@Ana Lima", 'N'],
    ]);
    await expect(toCsv(bank)).toMatchFileSnapshot('./fixtures/golden/qbo-payments.csv');
    await expect(toCsv(ledger)).toMatchFileSnapshot('./fixtures/golden/payments-ledger.csv');
  });

  it('gives a header-only file for a period with nothing in it', () => {
    expect(qboInvoiceRows([])).toEqual([QBO_INVOICE_HEADER]);
    expect(creditNoteRows([], new Map())).toEqual([CREDIT_NOTE_HEADER]);
    expect(paymentsLedgerRows([], names, { stripeTransfersCountFor1099: true })).toHaveLength(1);
  });

  it('leaves amounts alone and neutralises formulas', () => {
    expect(['-12.50', '=1+1', '+x', 'plain'].map(spreadsheetSafe)).toEqual(['-12.50', "'=1+1", "'+x", 'plain']);
  });
});

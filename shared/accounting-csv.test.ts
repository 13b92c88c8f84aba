import { describe, expect, it } from 'vitest';
import {
  CREDIT_NOTE_HEADER,
  creditNoteRows,
  qboInvoiceRows,
  qboPaymentRows,
  paymentsLedgerRows,
  spreadsheetSafe,
  QBO_INVOICE_HEADER,
  QBO_RECEIVE_PAYMENT_HEADER,
  qboReceivePaymentRows,
  RECEIVABLE_CREDIT_HEADER,
  receivableCreditRows,
} from './accounting-csv.ts';
import { toCsv, toExportCsv } from './csv.ts';
import type { ReceivableEntry } from './receivables.ts';
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

const at = { recordedAt: '2026-04-20T12:00:00.000Z' };
/** Sunrise paid $300 by check on two invoices, $50 of it since reversed; @Lakeside paid by ACH, reversed; a refund and a write-off. */
const ledger: ReceivableEntry[] = [
  { ...at, kind: 'receipt', id: 'r1', agencyId: 'a1', seq: 1, on: '2026-04-15', amountCents: 30_000, method: 'check', reference: '5521' },
  { ...at, kind: 'application', id: 'p1', agencyId: 'a1', seq: 2, on: '2026-04-15', invoiceId: 'i7', amountCents: 20_000, receiptId: 'r1' },
  { ...at, kind: 'application', id: 'p2', agencyId: 'a1', seq: 3, on: '2026-04-15', invoiceId: 'i8', amountCents: 5_000, receiptId: 'r1' },
  { ...at, kind: 'reversal', id: 'x1', agencyId: 'a1', seq: 4, on: '2026-05-02', reversesId: 'p2', reason: 'wrong invoice' },
  { ...at, kind: 'refund', id: 'f1', agencyId: 'a1', seq: 5, on: '2026-04-20', amountCents: 10_000, method: 'check', reference: '=cmd' },
  {
    ...at,
    kind: 'write-off',
    id: 'w1',
    agencyId: 'a1',
    seq: 6,
    on: '2026-04-21',
    invoiceId: 'i8',
    amountCents: 1_250,
    reason: 'short pay',
  },
  { ...at, kind: 'receipt', id: 'r2', agencyId: 'a2', seq: 1, on: '2026-04-16', amountCents: 4_000, method: 'ach' },
  { ...at, kind: 'reversal', id: 'x2', agencyId: 'a2', seq: 2, on: '2026-04-18', reversesId: 'r2', reason: 'bounced' },
];
const receivablesNames = {
  agencyNames: new Map([
    ['a1', 'Sunrise Home Health'],
    ['a2', '@Lakeside'],
  ]),
  invoiceNumbers: new Map([
    ['i7', 'INV-0007'],
    ['i8', 'INV-0008'],
  ]),
};

describe("receipts and credits for the accountant's books", () => {
  it('writes each receipt for the receive-payments import with the invoices its money still pays and what is credit', async () => {
    const rows = qboReceivePaymentRows(ledger, ledger, receivablesNames);
    expect(rows).toEqual([
      QBO_RECEIVE_PAYMENT_HEADER,
      ['Sunrise Home Health', '04/15/2026', '300.00', 'Check', '5521', 'INV-0007 200.00', '100.00', ''],
      ['@Lakeside', '04/16/2026', '40.00', 'ACH', '', '', '40.00', '04/18/2026'],
    ]);
    await expect(toExportCsv(rows)).toMatchFileSnapshot('./fixtures/golden/qbo-receive-payments.csv');
    // Only the receipts asked for are rows; the later entries of the ledger still count.
    expect(
      qboReceivePaymentRows(ledger.slice(6), ledger, receivablesNames)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['@Lakeside']);
  });

  it('writes refunds and write-offs as credits, escaped as the other exports', async () => {
    const rows = receivableCreditRows(ledger, ledger, receivablesNames);
    expect(rows).toEqual([
      RECEIVABLE_CREDIT_HEADER,
      ['Refund', 'Sunrise Home Health', '04/20/2026', '100.00', '', 'Check', '=cmd', '', ''],
      ['Write-off', 'Sunrise Home Health', '04/21/2026', '12.50', 'INV-0008', '', '', 'short pay', ''],
    ]);
    const csv = toExportCsv(rows);
    expect(csv).toContain(",'=cmd,");
    await expect(csv).toMatchFileSnapshot('./fixtures/golden/receivable-credits.csv');
    expect(toExportCsv(qboReceivePaymentRows(ledger, ledger, receivablesNames))).toContain("'@Lakeside,");
    expect(receivableCreditRows([], ledger, receivablesNames)).toEqual([RECEIVABLE_CREDIT_HEADER]);
  });
});

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

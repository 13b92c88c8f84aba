/**
 * The accountant's month-end files: invoices as QuickBooks Online's invoice import reads
 * them, credit notes to enter as credit memos, payments to therapists as its three-column
 * bank import reads them, and the payments ledger with the 1099-NEC rule applied to each
 * payment; and what agencies paid (receipts, as QuickBooks Online's receive-payments import
 * reads them) with the credits given them (refunds of credit, write-offs of short pays).
 *
 * QuickBooks is not covered by a BAA here, so these files never name a patient: invoice
 * lines are grouped by discipline, visit type and rate. A field that a spreadsheet would
 * read as a formula (= + - @ first) gets a leading apostrophe: an accountant opens these
 * in Excel before importing them.
 */
import { spreadsheetSafe } from './csv.ts';
import { formatUsDate } from './dates.ts';
import { centsToDecimalString } from './money.ts';
import type { ApplicationEntry, ReceivableEntry } from './receivables.ts';
import type { CreditNote, Invoice, OrgSettings, Payment } from './schemas.ts';
import { countsTowardNec, PAYMENT_METHOD_RULES } from './tax1099.ts';

export const QBO_INVOICE_HEADER: readonly string[] = [
  'InvoiceNo',
  'Customer',
  'InvoiceDate',
  'DueDate',
  'Terms',
  'Memo',
  'Item(Product/Service)',
  'ItemDescription',
  'ItemQuantity',
  'ItemRate',
  'ItemAmount',
];
export const CREDIT_NOTE_HEADER: readonly string[] = [
  'CreditMemoNo',
  'Customer',
  'CreditMemoDate',
  'AppliesToInvoice',
  'Reason',
  'ItemDescription',
  'ItemAmount',
];
export const QBO_BANK_HEADER: readonly string[] = ['Date', 'Description', 'Amount'];
export const PAYMENTS_LEDGER_HEADER: readonly string[] = [
  'Paid on',
  'Therapist',
  'Method',
  'Counts toward 1099-NEC',
  'Amount',
  'Status',
  'Reference',
  'Pay run',
  'Payment id',
];

export { spreadsheetSafe };

const safeRow = (row: readonly string[]) => row.map(spreadsheetSafe);

/**
 * One row per (invoice, discipline, visit type, rate, late) with quantity and amount: the
 * invoice's total, without a patient. Void invoices are left out (QuickBooks would count
 * them as owed).
 */
export function qboInvoiceRows(invoices: readonly Invoice[]): string[][] {
  const rows: string[][] = [[...QBO_INVOICE_HEADER]];
  for (const invoice of invoices) {
    if (invoice.status === 'void') continue;
    const groups = new Map<string, { item: string; description: string; quantity: number; rateCents: number; amountCents: number }>();
    for (const line of invoice.lines) {
      const key = `${line.discipline}|${line.visitType}|${line.rateCents}|${line.late}`;
      const group = groups.get(key) ?? {
        item: `${line.discipline} ${line.visitTypeLabel}`,
        description: `${line.discipline} ${line.visitTypeLabel}${line.late ? ' (late visits from earlier periods)' : ''}`,
        quantity: 0,
        rateCents: line.rateCents,
        amountCents: 0,
      };
      group.quantity += 1;
      group.amountCents += line.amountCents;
      groups.set(key, group);
    }
    const memo = `Visits ${formatUsDate(invoice.period.start)} to ${formatUsDate(invoice.period.end)}`;
    for (const g of groups.values()) {
      rows.push(
        safeRow([
          invoice.number,
          invoice.agencyName,
          formatUsDate(invoice.issueDate),
          formatUsDate(invoice.dueDate),
          `Net ${invoice.termsDays}`,
          memo,
          g.item,
          g.description,
          String(g.quantity),
          centsToDecimalString(g.rateCents),
          centsToDecimalString(g.amountCents),
        ]),
      );
    }
  }
  return rows;
}

/**
 * Credit notes, one row per line with the amount credited (positive), each naming the
 * invoice it corrects: QuickBooks' invoice import takes no credit memos, so the accountant
 * enters these as credit memos applied to that invoice.
 */
export function creditNoteRows(notes: readonly CreditNote[], agencyNames: ReadonlyMap<string, string>): string[][] {
  return [
    [...CREDIT_NOTE_HEADER],
    ...notes.flatMap((note) =>
      note.lines.map((line) =>
        safeRow([
          note.number,
          agencyNames.get(note.agencyId) ?? note.agencyId,
          formatUsDate(note.issueDate),
          note.invoiceNumber,
          note.reason,
          line.description,
          centsToDecimalString(line.amountCents),
        ]),
      ),
    ),
  ];
}

/** Paid payments as money out of the bank account (negative amounts), for QuickBooks' bank import. */
export function qboPaymentRows(payments: readonly Payment[], therapistNames: ReadonlyMap<string, string>): string[][] {
  const rows: string[][] = [[...QBO_BANK_HEADER]];
  for (const p of payments) {
    if (p.status !== 'paid') continue;
    const method = PAYMENT_METHOD_RULES[p.method].label;
    const description = `Contractor payment to ${therapistNames.get(p.therapistId) ?? p.therapistId} (${method}${p.reference ? ` ${p.reference}` : ''})`;
    rows.push(safeRow([formatUsDate(p.paidOn), description, centsToDecimalString(-p.amountCents)]));
  }
  return rows;
}

/** Every payment, whatever its status, with whether it counts toward 1099-NEC under the org's setting. */
export function paymentsLedgerRows(
  payments: readonly Payment[],
  therapistNames: ReadonlyMap<string, string>,
  settings: Pick<OrgSettings, 'stripeTransfersCountFor1099'>,
): string[][] {
  return [
    [...PAYMENTS_LEDGER_HEADER],
    ...payments.map((p) =>
      safeRow([
        p.paidOn,
        therapistNames.get(p.therapistId) ?? p.therapistId,
        PAYMENT_METHOD_RULES[p.method].label,
        p.status === 'paid' && countsTowardNec(p.method, settings) ? 'Y' : 'N',
        centsToDecimalString(p.amountCents),
        p.status,
        p.reference ?? '',
        p.payRunId ?? '',
        p.id,
      ]),
    ),
  ];
}

export const QBO_RECEIVE_PAYMENT_HEADER: readonly string[] = [
  'Customer',
  'PaymentDate',
  'Amount',
  'PaymentMethod',
  'ReferenceNo',
  'AppliedToInvoices',
  'Unapplied',
  'ReversedOn',
];
export const RECEIVABLE_CREDIT_HEADER: readonly string[] = [
  'Type',
  'Customer',
  'Date',
  'Amount',
  'Invoice',
  'Method',
  'Reference',
  'Reason',
  'ReversedOn',
];

const RECEIPT_METHOD_LABELS = { check: 'Check', ach: 'ACH', card: 'Credit card', stripe: 'Stripe', other: 'Other' } as const;

/** The day each reversed entry was reversed, by the entry's id. */
function reversedOn(ledger: readonly ReceivableEntry[]): Map<string, string> {
  return new Map(ledger.flatMap((e) => (e.kind === 'reversal' ? [[e.reversesId, e.on] as const] : [])));
}

/** The columns every receivables row starts with, and the day it was reversed (empty if it stands). */
function entryColumns(e: ReceivableEntry & { amountCents: number }, names: ReceivablesNames, reversed: ReadonlyMap<string, string>) {
  const day = reversed.get(e.id);
  return {
    customer: names.agencyNames.get(e.agencyId) ?? e.agencyId,
    on: formatUsDate(e.on),
    amount: centsToDecimalString(e.amountCents),
    reversedOn: day ? formatUsDate(day) : '',
  };
}

/** What the rows of the receivables files read besides the entries: names and numbers, never a patient. */
export type ReceivablesNames = { agencyNames: ReadonlyMap<string, string>; invoiceNumbers: ReadonlyMap<string, string> };

/**
 * One row per receipt dated in `receipts`: the agency as the customer, the invoices its money
 * was applied to with the amount on each ("INV-0001 100.00; INV-0002 50.00"), what it left as
 * credit on account, and the day it was reversed if it was. `ledger` is the whole ledger, so
 * applications and reversals recorded later are counted.
 */
export function qboReceivePaymentRows(
  receipts: readonly ReceivableEntry[],
  ledger: readonly ReceivableEntry[],
  names: ReceivablesNames,
): string[][] {
  const reversed = reversedOn(ledger);
  const rows: string[][] = [[...QBO_RECEIVE_PAYMENT_HEADER]];
  for (const r of receipts) {
    if (r.kind !== 'receipt') continue;
    const applied = ledger.filter((e): e is ApplicationEntry => e.kind === 'application' && e.receiptId === r.id && !reversed.has(e.id));
    const appliedCents = applied.reduce((sum, a) => sum + a.amountCents, 0);
    const invoices = applied.map((a) => `${names.invoiceNumbers.get(a.invoiceId) ?? a.invoiceId} ${centsToDecimalString(a.amountCents)}`);
    const c = entryColumns(r, names, reversed);
    rows.push([
      c.customer,
      c.on,
      c.amount,
      RECEIPT_METHOD_LABELS[r.method],
      r.reference ?? '',
      invoices.join('; '),
      centsToDecimalString(r.amountCents - appliedCents),
      c.reversedOn,
    ]);
  }
  return rows;
}

/** One row per refund of credit and write-off of a short pay dated in `entries`, with the day it was reversed if it was. */
export function receivableCreditRows(
  entries: readonly ReceivableEntry[],
  ledger: readonly ReceivableEntry[],
  names: ReceivablesNames,
): string[][] {
  const reversed = reversedOn(ledger);
  const rows: string[][] = [[...RECEIVABLE_CREDIT_HEADER]];
  for (const e of entries) {
    if (e.kind !== 'refund' && e.kind !== 'write-off') continue;
    const c = entryColumns(e, names, reversed);
    rows.push(
      e.kind === 'refund'
        ? ['Refund', c.customer, c.on, c.amount, '', RECEIPT_METHOD_LABELS[e.method], e.reference ?? '', '', c.reversedOn]
        : ['Write-off', c.customer, c.on, c.amount, names.invoiceNumbers.get(e.invoiceId) ?? e.invoiceId, '', '', e.reason, c.reversedOn],
    );
  }
  return rows;
}

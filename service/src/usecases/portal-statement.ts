/**
 * The statement of account a portal shows an agency: what is open on each issued invoice
 * (its total less its credit notes; a void invoice owes nothing) and that balance aged by
 * days past the due date. Pure: `asOf` is passed in. The service records no agency
 * receipts yet, so an issued invoice stays open until it is voided or credited.
 */
import { daysBetween, sumCents, type Cents, type CreditNote, type IsoDate } from '../../../shared/index.ts';
import type { StoredInvoice } from '../store/port.ts';

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export type StatementLine = { invoiceId: string; number: string; dueDate: IsoDate; openCents: Cents; daysPastDue: number; bucket: AgingBucket };

export type Statement = { asOf: IsoDate; lines: StatementLine[]; openCents: Cents; aging: Record<AgingBucket, Cents> };

/** Not yet due counts as 0 days past due: it sits in the first bucket. */
export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 30) return '0-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '90+';
}

export function statementOfAccount(invoices: readonly StoredInvoice[], creditNotes: readonly CreditNote[], asOf: IsoDate): Statement {
  const credited = new Map<string, Cents>();
  for (const note of creditNotes) credited.set(note.invoiceId, (credited.get(note.invoiceId) ?? 0) + note.totalCents);
  const lines = invoices
    .filter((i) => i.status === 'issued')
    .map((i): StatementLine => {
      const daysPastDue = Math.max(0, daysBetween(i.dueDate, asOf));
      return { invoiceId: i.id, number: i.number, dueDate: i.dueDate, openCents: i.totalCents - (credited.get(i.id) ?? 0), daysPastDue, bucket: agingBucket(daysPastDue) };
    })
    .filter((l) => l.openCents > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const aging = Object.fromEntries(AGING_BUCKETS.map((b) => [b, sumCents(lines.filter((l) => l.bucket === b).map((l) => l.openCents))])) as Record<AgingBucket, Cents>;
  return { asOf, lines, openCents: sumCents(lines.map((l) => l.openCents)), aging };
}

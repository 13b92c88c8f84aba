/**
 * The statement of account a portal shows an agency: what is open on each issued invoice
 * (its total less what was paid, credited by credit notes and written off; a void invoice
 * owes nothing), that balance aged by days past the due date, and the payments and credits
 * behind it. Pure: `asOf` is passed in.
 */
import { daysBetween, sumCents, type Cents, type CreditNote, type IsoDate } from '../../../shared/index.ts';
import { receivablesLedger, type ReceivableEntry } from '../../../shared/receivables.ts';
import type { StoredInvoice } from '../store/port.ts';

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export type StatementLine = {
  invoiceId: string;
  number: string;
  dueDate: IsoDate;
  openCents: Cents;
  daysPastDue: number;
  bucket: AgingBucket;
};

/** A payment received (and not reversed), a credit note, a write-off, or credit refunded. */
export type StatementActivity = {
  on: IsoDate;
  what: 'payment' | 'credit note' | 'write-off' | 'refund';
  reference: string;
  amountCents: Cents;
};

export type Statement = {
  asOf: IsoDate;
  lines: StatementLine[];
  openCents: Cents;
  aging: Record<AgingBucket, Cents>;
  creditCents: Cents;
  activity: StatementActivity[];
};

/** Not yet due counts as 0 days past due: it sits in the first bucket. */
export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 30) return '0-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '90+';
}

export function statementOfAccount(
  invoices: readonly StoredInvoice[],
  creditNotes: readonly CreditNote[],
  asOf: IsoDate,
  entries: readonly ReceivableEntry[] = [],
): Statement {
  const ledger = receivablesLedger({ invoices, creditNotes, entries });
  const lines = [...ledger.invoices.values()]
    .map((b): StatementLine => {
      const daysPastDue = Math.max(0, daysBetween(b.invoice.dueDate, asOf));
      return {
        invoiceId: b.invoice.id,
        number: b.invoice.number,
        dueDate: b.invoice.dueDate,
        openCents: b.openCents,
        daysPastDue,
        bucket: agingBucket(daysPastDue),
      };
    })
    .filter((l) => l.openCents > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const aging = Object.fromEntries(
    AGING_BUCKETS.map((b) => [b, sumCents(lines.filter((l) => l.bucket === b).map((l) => l.openCents))]),
  ) as Record<AgingBucket, Cents>;
  const numbers = new Map(invoices.map((i) => [i.id, i.number]));
  const live = entries.filter((e) => !ledger.cancelled.has(e.id));
  const activity: StatementActivity[] = [
    ...live.flatMap((e): StatementActivity[] => {
      if (e.kind === 'receipt') return [{ on: e.on, what: 'payment', reference: e.reference ?? '', amountCents: e.amountCents }];
      if (e.kind === 'write-off')
        return [{ on: e.on, what: 'write-off', reference: numbers.get(e.invoiceId) ?? '', amountCents: e.amountCents }];
      if (e.kind === 'refund') return [{ on: e.on, what: 'refund', reference: e.reference ?? '', amountCents: e.amountCents }];
      return [];
    }),
    ...creditNotes.map(
      (n): StatementActivity => ({ on: n.issueDate, what: 'credit note', reference: n.number, amountCents: n.totalCents }),
    ),
  ].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const creditCents = sumCents([...ledger.agencies.values()].map((a) => a.creditCents));
  return { asOf, lines, openCents: sumCents(lines.map((l) => l.openCents)), aging, creditCents, activity };
}

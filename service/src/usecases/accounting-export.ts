/**
 * The accountant's files for a date range: invoices for QuickBooks Online's invoice import
 * (no patients), credit notes to enter as credit memos, paid payments for its bank import,
 * the payments ledger, receipts from agencies for its receive-payments import, and the refunds
 * and write-offs of receivables.
 * Invoices and notes count by issue date (or, `by: 'service'`, by the service period they bill:
 * the invoices whose period ends in the range, and their notes), payments by the day they were
 * paid, receipts, refunds and write-offs by their day; reversals recorded since are shown on their row.
 */
import * as z from 'zod/mini';
import { isoDate, ok, type Result } from '../../../shared/index.ts';
import { toExportCsv } from '../../../shared/csv.ts';
import {
  creditNoteRows,
  paymentsLedgerRows,
  qboInvoiceRows,
  qboPaymentRows,
  qboReceivePaymentRows,
  receivableCreditRows,
} from '../../../shared/accounting-csv.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import type { ExportFile } from './year-end-export.ts';

const rangeInput = z.object({ from: isoDate, to: isoDate, by: z.optional(z.enum(['issue', 'service'])) });

/** What an export holds, to say so; `noInvoices` says why no invoice was chosen. */
export type AccountingExport = {
  files: ExportFile[];
  by: 'issue' | 'service';
  /** `invoices`: those in the invoice file; `voidInvoices`: chosen but left out of it, being void. */
  counts: { invoices: number; voidInvoices: number; creditNotes: number; payments: number; agencyEntries: number };
  noInvoices?: string;
};

export async function exportAccounting(ctx: UseCaseContext, orgId: string, range: unknown): Promise<Result<ExportFile[], Failure>> {
  const exported = await accountingExport(ctx, orgId, range);
  return exported.ok ? ok(exported.value.files) : exported;
}

export async function accountingExport(ctx: UseCaseContext, orgId: string, range: unknown): Promise<Result<AccountingExport, Failure>> {
  const parsed = rangeInput.safeParse(range);
  if (!parsed.success) return fail('invalid-input', 'the export needs dates as YYYY-MM-DD', describeIssues(parsed.error.issues));
  const { from, to } = parsed.data;
  const by = parsed.data.by ?? 'issue';
  if (from > to)
    return fail('invalid-input', `the range starts (${from}) after it ends (${to})`, [{ path: 'from', message: `is after to (${to})` }]);
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const within = (date: string) => date >= from && date <= to;
  const [invoices, notes, payments, agencies, therapists, ledger] = await Promise.all([
    ctx.store.listInvoices(orgId, {}),
    ctx.store.listCreditNotes(orgId),
    ctx.store.listPayments(orgId, { paidFrom: from, paidTo: to }),
    ctx.store.listAgencies(orgId),
    ctx.store.listTherapists(orgId),
    ctx.store.listReceivables(orgId),
  ]);
  const agencyNames = new Map(agencies.map((a) => [a.id, a.name]));
  const therapistNames = new Map(therapists.map((t) => [t.id, t.name]));
  const encode = (rows: string[][]) => new TextEncoder().encode(toExportCsv(rows));
  const names = { agencyNames, invoiceNumbers: new Map(invoices.map((i) => [i.id, i.number])) };
  const entries = ledger.filter((e) => within(e.on));
  const chosen = invoices.filter((i) => within(by === 'service' ? i.period.end : i.issueDate));
  const chosenIds = new Set(chosen.map((i) => i.id));
  const chosenNotes = notes.filter((n) => (by === 'service' ? chosenIds.has(n.invoiceId) : within(n.issueDate)));
  const files: ExportFile[] = [
    { name: `qbo-invoices-${from}-to-${to}.csv`, bytes: encode(qboInvoiceRows(chosen)) },
    { name: `credit-notes-${from}-to-${to}.csv`, bytes: encode(creditNoteRows(chosenNotes, agencyNames)) },
    { name: `qbo-payments-${from}-to-${to}.csv`, bytes: encode(qboPaymentRows(payments, therapistNames)) },
    { name: `payments-ledger-${from}-to-${to}.csv`, bytes: encode(paymentsLedgerRows(payments, therapistNames, org.value.settings)) },
    { name: `qbo-receive-payments-${from}-to-${to}.csv`, bytes: encode(qboReceivePaymentRows(entries, ledger, names)) },
    { name: `receivable-credits-${from}-to-${to}.csv`, bytes: encode(receivableCreditRows(entries, ledger, names)) },
  ];
  await audit(ctx, orgId, [
    {
      action: 'export',
      recordType: 'org',
      recordId: orgId,
      detail: `accounting export ${from} to ${to}${by === 'service' ? ' by service period' : ''}`,
    },
  ]);
  const voidInvoices = chosen.filter((i) => i.status === 'void').length;
  const counts = {
    invoices: chosen.length - voidInvoices,
    voidInvoices,
    creditNotes: chosenNotes.length,
    payments: payments.length,
    agencyEntries: entries.length,
  };
  return ok({ files, by, counts, ...(chosen.length === 0 ? { noInvoices: whyNoInvoices(invoices, { from, to, by }) } : {}) });
}

/** Why no invoice was chosen: usually the invoices of a month's service are issued after it, when it closes. */
function whyNoInvoices(
  invoices: readonly { issueDate: string; period: { end: string } }[],
  range: { from: string; to: string; by: 'issue' | 'service' },
): string {
  const none = `no invoice ${range.by === 'service' ? 'bills a service period ending' : 'was issued'} from ${range.from} to ${range.to}`;
  if (invoices.length === 0) return `${none}; this org has no invoices yet (they are made when a month is closed)`;
  const other = invoices.filter((i) =>
    range.by === 'service' ? i.issueDate >= range.from && i.issueDate <= range.to : i.period.end >= range.from && i.period.end <= range.to,
  );
  if (other.length > 0)
    return range.by === 'service'
      ? `${none}; ${other.length} invoice${other.length === 1 ? ' was' : 's were'} issued in it for earlier service: leave out --by service to choose by invoice date`
      : `${none}; ${other.length} invoice${other.length === 1 ? ' bills' : 's bill'} service in it, issued later: add --by service to choose by service period`;
  const dates = invoices.map((i) => i.issueDate).sort();
  return `${none}; this org's invoices were issued from ${dates[0]} to ${dates[dates.length - 1]}`;
}

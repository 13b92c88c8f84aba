/**
 * The accountant's files for a date range: invoices for QuickBooks Online's invoice import
 * (no patients), credit notes to enter as credit memos, paid payments for its bank import,
 * the payments ledger, receipts from agencies for its receive-payments import, and the refunds
 * and write-offs of receivables.
 * Invoices and notes count by issue date, payments by the day they were paid, receipts,
 * refunds and write-offs by their day; reversals recorded since are shown on their row.
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

const rangeInput = z.object({ from: isoDate, to: isoDate });

export async function exportAccounting(ctx: UseCaseContext, orgId: string, range: unknown): Promise<Result<ExportFile[], Failure>> {
  const parsed = rangeInput.safeParse(range);
  if (!parsed.success) return fail('invalid-input', 'the export needs dates as YYYY-MM-DD', describeIssues(parsed.error.issues));
  const { from, to } = parsed.data;
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
  const files: ExportFile[] = [
    { name: `qbo-invoices-${from}-to-${to}.csv`, bytes: encode(qboInvoiceRows(invoices.filter((i) => within(i.issueDate)))) },
    {
      name: `credit-notes-${from}-to-${to}.csv`,
      bytes: encode(
        creditNoteRows(
          notes.filter((n) => within(n.issueDate)),
          agencyNames,
        ),
      ),
    },
    { name: `qbo-payments-${from}-to-${to}.csv`, bytes: encode(qboPaymentRows(payments, therapistNames)) },
    { name: `payments-ledger-${from}-to-${to}.csv`, bytes: encode(paymentsLedgerRows(payments, therapistNames, org.value.settings)) },
    { name: `qbo-receive-payments-${from}-to-${to}.csv`, bytes: encode(qboReceivePaymentRows(entries, ledger, names)) },
    { name: `receivable-credits-${from}-to-${to}.csv`, bytes: encode(receivableCreditRows(entries, ledger, names)) },
  ];
  await audit(ctx, orgId, [{ action: 'export', recordType: 'org', recordId: orgId, detail: `accounting export ${from} to ${to}` }]);
  return ok(files);
}

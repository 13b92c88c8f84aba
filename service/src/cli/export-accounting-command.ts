/**
 * `visitledger export-accounting --month 2026-03 [--by invoice-date|service] --out DIR` (or --from and --to): invoices,
 * payments and receipts from agencies as QuickBooks Online imports them, the payments ledger, and the refunds and
 * write-offs of receivables, for the accountant. Invoices are chosen by invoice date unless `--by service` picks
 * those whose service period ends in the range; the command says which, and why an export is empty.
 */
import { monthBounds } from '../../../shared/index.ts';
import { accountingExport } from '../usecases/accounting-export.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, say, UsageError, type CliValues } from './output.ts';
import { dateOption } from './typed-input.ts';
import { writeOutFile } from './write-files.ts';

export const exportAccountingOptions = {
  month: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  by: { type: 'string' },
  out: { type: 'string' },
} as const;

const BY = { 'invoice-date': 'issue', service: 'service' } as const;

export async function runExportAccounting(rt: CliRuntime, values: CliValues<typeof exportAccountingOptions>): Promise<number> {
  if (!values.out) throw new UsageError('export-accounting needs --out DIR');
  const by = BY[(values.by ?? 'invoice-date') as keyof typeof BY];
  if (!by) throw new UsageError(`--by takes invoice-date or service, got "${values.by}"`);
  let range: { from?: string | undefined; to?: string | undefined } = {
    from: values.from === undefined ? undefined : dateOption('--from', values.from),
    to: values.to === undefined ? undefined : dateOption('--to', values.to),
  };
  if (values.month) {
    const bounds = monthBounds(values.month);
    if (!bounds.ok) throw new UsageError(`--month ${bounds.error.message}`);
    range = { from: bounds.value.start, to: bounds.value.end };
  }
  if (!range.from || !range.to)
    throw new UsageError('export-accounting needs --month YYYY-MM, or --from and --to as dates (4/2/2026 or 2026-04-02)');
  const result = await accountingExport(rt.ctx, rt.orgId, { ...range, by });
  if (!result.ok) return failureExit(result.error);
  const { counts, noInvoices } = result.value;
  say(
    by === 'service'
      ? `invoices chosen by service period: those billing service that ends from ${range.from} to ${range.to} (and their credit notes)`
      : `invoices chosen by invoice date: issued from ${range.from} to ${range.to} (--by service chooses by the service period they bill)`,
  );
  const voided = counts.voidInvoices > 0 ? `; ${counts.voidInvoices} void invoice${counts.voidInvoices === 1 ? '' : 's'} left out` : '';
  say(
    `${counts.invoices} invoices, ${counts.creditNotes} credit notes, ${counts.payments} payments to therapists, ${counts.agencyEntries} receipts, refunds and write-offs${voided}`,
  );
  if (Object.values(counts).every((n) => n === 0))
    say(`the export is empty: no payment, receipt, refund or write-off is dated in the range, and ${noInvoices}`);
  else if (noInvoices) say(`no invoices: ${noInvoices}`);
  for (const f of result.value.files) say(writeOutFile(values.out, f.name, f.bytes));
  return 0;
}

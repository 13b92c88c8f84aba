/**
 * `visitledger export-accounting --month 2026-03 --out DIR` (or --from and --to): invoices,
 * payments and receipts from agencies as QuickBooks Online imports them, the payments ledger,
 * and the refunds and write-offs of receivables, for the accountant.
 */
import { monthBounds } from '../../../shared/index.ts';
import { exportAccounting } from '../usecases/accounting-export.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, say, UsageError, type CliValues } from './output.ts';
import { writeOutFile } from './write-files.ts';

export const exportAccountingOptions = {
  month: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function runExportAccounting(rt: CliRuntime, values: CliValues<typeof exportAccountingOptions>): Promise<number> {
  if (!values.out) throw new UsageError('export-accounting needs --out DIR');
  let range: { from?: string | undefined; to?: string | undefined } = { from: values.from, to: values.to };
  if (values.month) {
    const bounds = monthBounds(values.month);
    if (!bounds.ok) throw new UsageError(`--month ${bounds.error.message}`);
    range = { from: bounds.value.start, to: bounds.value.end };
  }
  if (!range.from || !range.to) throw new UsageError('export-accounting needs --month YYYY-MM, or --from and --to as YYYY-MM-DD');
  const result = await exportAccounting(rt.ctx, rt.orgId, range);
  if (!result.ok) return failureExit(result.error);
  for (const f of result.value) say(writeOutFile(values.out, f.name, f.bytes));
  return 0;
}

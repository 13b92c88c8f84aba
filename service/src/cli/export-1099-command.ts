/**
 * `visitledger export-1099 --year 2026 --out DIR [--json]`: the IRIS upload CSVs
 * (iris-1099-nec-<year>-<n>.csv, the only files with full TINs), a substitute Copy B per
 * recipient, and the owner's summary PDF with the same figures as `visitledger tax-year`.
 */
import { exportYearEnd } from '../usecases/year-end-export.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, UsageError, type CliValues } from './output.ts';
import { writeOutFile } from './write-files.ts';

export const export1099Options = { year: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runExport1099(rt: CliRuntime, values: CliValues<typeof export1099Options>): Promise<number> {
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new UsageError('export-1099 needs --year YYYY');
  if (!values.out) throw new UsageError('export-1099 needs --out DIR (the folder to write the files to)');
  const result = await exportYearEnd(rt.documents(), rt.orgId, Number(values.year));
  if (!result.ok) return failureExit(result.error);
  const e = result.value;
  const paths = e.files.map((f) => writeOutFile(values.out!, f.name, f.bytes));
  if (values.json) {
    printJson({
      year: e.summary.year, thresholdCents: e.summary.thresholdCents, dueDate: e.summary.dueDate, files: e.files.map((f) => f.name),
      skipped: e.skipped.map((k) => ({ therapist: k.name, reasons: k.reasons })), payerProblems: e.payerProblems,
    });
    return 0;
  }
  const s = e.summary;
  say(`1099-NEC, tax year ${s.year}: ${s.reportableCount} of ${s.therapists.length} paid therapists reach ${money(s.thresholdCents)}; due to recipients and the IRS by ${s.dueDate}`);
  if (s.therapists.length === 0) say(`no payments were recorded as paid in ${s.year}: nothing to file`);
  for (const p of e.payerProblems) say(`no IRS file: ${p}`);
  for (const k of e.skipped) say(`left out of the IRS file: ${k.name}: ${k.reasons.join(' ')}`);
  say(`wrote ${paths.length} file${paths.length === 1 ? '' : 's'} to ${values.out}:`);
  for (const f of e.files) say(`  ${f.name}`);
  return 0;
}

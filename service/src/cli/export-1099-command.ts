/**
 * `visitledger export-1099 --year 2026 --out DIR [--tin-matching] [--json]`: the IRIS upload
 * CSVs (iris-1099-nec-<year>-<n>.csv, the only files with full TINs), a substitute Copy B per
 * recipient (CORRECTED where a filed return changed), the owner's summary PDF with the same
 * figures as `visitledger tax-year`, and with --tin-matching the IRS bulk TIN Matching file.
 * `--mark-filed FILE` records that FILE was filed: later payments for the year then list the
 * returns that need a correction.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exportYearEnd, markNecFiled } from '../usecases/year-end-export.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, UsageError, type CliValues } from './output.ts';
import { writeOutFile } from './write-files.ts';

export const export1099Options = {
  year: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'tin-matching': { type: 'boolean' },
  'mark-filed': { type: 'string' },
} as const;

export async function runExport1099(rt: CliRuntime, values: CliValues<typeof export1099Options>): Promise<number> {
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new UsageError('export-1099 needs --year YYYY');
  if (values['mark-filed'] !== undefined) return markFiled(rt, Number(values.year), values['mark-filed'], values.json === true);
  if (!values.out) throw new UsageError('export-1099 needs --out DIR (the folder to write the files to)');
  const result = await exportYearEnd(rt.documents(), rt.orgId, Number(values.year), { tinMatching: values['tin-matching'] === true });
  if (!result.ok) return failureExit(result.error);
  const e = result.value;
  const paths = e.files.map((f) => writeOutFile(values.out!, f.name, f.bytes));
  const corrections = e.corrections.map((c) => ({ therapist: c.name, filed: c.filed, now: c.now, message: c.message }));
  if (values.json) {
    printJson({
      year: e.summary.year,
      thresholdCents: e.summary.thresholdCents,
      dueDate: e.summary.dueDate,
      files: e.files.map((f) => f.name),
      skipped: e.skipped.map((k) => ({ therapist: k.name, reasons: k.reasons })),
      payerProblems: e.payerProblems,
      corrections,
    });
    return 0;
  }
  const s = e.summary;
  say(
    `1099-NEC, tax year ${s.year}: ${s.reportableCount} of ${s.therapists.length} paid therapists reach ${money(s.thresholdCents)}; due to recipients and the IRS by ${s.dueDate}`,
  );
  if (s.therapists.length === 0) say(`no payments were recorded as paid in ${s.year}: nothing to file`);
  for (const p of e.payerProblems) say(`no IRS file: ${p}`);
  for (const k of e.skipped) say(`left out of the IRS file: ${k.name}: ${k.reasons.join(' ')}`);
  for (const c of e.corrections) say(`needs a correction: ${c.message}`);
  say(`wrote ${paths.length} file${paths.length === 1 ? '' : 's'} to ${values.out}:`);
  for (const f of e.files) say(`  ${f.name}`);
  return 0;
}

async function markFiled(rt: CliRuntime, year: number, path: string, json: boolean): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`--mark-filed: cannot read ${path}`);
  }
  const result = await markNecFiled(rt.ctx, rt.orgId, year, { name: basename(path), bytes });
  if (!result.ok) return failureExit(result.error);
  const { filing, alreadyMarked } = result.value;
  if (json) {
    printJson({
      year,
      sha256: filing.sha256,
      file: filing.fileName,
      alreadyMarked,
      returns: filing.returns.map((r) => ({ therapist: r.name, box1Cents: r.box1Cents, box4Cents: r.box4Cents })),
    });
    return 0;
  }
  say(
    `${alreadyMarked ? 'already marked as filed' : 'marked as filed'}: ${filing.fileName} (sha256 ${filing.sha256}), ${filing.returns.length} returns for ${year}`,
  );
  return 0;
}

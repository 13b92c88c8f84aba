/**
 * The owner's 1099-NEC year-end summary: the same figures as `visitledger tax-year` (each
 * therapist's total by payment date, the threshold, W-9 status, what blocks filing, the due
 * date), plus what the export wrote and what it left out of the IRS file, and why.
 */
import { formatMoney, reportableWhy, type TaxYearSummary } from '../../../shared/index.ts';
import type { IrisSkipped } from '../../../shared/iris.ts';
import type { NecCorrection } from '../../../shared/nec-filing.ts';
import { breakable, documentHeader, linesTable, money, pageSetup, usDate } from './layout.ts';
import type { DocContent, DocDefinition } from './pdf-printer.ts';
import type { OrgSettings } from '../../../shared/index.ts';

export type YearEndSummaryInput = {
  org: OrgSettings;
  summary: TaxYearSummary;
  /** Names of the files the export wrote (IRIS CSVs, recipient copies). */
  files: readonly string[];
  skipped: readonly IrisSkipped[];
  /** Why no IRS file could be written at all (the payer's own details), if so. */
  payerProblems: readonly string[];
  /** Filed returns whose amounts changed since: each needs a corrected return. */
  corrections?: readonly NecCorrection[];
  preparedOn: string;
};

export function yearEndSummaryDocument(input: YearEndSummaryInput): DocDefinition {
  const { org, summary: s } = input;
  // Every therapist paid in the year, reportable or not, with why and what blocks filing.
  const rows: DocContent[][] = s.therapists.map((t) => [
    breakable(t.name),
    money(t.totalCents),
    money(t.withheldCents),
    money(t.excludedCents),
    `${t.reportable ? 'Yes' : 'No'}: ${reportableWhy(t, s.thresholdCents)}`,
    t.w9Status === 'on-file' ? 'On file' : 'Missing',
    t.tinMasked ?? '',
    t.blockers.length === 0 ? (t.reportable ? 'Ready to file' : 'Nothing to file') : t.blockers.join(' '),
  ]);
  const content: DocContent[] = [
    documentHeader(org, '1099-NEC SUMMARY', [
      ['Tax year', String(s.year)],
      ['Threshold', formatMoney(s.thresholdCents)],
      ['Reach it', String(s.reportableCount)],
      ['Due date', usDate(s.dueDate)],
    ]),
    {
      text: `Totals count payments by the date they were paid in ${s.year}, not the visit date. A therapist paid ${formatMoney(s.thresholdCents)} or more gets a Form 1099-NEC, due to them and to the IRS by ${usDate(s.dueDate)}.`,
      margin: [0, 0, 0, 8],
    },
  ];
  if (s.therapists.length === 0) {
    content.push({
      text: `No payments were recorded as paid in ${s.year}: there is no 1099-NEC to file for this year.`,
      style: 'banner',
      margin: [0, 8, 0, 8],
    });
  } else {
    content.push(
      linesTable(
        ['Therapist', 'Paid (counted)', 'Withheld (Box 4)', 'Not counted', 'Gets a 1099-NEC', 'W-9', 'TIN', 'What blocks filing'],
        ['*', 52, 44, 44, 70, 32, 50, 100],
        rows,
        new Set([1, 2, 3]),
      ),
    );
    if (s.form945TotalCents > 0)
      content.push({
        text: `Backup withholding kept in ${s.year}: ${formatMoney(s.form945TotalCents)}, reported on Form 945 (due ${usDate(s.dueDate)}).`,
        margin: [0, 6, 0, 0],
      });
  }
  if (input.payerProblems.length > 0) {
    content.push({ text: 'No IRS file was written', style: 'section' }, { ul: input.payerProblems.map((p) => breakable(p)) });
  }
  if (input.skipped.length > 0) {
    content.push(
      { text: 'Left out of the IRS file', style: 'section' },
      { ul: input.skipped.map((k) => ({ text: [{ text: `${breakable(k.name)}: `, bold: true }, k.reasons.join(' ')] })) },
    );
  }
  if (input.corrections && input.corrections.length > 0) {
    content.push(
      { text: 'Returns filed that need a correction', style: 'section' },
      { ul: input.corrections.map((c) => breakable(c.message)) },
    );
  }
  if (s.notes.length > 0) content.push({ text: 'Notes', style: 'section' }, { ul: s.notes.map((n) => breakable(n)) });
  content.push(
    { text: 'Files in this export', style: 'section' },
    input.files.length > 0 ? { ul: input.files.map((f) => breakable(f)) } : { text: 'None.', style: 'note' },
  );
  return pageSetup({
    title: `1099-NEC summary ${s.year}`,
    author: org.name,
    subject: `1099-NEC year-end summary for ${s.year}`,
    date: input.preparedOn,
    footerLeft: `1099-NEC summary · tax year ${s.year} · prepared ${usDate(input.preparedOn)}`,
    confidential: false,
    content,
  });
}

/**
 * After the IRS file is filed: what was filed (each recipient's Box 1 and Box 4, per file by
 * its SHA-256), and which returns need a correction because a payment was recorded or
 * changed since. Before it is filed: the IRS e-Services bulk TIN Matching file, so names
 * and TINs can be checked first.
 */
import { parseCsv } from './csv.ts';
import { foldForIrs } from './irs-text.ts';
import { formatMoney, parseMoney, type Cents } from './money.ts';
import { necForm } from './nec-forms.ts';
import { err, ok, type Result } from './result.ts';
import type { TaxYearSummary } from './tax1099.ts';
import type { TinType } from './tin.ts';

export type NecFiledReturn = { therapistId: string; name: string; box1Cents: Cents; box4Cents: Cents };

/** One IRS file the owner marked as filed. */
export type NecFiling = { year: number; sha256: string; fileName: string; markedAt: string; returns: NecFiledReturn[] };

export type NecCorrection = {
  therapistId: string;
  name: string;
  filed: { box1Cents: Cents; box4Cents: Cents; sha256: string };
  now: { box1Cents: Cents; box4Cents: Cents };
  message: string;
};

/**
 * The returns filed for `summary.year` whose amounts no longer match the year's payments:
 * each needs a corrected return to the IRS and a CORRECTED Copy B to the recipient. The
 * latest filing of a recipient is what the IRS has.
 */
export function necCorrections(summary: TaxYearSummary, filings: readonly NecFiling[]): NecCorrection[] {
  const filed = new Map<string, NecFiledReturn & { sha256: string }>();
  for (const f of filings.filter((x) => x.year === summary.year)) {
    for (const r of f.returns) filed.set(r.therapistId, { ...r, sha256: f.sha256 });
  }
  const now = new Map(summary.therapists.map((t) => [t.therapistId, t]));
  const corrections: NecCorrection[] = [];
  for (const [id, was] of filed) {
    const t = now.get(id);
    const current = { box1Cents: t?.totalCents ?? 0, box4Cents: t?.withheldCents ?? 0 };
    if (current.box1Cents === was.box1Cents && current.box4Cents === was.box4Cents) continue;
    const name = t?.name ?? was.name;
    const changes = [
      current.box1Cents !== was.box1Cents ? `Box 1 filed ${formatMoney(was.box1Cents)}, now ${formatMoney(current.box1Cents)}` : null,
      current.box4Cents !== was.box4Cents ? `Box 4 filed ${formatMoney(was.box4Cents)}, now ${formatMoney(current.box4Cents)}` : null,
    ].filter((c) => c !== null);
    corrections.push({
      therapistId: id,
      name,
      filed: { box1Cents: was.box1Cents, box4Cents: was.box4Cents, sha256: was.sha256 },
      now: current,
      message: `${name}: ${changes.join('; ')}. File a corrected 1099-NEC for ${summary.year} in IRIS and send the CORRECTED Copy B.`,
    });
  }
  return corrections.sort((a, b) => a.name.localeCompare(b.name, 'en-US', { sensitivity: 'base' }));
}

/** A record read back from a filed IRIS file: whose account and the amounts the IRS got. */
export type FiledIrisRecord = { accountNumber: string; tin: string; box1Cents: Cents; box4Cents: Cents };

export type FiledFileError = { code: 'not-an-iris-file'; message: string };

/** Reads an IRIS 1099-NEC file of `year` back: it must have that year's header and be for that year. */
export function readFiledIrisFile(text: string, year: number): Result<FiledIrisRecord[], FiledFileError> {
  const form = necForm(year);
  if (!form.ok) return err({ code: 'not-an-iris-file', message: form.error.message });
  const [header, ...rows] = parseCsv(text.replace(/\r?\n$/, ''));
  const bad = (message: string) => err({ code: 'not-an-iris-file' as const, message });
  if (!header || header.join('\u0000') !== form.value.irisHeader.join('\u0000'))
    return bad(`this is not a VisitLedger IRIS 1099-NEC file for ${year}: its header is not the ${year} header`);
  const col = (name: string) => form.value.irisHeader.indexOf(name);
  const records: FiledIrisRecord[] = [];
  for (const [i, row] of rows.entries()) {
    if (row[col('Form Type')] !== '1099-NEC' || row[col('Tax Year')] !== String(year))
      return bad(`row ${i + 2} is not a 1099-NEC for ${year}`);
    const box1 = parseMoney(row[col('Box 1 - Nonemployee Compensation')] ?? '');
    const box4 = parseMoney(row[col('Box 4 - Federal income tax withheld')] || '0');
    if (!box1.ok || !box4.ok) return bad(`row ${i + 2} has an amount that is not money`);
    records.push({
      accountNumber: row[col('Form Account Number')] ?? '',
      tin: row[col('Recipient Taxpayer ID Number')] ?? '',
      box1Cents: box1.value,
      box4Cents: box4.value,
    });
  }
  return ok(records);
}

// ---------------------------------------------------------------------------------------
// TIN Matching (IRS e-Services, Publication 2108A)

/** The TIN type codes of a bulk TIN Matching request. */
export const TIN_MATCHING_TYPE: Readonly<Record<TinType | 'unknown', '1' | '2' | '3'>> = { EIN: '1', SSN: '2', unknown: '3' };
/** The longest name the request takes. */
export const TIN_MATCHING_NAME_MAX = 40;

export type TinMatchingEntry = { therapistId: string; name: string; tinType: TinType; tin: string; accountNumber: string };

/**
 * The bulk TIN Matching file: one line a recipient, `type;TIN;name;account number`, CRLF
 * line ends. Names are folded to what the request takes; a name that cannot be is left
 * out with the reason.
 */
export function tinMatchingFile(entries: readonly TinMatchingEntry[]): {
  text: string;
  skipped: { therapistId: string; name: string; reasons: string[] }[];
} {
  const lines: string[] = [];
  const skipped: { therapistId: string; name: string; reasons: string[] }[] = [];
  for (const e of entries) {
    const name = foldForIrs(e.name, 'tin-matching-name', 'the W-9 legal name');
    if (!name.ok) {
      skipped.push({ therapistId: e.therapistId, name: e.name, reasons: [name.error.message] });
      continue;
    }
    lines.push([TIN_MATCHING_TYPE[e.tinType], e.tin, name.value.slice(0, TIN_MATCHING_NAME_MAX).trim(), e.accountNumber].join(';'));
  }
  return { text: lines.map((l) => `${l}\r\n`).join(''), skipped };
}

/**
 * The IRS IRIS Taxpayer Portal CSV for 1099-NEC (DOMAIN.md, "Electronic filing"). The
 * header is data: the IRS publishes its template behind the portal login, so confirm
 * IRIS_1099_NEC_HEADER against it before each filing season and change it here only.
 *
 * This is the one place a full TIN is ever written out. Rows that cannot be filed (no
 * W-9, a bad TIN, no address) are listed with the reason instead of being written.
 */
import { centsToDecimalString, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';
import type { Address, W9 } from './schemas.ts';
import { filingBlockers } from './tax1099.ts';
import { normalizeTin, type TinType } from './tin.ts';

const PARTY_FIELDS = [
  'TIN Type', 'Taxpayer ID Number', 'Name Type', 'Business or Entity Name Line 1', 'Business or Entity Name Line 2',
  'First Name', 'Middle Name', 'Last Name (Surname)', 'Suffix', 'Country', 'Address Line 1', 'Address Line 2',
  'City/Town', 'State/Province/Territory', 'ZIP/Postal Code', 'Phone Type', 'Phone', 'Email Address',
] as const;

const STATE_FIELDS = ['State', 'State Tax Withheld', 'State/Payer state number', 'State income'] as const;

export const IRIS_1099_NEC_HEADER: readonly string[] = [
  'Form Type', 'Tax Year',
  ...PARTY_FIELDS.map((f) => `Payer ${f}`),
  ...PARTY_FIELDS.map((f) => `Recipient ${f}`),
  'Office Code', 'Form Account Number', '2nd TIN Notice', 'Box 1 - Nonemployee Compensation',
  'Box 2 - Payer made direct sales totaling $5000 or more', 'Box 4 - Federal income tax withheld', 'Combined Federal/State Filing',
  ...STATE_FIELDS.map((f) => `State 1 - ${f}`),
  ...STATE_FIELDS.map((f) => `State 2 - ${f}`),
];

/** The portal takes at most 100 records per uploaded file. */
export const IRIS_MAX_RECORDS_PER_FILE = 100;

export type IrisNameType = 'B' | 'I';

/** Who files: the org, with its TIN opened by the caller. */
export type IrisPayer = {
  name: string;
  nameType: IrisNameType;
  tin: string;
  tinType: TinType;
  address: Address | undefined;
  phone?: string | undefined;
  email?: string | undefined;
};

/** A therapist who reaches the threshold, with the W-9's TIN opened by the caller. */
export type IrisRecipient = { therapistId: string; name: string; totalCents: Cents; w9: W9 | undefined };

export type IrisSkipped = { therapistId: string; name: string; reasons: string[] };

export type IrisExport = {
  /** Each file's rows, header first, at most IRIS_MAX_RECORDS_PER_FILE records after it. */
  files: string[][][];
  skipped: IrisSkipped[];
};

export type IrisPayerError = { code: 'payer-incomplete'; problems: string[]; message: string };

const SUFFIXES = new Set(['JR', 'SR', 'II', 'III', 'IV', 'V']);

/** First, middle, last and suffix from one name as written ("Tom A. Becker Jr." or "Becker, Tom A., Jr."). */
export function splitPersonName(name: string): { first: string; middle: string; last: string; suffix: string } {
  const isSuffix = (word: string) => SUFFIXES.has(word.replace(/\./g, '').toUpperCase());
  const parts = name.split(',').map((p) => p.trim()).filter((p) => p !== '');
  let suffix = '';
  if (parts.length > 1 && isSuffix(parts[parts.length - 1]!)) suffix = parts.pop()!;
  // "Last, First Middle": the surname comes first.
  const words = parts.length === 2 ? [...parts[1]!.split(/\s+/), parts[0]!] : parts.join(' ').split(/\s+/);
  if (suffix === '' && words.length > 2 && isSuffix(words[words.length - 1]!)) suffix = words.pop()!;
  if (words.length === 1) return { first: '', middle: '', last: words[0]!, suffix };
  return { first: words[0]!, middle: words.slice(1, -1).join(' '), last: words[words.length - 1]!, suffix };
}

/** A W-9 filed as an individual (or single-member LLC owner by SSN) is name type I; every entity is B. */
export function recipientNameType(w9: Pick<W9, 'taxClassification' | 'tinType'>): IrisNameType {
  return w9.taxClassification === 'individual' || w9.tinType === 'SSN' ? 'I' : 'B';
}

type Party = { nameType: IrisNameType; tinType: TinType; tin: string; name: string; line2: string; address: Address; phone: string; email: string };

function partyFields(p: Party): string[] {
  const person = p.nameType === 'I' ? splitPersonName(p.name) : { first: '', middle: '', last: '', suffix: '' };
  return [
    p.tinType, p.tin, p.nameType,
    p.nameType === 'B' ? p.name : '', p.nameType === 'B' ? p.line2 : '',
    person.first, person.middle, person.last, person.suffix,
    'US', p.address.line1, p.address.line2 ?? '', p.address.city, p.address.state, p.address.zip,
    p.phone === '' ? '' : 'Domestic', p.phone.replace(/\D/g, ''), p.email,
  ];
}

function payerProblems(payer: IrisPayer): string[] {
  const problems: string[] = [];
  if (payer.name.trim() === '') problems.push("the org has no name");
  if (!payer.address) problems.push("the org's address is not set (Settings: address)");
  const tin = normalizeTin(payer.tin, payer.tinType);
  if (!tin.ok) problems.push(`the payer TIN is not usable: ${tin.error.message}`);
  return problems;
}

/**
 * The IRIS 1099-NEC upload files for one tax year. `recipients` are the therapists who
 * reach the threshold; each becomes one record or one skipped entry with every reason.
 */
export function buildIris1099Nec(input: { year: number; payer: IrisPayer; recipients: readonly IrisRecipient[] }): Result<IrisExport, IrisPayerError> {
  const { year, payer } = input;
  const problems = payerProblems(payer);
  if (problems.length > 0) {
    return err({ code: 'payer-incomplete', problems, message: `The IRIS file cannot be written: ${problems.join('; ')}.` });
  }
  const payerFields = partyFields({
    nameType: payer.nameType, tinType: payer.tinType, tin: payer.tin.replace(/\D/g, ''), name: payer.name, line2: '',
    address: payer.address!, phone: payer.phone ?? '', email: payer.email ?? '',
  });
  const records: string[][] = [];
  const skipped: IrisSkipped[] = [];
  for (const r of input.recipients) {
    const reasons = r.totalCents <= 0 ? ['nothing counted toward 1099-NEC was paid in the year'] : filingBlockers({ w9: r.w9 });
    const tin = r.w9 ? normalizeTin(r.w9.tin, r.w9.tinType) : null;
    if (reasons.length > 0 || !r.w9 || !tin?.ok) {
      skipped.push({ therapistId: r.therapistId, name: r.name, reasons });
      continue;
    }
    const nameType = recipientNameType(r.w9);
    records.push([
      '1099-NEC', String(year), ...payerFields,
      ...partyFields({
        nameType, tinType: r.w9.tinType, tin: tin.value, name: r.w9.legalName,
        line2: nameType === 'B' ? (r.w9.businessName ?? '') : '', address: r.w9.address, phone: '', email: '',
      }),
      '', '', 'N', centsToDecimalString(r.totalCents), 'N', '0.00', 'N',
      ...STATE_FIELDS.map(() => ''), ...STATE_FIELDS.map(() => ''),
    ]);
  }
  const files: string[][][] = [];
  for (let i = 0; i < records.length; i += IRIS_MAX_RECORDS_PER_FILE) {
    files.push([[...IRIS_1099_NEC_HEADER], ...records.slice(i, i + IRIS_MAX_RECORDS_PER_FILE)]);
  }
  return ok({ files, skipped });
}

/** `iris-1099-nec-2026-1.csv`: numbered from 1, in upload order. */
export function irisFileName(year: number, index: number): string {
  return `iris-1099-nec-${year}-${index + 1}.csv`;
}

/**
 * The IRS IRIS Taxpayer Portal CSV for 1099-NEC (DOMAIN.md, "Electronic filing"). The
 * header is data kept per tax year in NEC_FORMS (shared/nec-forms.ts): the IRS publishes
 * its template behind the portal login, so confirm it there before each filing season.
 *
 * This is the one place a full TIN is ever written out. Names and addresses are folded to
 * the IRS's character set (irs-text.ts), so no cell starts with = + - @. Rows that cannot
 * be filed (no W-9, a bad TIN, no address, a name the IRS file cannot carry) are listed
 * with the reason instead of being written.
 */
import { foldForIrs, type IrsTextKind } from './irs-text.ts';
import { centsToDecimalString, type Cents } from './money.ts';
import { IRIS_1099_NEC_HEADER_2026, necForm, type NecFormUnknownError } from './nec-forms.ts';
import { err, ok, type Result } from './result.ts';
import type { Address, W9 } from './schemas.ts';
import { filingBlockers } from './tax1099.ts';
import { normalizeTin, type TinType } from './tin.ts';

/** The 2026 header; each tax year's header is kept in NEC_FORMS (shared/nec-forms.ts). */
export const IRIS_1099_NEC_HEADER: readonly string[] = IRIS_1099_NEC_HEADER_2026;

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

/** A therapist who reaches the threshold (or had tax withheld), with the W-9's TIN opened by the caller. */
export type IrisRecipient = { therapistId: string; name: string; totalCents: Cents; withheldCents?: Cents; w9: W9 | undefined };

export type IrisSkipped = { therapistId: string; name: string; reasons: string[] };

/** One record written: who, and the amounts the IRS receives for them (what a filed file is later compared with). */
export type IrisRecord = { therapistId: string; accountNumber: string; box1Cents: Cents; box4Cents: Cents };

export type IrisExport = {
  /** Each file's rows, header first, at most IRIS_MAX_RECORDS_PER_FILE records after it. */
  files: string[][][];
  /** The records of each file, in the same order as its rows. */
  records: IrisRecord[][];
  skipped: IrisSkipped[];
};

export type IrisPayerError = { code: 'payer-incomplete'; problems: string[]; message: string };

/**
 * The Form Account Number: the payer's own number for the recipient, the same every year,
 * so a corrected return matches its original. Letters and digits of the therapist's id, at
 * most 20 (the field's size).
 */
export function necAccountNumber(therapistId: string): string {
  return therapistId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
}

const SUFFIXES = new Set(['JR', 'SR', 'II', 'III', 'IV', 'V']);

/** First, middle, last and suffix from one name as written ("Tom A. Becker Jr." or "Becker, Tom A., Jr."). */
export function splitPersonName(name: string): { first: string; middle: string; last: string; suffix: string } {
  const isSuffix = (word: string) => SUFFIXES.has(word.replace(/\./g, '').toUpperCase());
  const parts = name
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
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

type Party = {
  nameType: IrisNameType;
  tinType: TinType;
  tin: string;
  name: string;
  line2: string;
  address: Address;
  contact?: { phone: string; email: string };
};

/**
 * The party's columns with every name and address folded to what the IRS file takes; or
 * every reason a field cannot be folded. `whose` names the source in the reasons.
 */
function partyFields(p: Party, whose: string): Result<string[], string[]> {
  const problems: string[] = [];
  const fold = (text: string, kind: IrsTextKind, what: string) => {
    const folded = foldForIrs(text, kind, `${whose} ${what}`);
    if (folded.ok) return folded.value;
    problems.push(folded.error.message);
    return '';
  };
  const person = p.nameType === 'I' ? splitPersonName(p.name) : { first: '', middle: '', last: '', suffix: '' };
  const fields = [
    p.tinType,
    p.tin,
    p.nameType,
    p.nameType === 'B' ? fold(p.name, 'business-name', 'name') : '',
    p.nameType === 'B' ? fold(p.line2, 'business-name', 'business name') : '',
    fold(person.first, 'person-name', 'first name'),
    fold(person.middle, 'person-name', 'middle name'),
    fold(person.last, 'person-name', 'last name'),
    fold(person.suffix, 'person-name', 'name suffix'),
    'US',
    fold(p.address.line1, 'street', 'street address'),
    fold(p.address.line2 ?? '', 'street', 'address line 2'),
    fold(p.address.city, 'city', 'city'),
    p.address.state,
    p.address.zip,
    ...(p.contact ? [p.contact.phone === '' ? '' : 'Domestic', p.contact.phone.replace(/\D/g, ''), p.contact.email] : []),
  ];
  return problems.length === 0 ? ok(fields) : err(problems);
}

function payerProblems(payer: IrisPayer): string[] {
  const problems: string[] = [];
  if (payer.name.trim() === '') problems.push('the org has no name');
  if (!payer.address) problems.push("the org's address is not set (visitledger settings --address1 ... --city ... --state ... --zip ...)");
  const tin = normalizeTin(payer.tin, payer.tinType);
  if (!tin.ok) problems.push(`the payer TIN is not usable: ${tin.error.message}`);
  return problems;
}

/** An e-mail address has no place for formula characters at its start either. */
const safeEmail = (email: string) => (/^[=+\-@]/.test(email) ? '' : email);

/**
 * The IRIS 1099-NEC upload files for one tax year, under that year's header. `recipients`
 * are the therapists to report; each becomes one record or one skipped entry with every
 * reason (no W-9, a bad TIN, a name the IRS file cannot carry).
 */
export function buildIris1099Nec(input: {
  year: number;
  payer: IrisPayer;
  recipients: readonly IrisRecipient[];
}): Result<IrisExport, IrisPayerError | NecFormUnknownError> {
  const { year, payer } = input;
  const form = necForm(year);
  if (!form.ok) return form;
  const problems = payerProblems(payer);
  const payerFields =
    problems.length > 0
      ? null
      : partyFields(
          {
            nameType: payer.nameType,
            tinType: payer.tinType,
            tin: payer.tin.replace(/\D/g, ''),
            name: payer.name,
            line2: '',
            address: payer.address!,
            contact: { phone: payer.phone ?? '', email: safeEmail(payer.email ?? '') },
          },
          "the org's",
        );
  if (payerFields && !payerFields.ok) problems.push(...payerFields.error);
  if (!payerFields?.ok || problems.length > 0) {
    return err({ code: 'payer-incomplete', problems, message: `The IRIS file cannot be written: ${problems.join('; ')}.` });
  }
  const rows: string[][] = [];
  const written: IrisRecord[] = [];
  const skipped: IrisSkipped[] = [];
  for (const r of input.recipients) {
    const withheldCents = r.withheldCents ?? 0;
    const reasons =
      r.totalCents <= 0 && withheldCents <= 0 ? ['nothing counted toward 1099-NEC was paid in the year'] : filingBlockers({ w9: r.w9 });
    const tin = r.w9 ? normalizeTin(r.w9.tin, r.w9.tinType) : null;
    if (reasons.length > 0 || !r.w9 || !tin?.ok) {
      skipped.push({ therapistId: r.therapistId, name: r.name, reasons });
      continue;
    }
    const nameType = recipientNameType(r.w9);
    const recipientFields = partyFields(
      {
        nameType,
        tinType: r.w9.tinType,
        tin: tin.value,
        name: r.w9.legalName,
        line2: nameType === 'B' ? (r.w9.businessName ?? '') : '',
        address: r.w9.address,
      },
      'the W-9',
    );
    if (!recipientFields.ok) {
      skipped.push({ therapistId: r.therapistId, name: r.name, reasons: recipientFields.error });
      continue;
    }
    const accountNumber = necAccountNumber(r.therapistId);
    rows.push([
      '1099-NEC',
      String(year),
      ...payerFields.value,
      ...recipientFields.value,
      '',
      accountNumber,
      'N',
      centsToDecimalString(r.totalCents),
      'N',
      centsToDecimalString(withheldCents),
      'N',
      ...form.value.irisHeader.filter((h) => h.startsWith('State ')).map(() => ''),
    ]);
    written.push({ therapistId: r.therapistId, accountNumber, box1Cents: r.totalCents, box4Cents: withheldCents });
  }
  const files: string[][][] = [];
  const records: IrisRecord[][] = [];
  for (let i = 0; i < rows.length; i += IRIS_MAX_RECORDS_PER_FILE) {
    files.push([[...form.value.irisHeader], ...rows.slice(i, i + IRIS_MAX_RECORDS_PER_FILE)]);
    records.push(written.slice(i, i + IRIS_MAX_RECORDS_PER_FILE));
  }
  return ok({ files, records, skipped });
}

/** `iris-1099-nec-2026-1.csv`: numbered from 1, in upload order. */
export function irisFileName(year: number, index: number): string {
  return `iris-1099-nec-${year}-${index + 1}.csv`;
}

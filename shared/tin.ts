/**
 * Taxpayer identification numbers (SSN, EIN) from W-9s.
 * A TIN never appears in an error message or a log line: messages say what is wrong
 * with the number, never the number (nor the text it was typed as).
 */
import { err, ok, type Result } from './result.ts';
import type { W9 } from './schemas.ts';

export type TinType = W9['tinType'];

export type TinError = { code: 'bad-tin'; message: string };

/** Dashes people paste from documents (hyphen, en and em dashes, minus sign) read as "-". */
const DASH_LIKE = /[\u2010-\u2015\u2212]/g;
/** The way each type is printed on the W-9: SSN 123-45-6789, EIN 12-3456789. */
const LAYOUT: Record<TinType, string> = { SSN: '3,2,4', EIN: '2,7' };
const EXAMPLE: Record<TinType, string> = { SSN: '123-45-6789', EIN: '12-3456789' };

/**
 * The first two digits the IRS assigns to EINs, by the campus or channel that assigns them
 * (IRS, "How EINs are assigned and valid EIN prefixes"): Andover 10 12; Atlanta 60 67;
 * Austin 50 53; Brookhaven 01-06 11 13 14 16 21-23 25 34 51 52 54-59 65; Cincinnati 30 32
 * 35-38 61; Fresno 15 24; Kansas City 40 44; Memphis 94 95; Ogden 80 90; Philadelphia 33 39
 * 41-43 46 48 62-64 66 68 71-77 85-88 91-93 98 99; Internet 20 26 27 45 46 47 81-88;
 * Small Business Administration 31. A prefix the IRS adds is one more entry here.
 */
export const VALID_EIN_PREFIXES: readonly string[] = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '20',
  '21',
  '22',
  '23',
  '24',
  '25',
  '26',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '39',
  '40',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '50',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '59',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '67',
  '68',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '77',
  '80',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '87',
  '88',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
  '99',
];

/**
 * Reads a TIN as typed ("123-45-6789", "12-3456789", "123456789", "123 45 6789") and
 * returns its 9 digits. The checks are the ones the IRS numbering rules allow:
 * an SSN's area is never 000, 666 or 9xx (9xx are ITINs), its group never 00 and its
 * serial never 0000; an EIN starts with a prefix the IRS assigns (VALID_EIN_PREFIXES).
 * A TIN written in the other type's layout (12-3456789 marked as an SSN) is refused: it
 * usually means the wrong box.
 */
export function normalizeTin(text: string, type: TinType): Result<string, TinError> {
  const cleaned = text.replace(DASH_LIKE, '-').trim();
  if (cleaned === '') return bad(`The ${type} is empty.`);
  if (!/^[\d\s-]+$/.test(cleaned)) return bad(`An ${type} has only digits, dashes and spaces (such as ${EXAMPLE[type]}).`);
  const groups = cleaned.split(/[\s-]+/).filter((g) => g !== '');
  const digits = groups.join('');
  if (digits.length !== 9) return bad(`An ${type} has 9 digits; this one has ${digits.length}.`);
  const layout = groups.map((g) => g.length).join(',');
  const other: TinType = type === 'SSN' ? 'EIN' : 'SSN';
  if (groups.length > 1 && layout === LAYOUT[other]) {
    return bad(`This number is written like an ${other} (${EXAMPLE[other]}) but marked as an ${type}: check which box the W-9 uses.`);
  }
  if (/^0+$/.test(digits)) return bad(`The ${type} is all zeros.`);
  if (type === 'EIN') {
    if (digits.startsWith('00')) return bad('An EIN never starts with 00.');
    const prefix = digits.slice(0, 2);
    if (!VALID_EIN_PREFIXES.includes(prefix)) {
      return bad(`The IRS assigns no EIN starting with ${prefix}: check the number on the W-9 (or the IRS letter that assigned it).`);
    }
    return ok(digits);
  }
  const area = digits.slice(0, 3);
  if (area === '000') return bad('An SSN never starts with 000.');
  if (area === '666') return bad('An SSN never starts with 666.');
  if (area.startsWith('9'))
    return bad('An SSN never starts with 9 (numbers starting with 9 are ITINs, which VisitLedger does not file yet).');
  if (digits.slice(3, 5) === '00') return bad('The middle two digits of an SSN are never 00.');
  if (digits.slice(5) === '0000') return bad('The last four digits of an SSN are never 0000.');
  return ok(digits);

  function bad(message: string): Result<string, TinError> {
    return err({ code: 'bad-tin', message });
  }
}

/**
 * The TIN as shown everywhere except the IRS export: SSN "***-**-1234", EIN "**-***1234".
 * A value that is not 9 digits is a programming fault (W-9s are parsed before they get
 * here); the error says so without repeating the value.
 */
export function maskTin(tin: string, type: TinType): string {
  const digits = tin.replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(digits)) throw new Error('maskTin: the TIN is not 9 digits', { cause: { code: 'bad-tin' } });
  return maskTinLast4(digits.slice(5), type);
}

/** The same mask from the last four digits alone (what the service keeps beside a sealed TIN). */
export function maskTinLast4(last4: string, type: TinType): string {
  if (!/^\d{4}$/.test(last4)) throw new Error('maskTinLast4: expected 4 digits', { cause: { code: 'bad-tin' } });
  return type === 'SSN' ? `***-**-${last4}` : `**-***${last4}`;
}

/** The TIN in full as the forms print it: SSN 123-45-6789, EIN 12-3456789. Only for the payer's own TIN on Copy B. */
export function formatTin(tin: string, type: TinType): string {
  const digits = tin.replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(digits)) throw new Error('formatTin: the TIN is not 9 digits', { cause: { code: 'bad-tin' } });
  return type === 'SSN' ? `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}` : `${digits.slice(0, 2)}-${digits.slice(2)}`;
}

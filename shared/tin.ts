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
 * Reads a TIN as typed ("123-45-6789", "12-3456789", "123456789", "123 45 6789") and
 * returns its 9 digits. The checks are the ones the IRS numbering rules allow:
 * an SSN's area is never 000, 666 or 9xx (9xx are ITINs), its group never 00 and its
 * serial never 0000; an EIN never starts with 00. A TIN written in the other type's
 * layout (12-3456789 marked as an SSN) is refused: it usually means the wrong box.
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
    return ok(digits);
  }
  const area = digits.slice(0, 3);
  if (area === '000') return bad('An SSN never starts with 000.');
  if (area === '666') return bad('An SSN never starts with 666.');
  if (area.startsWith('9')) return bad('An SSN never starts with 9 (numbers starting with 9 are ITINs, which VisitLedger does not file yet).');
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

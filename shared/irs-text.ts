/**
 * Text for the IRS's electronic files. The IRS e-file schemas take a restricted character
 * set per kind of field (names, street addresses, cities): plain Latin letters, digits,
 * spaces and a few punctuation marks. Names are written as typed everywhere else; here a
 * letter with an accent is folded to its base letter (Nguyễn -> Nguyen), punctuation that
 * changes nothing is dropped, and what cannot be folded faithfully (Greek, CJK, Cyrillic...)
 * is refused with the reason, so the owner fixes the name instead of the IRS guessing.
 */
import { err, ok, type Result } from './result.ts';

export type IrsTextKind = 'business-name' | 'person-name' | 'street' | 'city' | 'tin-matching-name';

/** What each kind of field accepts, character by character, and how the owner is told. */
export const IRS_TEXT_RULES: Readonly<Record<IrsTextKind, { accepts: RegExp; says: string }>> = {
  // e-file BusinessNameLine1Type
  'business-name': { accepts: /[A-Za-z0-9 #\-()&']/, says: "letters A to Z, digits, spaces and # - ( ) & '" },
  // e-file PersonNameType
  'person-name': { accepts: /[A-Za-z0-9 '-]/, says: 'letters A to Z, digits, spaces, hyphens and apostrophes' },
  // e-file StreetAddressType
  street: { accepts: /[A-Za-z0-9 \-/]/, says: 'letters A to Z, digits, spaces, hyphens and slashes' },
  // e-file CityType
  city: { accepts: /[A-Za-z -]/, says: 'letters A to Z, spaces and hyphens' },
  // Publication 2108A (TIN Matching): hyphens and ampersands are the only punctuation in a name.
  'tin-matching-name': { accepts: /[A-Za-z0-9 &-]/, says: 'letters A to Z, digits, spaces, hyphens and ampersands' },
};

/** Latin letters that Unicode does not decompose into a base letter and a mark, with their plain spelling. */
const LATIN_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'TH',
  þ: 'th',
  ı: 'i',
  Ħ: 'H',
  ħ: 'h',
  '\u2018': "'",
  '\u2019': "'",
  '\u02BC': "'",
  '`': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
};

/** Punctuation a field may not carry and a name reads the same without: dropped. */
const DROPPED = new Set(['.', ',', '"', '\u201C', '\u201D', '=', ';', ':', '!', '?', '*', "'", '#', '(', ')']);

/** Nothing the IRS file takes may begin a cell with these: a spreadsheet would run it as a formula. */
const LEADING_UNSAFE = /^[=+\-@\t\r ]+/;

export type IrsTextRefusal = { code: 'irs-charset'; characters: string[]; message: string };

/**
 * `text` as the IRS file may carry it in a field of this kind, or why it cannot be. `what`
 * names the field in the reason ("the W-9 legal name"). An empty text stays empty.
 */
export function foldForIrs(text: string, kind: IrsTextKind, what: string): Result<string, IrsTextRefusal> {
  const rule = IRS_TEXT_RULES[kind];
  const refused: string[] = [];
  let out = '';
  for (const ch of [...text]
    .map((c) => LATIN_FOLDS[c] ?? c)
    .join('')
    .normalize('NFD')) {
    if (/\p{M}/u.test(ch)) continue; // an accent, cedilla or tone mark: the base letter stays
    if (rule.accepts.test(ch)) out += ch;
    else if (/\s/.test(ch)) out += ' ';
    else if (DROPPED.has(ch)) out += ch === "'" || ch === '#' || ch === '(' || ch === ')' ? '' : ' ';
    else if (!refused.includes(ch)) refused.push(ch);
  }
  if (refused.length > 0) {
    const shown = refused.slice(0, 6).join(' ');
    return err({
      code: 'irs-charset',
      characters: refused,
      message:
        `${what} has characters the IRS file cannot carry (${shown}${refused.length > 6 ? ' ...' : ''}): ` +
        `it takes ${rule.says}. Enter it in Latin letters as the IRS knows it (as on the W-9 and the Social Security card or IRS letter), then export again.`,
    });
  }
  return ok(out.replace(/\s+/g, ' ').replace(LEADING_UNSAFE, '').trim());
}

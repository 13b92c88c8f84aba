/**
 * Cells as Sheets' getValues() or a CSV parser gives them: strings, numbers, booleans,
 * Dates, and null or undefined past the end of a short row. Every reader of a table (the
 * visit import, the rate sheets, the add-on's tabs) reads cells through these.
 */

/** Titles and notes may sit above a header; further down than this a row is data, not a header. */
export const HEADER_SCAN_ROWS = 20;

/**
 * A cell's text as the owner reads it: trimmed; '' for nothing; a Date as its day
 * (YYYY-MM-DD, UTC; the sheet's own day is read with dates.ts readSheetDate and the time
 * zone). An invalid Date is '' because no sheet shows one.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value);
}

/**
 * Blank as the sheet shows it: nothing, only spaces, or an unticked checkbox. Sheets gives
 * `false` for an unticked box, and a checkbox column often runs far below the data, so a
 * row of unticked boxes is a blank row, not a row of values. A ticked box (`true`) is a value.
 */
export function isBlankCell(value: unknown): boolean {
  return value === null || value === undefined || value === false || (typeof value === 'string' && value.trim() === '');
}

/** A 0-based position in a row as the sheet labels its column: 0 -> "A", 25 -> "Z", 26 -> "AA". */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

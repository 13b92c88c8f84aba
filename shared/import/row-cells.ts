/** Reading a visit row's cells: rows to skip (blank, totals) and the note-done column. */
import { cellText, isBlankCell } from '../cells.ts';
import { vocabularyKey } from '../vocabulary.ts';

export type SkipReason = 'blank row' | 'subtotal row' | 'total row';

const TOTAL_ROW = /^(sub[\s-]?totals?|grand[\s-]?totals?|totals?)\b/i;

export function skipReason(cells: readonly unknown[], dateColumn: number): SkipReason | undefined {
  const first = cells.find((c) => !isBlankCell(c));
  if (first === undefined) return 'blank row';
  if (typeof first !== 'string' || !isBlankCell(cells[dateColumn])) return undefined;
  const m = TOTAL_ROW.exec(first.trim());
  if (!m) return undefined;
  return /^sub/i.test(m[1]!) ? 'subtotal row' : 'total row';
}

const YES = new Set(['yes', 'y', 'true', 'x', 'done', 'complete', 'completed', '1', '✓', '✔', '☑']);
const NO = new Set(['no', 'n', 'false', '0', 'pending', 'notdone', 'incomplete']);

export function readNoteDone(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isBlankCell(value)) return false;
  const text = cellText(value).toLowerCase();
  const key = vocabularyKey(text);
  if (YES.has(text) || YES.has(key)) return true;
  if (NO.has(key)) return false;
  return undefined;
}

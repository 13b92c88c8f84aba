/**
 * The reminders' two records. The sent log (a hidden, warning-protected tab) holds each
 * invoice|step reminded, so a step never goes out twice. A tab rather than document
 * properties: it grows by up to one row per invoice and step, for years, where a property
 * value stops at 9 KB and all of them at 500 KB; it is read with one getValues a run and
 * added to with one setValues per email sent (so a run ended midway keeps what it sent), and
 * any editor's trigger sees the same one. The Reminders tab
 * is the owner's log: who was reminded of what, and who was not, and why.
 */
import { cellText } from '../../../shared/cells.ts';
import { appendRows, readSheet, type Cell } from './io.ts';
import { REMINDERS_LAYOUT } from './layout.ts';
import { hiddenTab } from './sent-visits.ts';
import { applyColumnLook, ensureTab } from './tabs.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

export const REMINDERS_SENT_TAB = 'VisitLedger Reminders Sent';
const SENT_HEADER = ['Invoice', 'Step (days from due)', 'On', 'Outcome'];

/** The invoice|step keys already reminded (or skipped for good: opted out, no contact). */
export function readSentReminders(sheets: Map<string, Sheet>): Set<string> {
  const sheet = sheets.get(REMINDERS_SENT_TAB);
  if (!sheet) return new Set();
  return new Set(
    readSheet(sheet)
      .slice(1)
      .filter((r) => cellText(r[0]) !== '')
      .map((r) => `${cellText(r[0])}|${cellText(r[1])}`),
  );
}

/** Adds rows [invoice, step, day, outcome]; the tab is created hidden the first time. */
export function appendSentReminders(book: Book, sheets: Map<string, Sheet>, rows: readonly Cell[][]): void {
  if (rows.length === 0) return;
  const sheet = hiddenTab(
    book,
    sheets,
    REMINDERS_SENT_TAB,
    SENT_HEADER,
    'VisitLedger: the payment reminders sent; deleting a row sends its reminder again',
  );
  appendRows(sheet, rows, SENT_HEADER.length);
}

/** The Reminders tab, made with its header and look the first time. */
export function remindersTab(book: Book, sheets: Map<string, Sheet>): Sheet {
  const { sheet, created } = ensureTab(book, sheets, REMINDERS_LAYOUT);
  if (created) applyColumnLook(book, sheet, REMINDERS_LAYOUT);
  return sheet;
}

export function appendReminderLog(book: Book, sheets: Map<string, Sheet>, rows: readonly Cell[][]): void {
  if (rows.length === 0) return;
  appendRows(remindersTab(book, sheets), rows, REMINDERS_LAYOUT.header.length);
}

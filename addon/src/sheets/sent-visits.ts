/**
 * The Visit IDs this sheet has sent to VisitLedger and the service still holds, kept in a
 * hidden tab. Sync withdraws the ones it no longer sends (a row deleted from the Visits tab,
 * or one that stopped passing the check), so a visit removed from the sheet is not billed.
 * Visits the org has from elsewhere (an API client, a CLI import) are never in this list, so
 * Sync never touches them.
 */
import { cellText } from '../../../shared/cells.ts';
import { readSheet, writeColumn, type Cell } from './io.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

export const SENT_TAB = 'VisitLedger Sent';
const HEADER = 'Visit ID (sent to VisitLedger; Sync keeps this tab)';

/** The ids as the tab holds them; none when the tab does not exist yet (a sheet that never synced since). */
export function readSentVisitIds(sheets: Map<string, Sheet>): Set<string> {
  const sheet = sheets.get(SENT_TAB);
  if (!sheet) return new Set();
  return new Set(
    readSheet(sheet)
      .slice(1)
      .map((r) => cellText(r[0]))
      .filter((id) => id !== ''),
  );
}

/** Writes the ids (sorted) when they differ from `before`; the tab is created hidden the first time. */
export function writeSentVisitIds(book: Book, sheets: Map<string, Sheet>, ids: ReadonlySet<string>, before: ReadonlySet<string>): void {
  if (ids.size === before.size && [...ids].every((id) => before.has(id))) return;
  const sheet = hiddenTab(book, sheets, SENT_TAB, [HEADER], 'VisitLedger: the visits this sheet has sent; Sync keeps this tab');
  // Rows the list no longer fills are cleared in the same call.
  const values: Cell[] = [...ids].sort();
  while (values.length < before.size) values.push('');
  writeColumn(sheet, 1, values);
}

/** A tab the add-on keeps for itself: made hidden and warning-protected, with its header, the first time. */
export function hiddenTab(book: Book, sheets: Map<string, Sheet>, name: string, header: string[], description: string): Sheet {
  const existing = sheets.get(name);
  if (existing) return existing;
  const sheet = book.insertSheet(name);
  sheets.set(name, sheet);
  if (header.length === 1) sheet.getRange(1, 1).setValue(header[0]!);
  else sheet.getRange(1, 1, 1, header.length).setValues([header]);
  sheet.protect().setDescription(description).setWarningOnly(true);
  sheet.hideSheet();
  return sheet;
}

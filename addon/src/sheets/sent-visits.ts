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
  let sheet = sheets.get(SENT_TAB);
  if (!sheet) {
    sheet = book.insertSheet(SENT_TAB);
    sheets.set(SENT_TAB, sheet);
    sheet.getRange(1, 1).setValue(HEADER);
    sheet.protect().setDescription('VisitLedger: the visits this sheet has sent; Sync keeps this tab').setWarningOnly(true);
    sheet.hideSheet();
  }
  // Rows the list no longer fills are cleared in the same call.
  const values: Cell[] = [...ids].sort();
  while (values.length < before.size) values.push('');
  writeColumn(sheet, 1, values);
}

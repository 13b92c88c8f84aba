/**
 * Creates the structured tabs and gives them their look: a bold, frozen, warning-protected
 * header; formats and dropdowns on whole columns (one call per column, never per row);
 * named ranges for the dropdowns. Applied when a tab is created, so running Set up again
 * touches nothing the owner already has.
 */
import type { Vocabulary } from '../../../shared/vocabulary.ts';
import { fitSheet, readSheet, sameTable, writeRows, type Table } from './io.ts';
import { DATE_FORMAT, listsTable, MONEY_FORMAT, RANGE, TAB, type TabLayout } from './layout.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** The sheet named `layout.name`, created with its header and look when missing. `created` says which. */
export function ensureTab(book: Book, tabs: Map<string, Sheet>, layout: TabLayout): { sheet: Sheet; created: boolean } {
  const existing = tabs.get(layout.name);
  if (existing) return { sheet: existing, created: false };
  const sheet = book.insertSheet(layout.name);
  tabs.set(layout.name, sheet);
  // A rate tab of many visit types is wider than a new tab's 26 columns.
  fitSheet(sheet, 1, layout.header.length);
  sheet.getRange(1, 1, 1, layout.header.length).setValues([layout.header]).setFontWeight('bold');
  sheet.setFrozenRows(1);
  // Warning-only: the owner may still fix a header on purpose, but never by accident.
  const protectedRange = layout.readOnly ? sheet.protect() : sheet.getRange(1, 1, 1, layout.header.length).protect();
  protectedRange
    .setDescription(
      layout.readOnly ? `VisitLedger: ${layout.name} is written by the service; Sync refreshes it` : `VisitLedger: ${layout.name} header`,
    )
    .setWarningOnly(true);
  return { sheet, created: true };
}

/** Formats and dropdowns: after the named ranges exist, since dropdowns read them. */
export function applyColumnLook(book: Book, sheet: Sheet, layout: TabLayout): void {
  const rows = sheet.getMaxRows() - 1;
  const column = (c: number) => sheet.getRange(2, c, rows, 1);
  for (const c of layout.money ?? []) column(c).setNumberFormat(MONEY_FORMAT);
  for (const c of layout.dates ?? []) column(c).setNumberFormat(DATE_FORMAT);
  for (const { column: c, rule } of layout.rules ?? []) {
    const builder = SpreadsheetApp.newDataValidation().setAllowInvalid(true);
    const built =
      rule.kind === 'checkbox' ? builder.requireCheckbox() : builder.requireValueInRange(book.getRangeByName(rule.range)!, true);
    // Allow invalid with a warning: a typed row is never refused; Sync and the Status column explain it.
    column(c).setDataValidation(built.build());
  }
}

/** The named ranges the dropdowns read, added when missing (one getNamedRanges() call to look). */
export function ensureNamedRanges(book: Book, tabs: Map<string, Sheet>): string[] {
  const have = new Set(book.getNamedRanges().map((r) => r.getName()));
  const want: [string, string, string][] = [
    [RANGE.agencies, TAB.agencies, 'B2:B'],
    [RANGE.therapists, TAB.therapists, 'B2:B'],
    // Open-ended, like the name columns: an org's new visit type joins the dropdown when Lists is refreshed.
    [RANGE.disciplines, TAB.lists, 'A2:A'],
    [RANGE.visitTypes, TAB.lists, 'B2:B'],
    [RANGE.identifiers, TAB.lists, 'C2:C'],
  ];
  const added: string[] = [];
  for (const [name, tab, a1] of want) {
    if (have.has(name)) continue;
    book.setNamedRange(name, tabs.get(tab)!.getRange(a1));
    added.push(name);
  }
  return added;
}

/**
 * The Lists tab's choices for this vocabulary; written (cleared first) only when they differ.
 * `have`: its rows below the header when the caller already read the tab (Set up's survey).
 */
export function refreshLists(sheet: Sheet, vocabulary: Vocabulary, have: Table = readSheet(sheet).slice(1)): boolean {
  const want = listsTable(vocabulary);
  if (sameTable(have, want)) return false;
  if (have.length > 0) sheet.getRange(2, 1, have.length, 3).clearContent();
  writeRows(sheet, 2, want, 3);
  return true;
}

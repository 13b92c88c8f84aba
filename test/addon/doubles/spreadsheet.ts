/**
 * SpreadsheetApp in memory: sheets of values, ranges, named ranges, protections, data
 * validations and number formats, enough to check what the add-on wrote. A string written
 * is read as Sheets reads a typed one: starting with = it is a formula, unless the cell is
 * formatted as plain text ('@') or the string starts with an apostrophe, which makes it text
 * and is not kept in the value. (The double keeps a formula's text as the cell's value: it
 * computes nothing.) Each class
 * implements the @types/google-apps-script methods the add-on uses (Pick<...>), so a
 * change of name or signature there fails to compile here. Every call is counted.
 */
import { as, type CallLog } from './calls.ts';

type GS = typeof GoogleAppsScript.Spreadsheet;
type Range = GoogleAppsScript.Spreadsheet.Range;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
export type Cell = string | number | boolean | Date;

export type Validation = { kind: 'checkbox' } | { kind: 'list'; rangeName: string | null; a1: string; allowInvalid: boolean };

export class FakeProtection
  implements Pick<GoogleAppsScript.Spreadsheet.Protection, 'setDescription' | 'setWarningOnly' | 'getDescription' | 'isWarningOnly'>
{
  description = '';
  warningOnly = false;
  private log: CallLog;
  readonly a1: string;
  constructor(log: CallLog, a1: string) {
    this.log = log;
    this.a1 = a1;
  }
  setDescription(description: string) {
    this.log.count('Protection.setDescription');
    this.description = description;
    return as<GoogleAppsScript.Spreadsheet.Protection>(this);
  }
  setWarningOnly(warningOnly: boolean) {
    this.log.count('Protection.setWarningOnly');
    this.warningOnly = warningOnly;
    return as<GoogleAppsScript.Spreadsheet.Protection>(this);
  }
  getDescription() {
    return this.description;
  }
  isWarningOnly() {
    return this.warningOnly;
  }
}

function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}
function columnLetters(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export class FakeRange
  implements
    Pick<
      Range,
      | 'getValues'
      | 'setValues'
      | 'setValue'
      | 'setNumberFormat'
      | 'setDataValidation'
      | 'protect'
      | 'setFontWeight'
      | 'clearContent'
      | 'getRow'
      | 'getSheet'
      | 'getA1Notation'
      | 'getNumRows'
    >
{
  private log: CallLog;
  readonly sheet: FakeSheet;
  readonly row: number;
  readonly column: number;
  readonly numRows: number;
  readonly numColumns: number;
  constructor(log: CallLog, sheet: FakeSheet, row: number, column: number, numRows: number, numColumns: number) {
    this.log = log;
    this.sheet = sheet;
    this.row = row;
    this.column = column;
    this.numRows = numRows;
    this.numColumns = numColumns;
  }
  getValues(): any[][] {
    this.log.count('Range.getValues');
    return Array.from({ length: this.numRows }, (_, r) =>
      Array.from({ length: this.numColumns }, (_, c) => this.sheet.cell(this.row + r, this.column + c)),
    );
  }
  setValues(values: any[][]) {
    this.log.count('Range.setValues');
    if (values.length !== this.numRows || values.some((r) => r.length !== this.numColumns)) {
      throw new Error(
        `Exception: The number of rows or columns in the data does not match the range (${values.length}x${values[0]?.length} for ${this.numRows}x${this.numColumns})`,
      );
    }
    values.forEach((r, i) => {
      r.forEach((v, j) => {
        this.sheet.enter(this.row + i, this.column + j, v);
      });
    });
    return as<Range>(this);
  }
  setValue(value: any) {
    this.log.count('Range.setValue');
    this.sheet.enter(this.row, this.column, value);
    return as<Range>(this);
  }
  setNumberFormat(numberFormat: string) {
    this.log.count('Range.setNumberFormat');
    for (let c = 0; c < this.numColumns; c++) this.sheet.formats.set(this.column + c, numberFormat);
    this.sheet.formatted.push({
      row: this.row,
      column: this.column,
      numRows: this.numRows,
      numColumns: this.numColumns,
      format: numberFormat,
    });
    return as<Range>(this);
  }
  setDataValidation(rule: GoogleAppsScript.Spreadsheet.DataValidation | null) {
    this.log.count('Range.setDataValidation');
    for (let c = 0; c < this.numColumns; c++) this.sheet.validations.set(this.column + c, (rule as unknown as FakeDataValidation).spec);
    return as<Range>(this);
  }
  protect() {
    this.log.count('Range.protect');
    const p = new FakeProtection(this.log, this.getA1Notation());
    this.sheet.protections.push(p);
    return as<GoogleAppsScript.Spreadsheet.Protection>(p);
  }
  setFontWeight(fontWeight: string | null) {
    this.log.count('Range.setFontWeight');
    if (this.row === 1) this.sheet.boldHeader = fontWeight === 'bold';
    return as<Range>(this);
  }
  clearContent() {
    this.log.count('Range.clearContent');
    for (let r = 0; r < this.numRows; r++) for (let c = 0; c < this.numColumns; c++) this.sheet.enter(this.row + r, this.column + c, '');
    return as<Range>(this);
  }
  getRow() {
    this.log.count('Range.getRow');
    return this.row;
  }
  getNumRows() {
    return this.numRows;
  }
  getSheet() {
    this.log.count('Range.getSheet');
    return as<Sheet>(this.sheet);
  }
  getA1Notation() {
    return `${columnLetters(this.column)}${this.row}:${columnLetters(this.column + this.numColumns - 1)}${this.row + this.numRows - 1}`;
  }
}

export class FakeSheet
  implements
    Pick<
      Sheet,
      | 'getName'
      | 'getSheetId'
      | 'getDataRange'
      | 'getRange'
      | 'getMaxRows'
      | 'getLastRow'
      | 'setFrozenRows'
      | 'protect'
      | 'getFormUrl'
      | 'getParent'
      | 'hideSheet'
      | 'insertRowsAfter'
      | 'getMaxColumns'
      | 'insertColumnsAfter'
    >
{
  /** Rows of cells, 0-based; absent cells read as ''. */
  values: Cell[][] = [];
  /** The number format last given to each column (by a range in it). */
  formats = new Map<number, string>();
  /** Every setNumberFormat's range, in order: the last one over a cell is its format. */
  formatted: { row: number; column: number; numRows: number; numColumns: number; format: string }[] = [];
  /** The cells that hold a formula, "row:column" (1-based) to its text. */
  formulas = new Map<string, string>();
  validations = new Map<number, Validation>();
  protections: FakeProtection[] = [];
  frozenRows = 0;
  boldHeader = false;
  formUrl: string | null = null;
  hidden = false;
  /** A new tab's size in Sheets; a range past it is refused (insertRowsAfter and insertColumnsAfter grow it). */
  maxRows = 1000;
  maxColumns = 26;
  private log: CallLog;
  readonly book: FakeSpreadsheet;
  private name: string;
  readonly id: number;
  constructor(log: CallLog, book: FakeSpreadsheet, name: string, id: number) {
    this.log = log;
    this.book = book;
    this.name = name;
    this.id = id;
  }
  cell(row: number, column: number): Cell {
    return this.values[row - 1]?.[column - 1] ?? '';
  }
  /** The cell's number format ('' when none was set). */
  numberFormatAt(row: number, column: number): string {
    for (let i = this.formatted.length - 1; i >= 0; i--) {
      const f = this.formatted[i]!;
      if (row >= f.row && row < f.row + f.numRows && column >= f.column && column < f.column + f.numColumns) return f.format;
    }
    return '';
  }
  /** A value written by setValue(s), read as Sheets reads what is typed into the cell. */
  enter(row: number, column: number, value: Cell): void {
    const key = `${row}:${column}`;
    this.formulas.delete(key);
    if (typeof value === 'string' && value.startsWith("'")) {
      this.put(row, column, value.slice(1));
      return;
    }
    if (typeof value === 'string' && value.startsWith('=') && this.numberFormatAt(row, column) !== '@') this.formulas.set(key, value);
    this.put(row, column, value);
  }
  put(row: number, column: number, value: Cell): void {
    while (this.values.length < row) this.values.push([]);
    const r = this.values[row - 1]!;
    while (r.length < column) r.push('');
    r[column - 1] = value;
    this.maxRows = Math.max(this.maxRows, row);
    this.maxColumns = Math.max(this.maxColumns, column);
  }
  /** Test set-up, not counted: the owner deletes a row (1-based); the rows below move up. */
  deleteRowByHand(row: number): void {
    this.values.splice(row - 1, 1);
  }
  lastColumn(): number {
    return Math.max(
      0,
      ...this.values.map((r) => {
        for (let c = r.length; c > 0; c--) if (r[c - 1] !== '') return c;
        return 0;
      }),
    );
  }
  /** The values as the sheet shows them: trailing empty rows and columns trimmed. */
  table(): Cell[][] {
    const width = this.lastColumn();
    const height = this.lastRow();
    return Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) => this.cell(r + 1, c + 1)));
  }
  lastRow(): number {
    for (let r = this.values.length; r > 0; r--) if (this.values[r - 1]!.some((v) => v !== '')) return r;
    return 0;
  }
  getName() {
    this.log.count('Sheet.getName');
    return this.name;
  }
  getSheetId() {
    this.log.count('Sheet.getSheetId');
    return this.id;
  }
  getDataRange() {
    this.log.count('Sheet.getDataRange');
    return as<Range>(new FakeRange(this.log, this, 1, 1, Math.max(1, this.lastRow()), Math.max(1, this.lastColumn())));
  }
  getRange(a: number | string, column?: number, numRows?: number, numColumns?: number): Range {
    this.log.count('Sheet.getRange');
    if (typeof a === 'string') {
      const m = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+)?)?$/.exec(a);
      if (!m) throw new Error(`Exception: Range not found: ${a}`);
      const c1 = columnNumber(m[1]!);
      const r1 = Number(m[2]);
      const c2 = m[3] ? columnNumber(m[3]) : c1;
      const r2 = m[4] ? Number(m[4]) : m[3] ? this.maxRows : r1;
      return this.rangeWithin(r1, c1, r2 - r1 + 1, c2 - c1 + 1);
    }
    return this.rangeWithin(a, column ?? 1, numRows ?? 1, numColumns ?? 1);
  }
  /** Sheets refuses a range outside the tab's rows and columns, as it does below row 1. */
  private rangeWithin(row: number, column: number, numRows: number, numColumns: number): Range {
    if (
      row < 1 ||
      column < 1 ||
      numRows < 1 ||
      numColumns < 1 ||
      row + numRows - 1 > this.maxRows ||
      column + numColumns - 1 > this.maxColumns
    ) {
      throw new Error('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    }
    return as<Range>(new FakeRange(this.log, this, row, column, numRows, numColumns));
  }
  getMaxRows() {
    this.log.count('Sheet.getMaxRows');
    return this.maxRows;
  }
  getMaxColumns() {
    this.log.count('Sheet.getMaxColumns');
    return this.maxColumns;
  }
  insertColumnsAfter(afterPosition: number, howMany: number) {
    this.log.count('Sheet.insertColumnsAfter');
    if (afterPosition < 1 || afterPosition > this.maxColumns || howMany < 1) throw new Error('Exception: Those columns are out of bounds.');
    for (const r of this.values) if (afterPosition < r.length) r.splice(afterPosition, 0, ...Array<Cell>(howMany).fill(''));
    this.maxColumns += howMany;
    return as<Sheet>(this);
  }
  getLastRow() {
    this.log.count('Sheet.getLastRow');
    return this.lastRow();
  }
  setFrozenRows(rows: number) {
    this.log.count('Sheet.setFrozenRows');
    this.frozenRows = rows;
    return as<Sheet>(this);
  }
  protect() {
    this.log.count('Sheet.protect');
    const p = new FakeProtection(this.log, 'sheet');
    this.protections.push(p);
    return as<GoogleAppsScript.Spreadsheet.Protection>(p);
  }
  getFormUrl() {
    this.log.count('Sheet.getFormUrl');
    return this.formUrl as string;
  }
  hideSheet() {
    this.log.count('Sheet.hideSheet');
    this.hidden = true;
    return as<Sheet>(this);
  }
  insertRowsAfter(afterPosition: number, howMany: number) {
    this.log.count('Sheet.insertRowsAfter');
    if (afterPosition < 1 || afterPosition > this.maxRows || howMany < 1) throw new Error('Exception: Those rows are out of bounds.');
    // The rows below move down; rows past the values hold nothing to move.
    if (afterPosition < this.values.length) this.values.splice(afterPosition, 0, ...Array.from({ length: howMany }, (): Cell[] => []));
    this.maxRows += howMany;
    return as<Sheet>(this);
  }
  getParent() {
    this.log.count('Sheet.getParent');
    return as<Spreadsheet>(this.book);
  }
}

export class FakeNamedRange implements Pick<GoogleAppsScript.Spreadsheet.NamedRange, 'getName' | 'getRange'> {
  private log: CallLog;
  readonly name: string;
  readonly range: FakeRange;
  constructor(log: CallLog, name: string, range: FakeRange) {
    this.log = log;
    this.name = name;
    this.range = range;
  }
  getName() {
    this.log.count('NamedRange.getName');
    return this.name;
  }
  getRange() {
    this.log.count('NamedRange.getRange');
    return as<Range>(this.range);
  }
}

export class FakeSpreadsheet
  implements
    Pick<
      Spreadsheet,
      | 'getSheets'
      | 'getSheetByName'
      | 'insertSheet'
      | 'getId'
      | 'getName'
      | 'getSpreadsheetTimeZone'
      | 'getNamedRanges'
      | 'setNamedRange'
      | 'getRangeByName'
    >
{
  sheets: FakeSheet[] = [];
  named: FakeNamedRange[] = [];
  private nextId = 1000;
  private log: CallLog;
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  constructor(log: CallLog, id: string, name: string, timeZone: string) {
    this.log = log;
    this.id = id;
    this.name = name;
    this.timeZone = timeZone;
  }
  /** Test set-up, not counted: a tab with these values. */
  addTab(name: string, values: Cell[][]): FakeSheet {
    const sheet = new FakeSheet(this.log, this, name, this.nextId++);
    values.forEach((r, i) => {
      r.forEach((v, j) => {
        sheet.put(i + 1, j + 1, v);
      });
    });
    this.sheets.push(sheet);
    return sheet;
  }
  tab(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.getName().toLowerCase() === name.toLowerCase());
  }
  getSheets() {
    this.log.count('Spreadsheet.getSheets');
    return this.sheets.map((s) => as<Sheet>(s));
  }
  getSheetByName(name: string) {
    this.log.count('Spreadsheet.getSheetByName');
    const s = this.tab(name);
    return s ? as<Sheet>(s) : null;
  }
  insertSheet(arg?: unknown): Sheet {
    this.log.count('Spreadsheet.insertSheet');
    if (arg !== undefined && typeof arg !== 'string') throw new Error('the double inserts sheets by name only');
    const name = arg;
    // Sheets compares tab names without case.
    if (name && this.tab(name)) throw new Error(`Exception: A sheet with the name "${name}" already exists. Please enter another name.`);
    const sheet = new FakeSheet(this.log, this, name ?? `Sheet${this.sheets.length + 1}`, this.nextId++);
    this.sheets.push(sheet);
    return as<Sheet>(sheet);
  }
  getId() {
    this.log.count('Spreadsheet.getId');
    return this.id;
  }
  getName() {
    this.log.count('Spreadsheet.getName');
    return this.name;
  }
  getSpreadsheetTimeZone() {
    this.log.count('Spreadsheet.getSpreadsheetTimeZone');
    return this.timeZone;
  }
  getNamedRanges() {
    this.log.count('Spreadsheet.getNamedRanges');
    return this.named.map((n) => as<GoogleAppsScript.Spreadsheet.NamedRange>(n));
  }
  setNamedRange(name: string, range: Range) {
    this.log.count('Spreadsheet.setNamedRange');
    this.named = this.named.filter((n) => n.name !== name);
    this.named.push(new FakeNamedRange(this.log, name, range as unknown as FakeRange));
  }
  getRangeByName(name: string) {
    this.log.count('Spreadsheet.getRangeByName');
    const n = this.named.find((x) => x.name === name);
    return n ? as<Range>(n.range) : null;
  }
}

export class FakeDataValidation {
  readonly spec: Validation;
  constructor(spec: Validation) {
    this.spec = spec;
  }
}

export class FakeDataValidationBuilder
  implements
    Pick<GoogleAppsScript.Spreadsheet.DataValidationBuilder, 'setAllowInvalid' | 'requireCheckbox' | 'requireValueInRange' | 'build'>
{
  private spec: Validation | null = null;
  private allowInvalid = true;
  private log: CallLog;
  private book: FakeSpreadsheet;
  constructor(log: CallLog, book: FakeSpreadsheet) {
    this.log = log;
    this.book = book;
  }
  setAllowInvalid(allowInvalidData: boolean) {
    this.log.count('DataValidationBuilder.setAllowInvalid');
    this.allowInvalid = allowInvalidData;
    return as<GoogleAppsScript.Spreadsheet.DataValidationBuilder>(this);
  }
  requireCheckbox() {
    this.log.count('DataValidationBuilder.requireCheckbox');
    this.spec = { kind: 'checkbox' };
    return as<GoogleAppsScript.Spreadsheet.DataValidationBuilder>(this);
  }
  requireValueInRange(range: Range, _showDropdown?: boolean) {
    this.log.count('DataValidationBuilder.requireValueInRange');
    const r = range as unknown as FakeRange;
    const named = this.book.named.find((n) => n.range === r);
    this.spec = {
      kind: 'list',
      rangeName: named?.name ?? null,
      a1: `${r.sheet.getName()}!${r.getA1Notation()}`,
      allowInvalid: this.allowInvalid,
    };
    return as<GoogleAppsScript.Spreadsheet.DataValidationBuilder>(this);
  }
  build() {
    this.log.count('DataValidationBuilder.build');
    if (!this.spec) throw new Error('Exception: no criteria set');
    return as<GoogleAppsScript.Spreadsheet.DataValidation>(
      new FakeDataValidation(this.spec.kind === 'list' ? { ...this.spec, allowInvalid: this.allowInvalid } : this.spec),
    );
  }
}

export class FakeUi implements Pick<GoogleAppsScript.Base.Ui, 'createAddonMenu' | 'showSidebar'> {
  menus: { items: [string, string][] }[] = [];
  sidebars: GoogleAppsScript.HTML.HtmlOutput[] = [];
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
  }
  createAddonMenu() {
    this.log.count('Ui.createAddonMenu');
    const menu = { items: [] as [string, string][] };
    const log = this.log;
    const menus = this.menus;
    const api: Pick<GoogleAppsScript.Base.Menu, 'addItem' | 'addToUi'> = {
      addItem(caption: string, functionName: string) {
        log.count('Menu.addItem');
        menu.items.push([caption, functionName]);
        return as<GoogleAppsScript.Base.Menu>(api);
      },
      addToUi() {
        log.count('Menu.addToUi');
        menus.push(menu);
      },
    };
    return as<GoogleAppsScript.Base.Menu>(api);
  }
  showSidebar(userInterface: GoogleAppsScript.HTML.HtmlOutput) {
    this.log.count('Ui.showSidebar');
    this.sidebars.push(userInterface);
  }
}

export class FakeSpreadsheetApp
  implements Pick<GoogleAppsScript.Spreadsheet.SpreadsheetApp, 'getActiveSpreadsheet' | 'getUi' | 'newDataValidation'>
{
  readonly ui: FakeUi;
  private log: CallLog;
  readonly book: FakeSpreadsheet;
  constructor(log: CallLog, book: FakeSpreadsheet) {
    this.log = log;
    this.book = book;
    this.ui = new FakeUi(log);
  }
  getActiveSpreadsheet() {
    this.log.count('SpreadsheetApp.getActiveSpreadsheet');
    return as<Spreadsheet>(this.book);
  }
  getUi() {
    this.log.count('SpreadsheetApp.getUi');
    return as<GoogleAppsScript.Base.Ui>(this.ui);
  }
  newDataValidation() {
    this.log.count('SpreadsheetApp.newDataValidation');
    return as<GoogleAppsScript.Spreadsheet.DataValidationBuilder>(new FakeDataValidationBuilder(this.log, this.book));
  }
}
export type { GS };

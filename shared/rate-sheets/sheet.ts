/**
 * What the rate sheet readers share: the table and options they take, the errors they
 * report, the "PT Eval" header reading, and finding the header row and the name column.
 * Every non-empty cell under a rate column becomes a rate or an error that names the cell;
 * nothing is dropped silently, and an empty cell means "no rate" (the combination does not exist).
 */
import { cellText, columnLetter, HEADER_SCAN_ROWS, isBlankCell } from '../cells.ts';
import { isIsoDate, type IsoDate } from '../dates.ts';
import { parseMoney, type Cents } from '../money.ts';
import { err, ok, type Result } from '../result.ts';
import { DISCIPLINES, vocabularyKey, type Discipline, type VisitTypeCode, type Vocabulary } from '../vocabulary.ts';

/** Rows of cells: strings, numbers, empty strings (and booleans or Dates from Sheets). */
export type RateSheetTable = readonly (readonly unknown[])[];

export type RateSheetOptions = {
  vocabulary: Vocabulary;
  /** The day the rates on this sheet take effect; every rate read gets it. */
  effectiveFrom: IsoDate;
};

export type RateSheetErrorCode =
  | 'no-header-row'
  | 'no-name-column'
  | 'unknown-header'
  | 'duplicate-header'
  | 'no-header'
  | 'no-discipline-column'
  | 'bad-amount'
  | 'negative-amount'
  | 'missing-name'
  | 'duplicate-agency'
  | 'duplicate-rate'
  | 'missing-discipline'
  | 'unknown-discipline';

/**
 * One thing on the sheet that could not be read. `row` and `column` are 1-based as the
 * sheet shows them (row 3, column 2 = "B"); a whole-column error has no row, a whole-sheet
 * error neither.
 */
export type RateSheetError = {
  code: RateSheetErrorCode;
  row?: number;
  column?: number;
  columnLetter?: string;
  header?: string;
  text?: string;
  message: string;
};

/** A row that holds no rates on purpose: blank, or above the header row (a title). */
export type SkippedRow = { row: number; reason: 'blank' | 'above-header' };

/** A rate read from a sheet, with the cell (1-based row and column) it was read from, so a later problem can point at it. */
export type RateCell = {
  discipline: Discipline;
  visitType: VisitTypeCode;
  cents: Cents;
  effectiveFrom: IsoDate;
  row: number;
  column: number;
};

/** What a reader reports besides what it read. */
export type RateSheetReading = {
  errors: RateSheetError[];
  skipped: SkippedRow[];
  /** 1-based row of the header, or null when no header row was found. */
  headerRow: number | null;
};

export type RateHeader = { discipline: Discipline; visitType: VisitTypeCode };
export type RateHeaderError = { code: 'unknown-header'; text: string; message: string };

/**
 * A column header as a discipline and a visit type: "PT Eval", "OT D/C", "Physical Therapy
 * Evaluation", "ST - Discharge", "PT Assistant Visit". The discipline is the longest prefix
 * (ending between words) that the vocabulary knows and whose remainder is a visit type.
 */
export function parseRateHeader(text: string, vocabulary: Vocabulary): Result<RateHeader, RateHeaderError> {
  const header = text.trim();
  let readAsDiscipline: { discipline: Discipline; rest: string } | undefined;
  for (let i = header.length - 1; i >= 1; i--) {
    // Split only between words, so "PTA Visit" never reads as PT + "A Visit".
    if (isWordChar(header[i - 1]!) && isWordChar(header[i]!)) continue;
    const rest = header.slice(i).replace(/^[^\p{L}\p{N}]+/u, '');
    if (vocabularyKey(rest) === '') continue;
    const discipline = vocabulary.discipline(header.slice(0, i));
    if (!discipline.ok) continue;
    const visitType = vocabulary.visitType(rest);
    if (visitType.ok) return ok({ discipline: discipline.value, visitType: visitType.value });
    readAsDiscipline ??= { discipline: discipline.value, rest };
  }
  if (readAsDiscipline) {
    const known = vocabulary.visitTypes.map((t) => t.label).join(', ');
    return err({
      code: 'unknown-header',
      text,
      message: `"${header}" reads as ${readAsDiscipline.discipline}, but "${readAsDiscipline.rest}" is not a visit type (known: ${known})`,
    });
  }
  return err({
    code: 'unknown-header',
    text,
    message: `"${header}" is not a discipline followed by a visit type (expected something like "PT Eval" or "OT D/C"; disciplines are ${DISCIPLINES.join(', ')})`,
  });
}

/** The 0-based index of the row among the first HEADER_SCAN_ROWS with the most cells that `isHeader` accepts; the first such row on a tie. */
export function findHeaderRow(table: RateSheetTable, isHeader: (cell: unknown) => boolean): number | undefined {
  let best: number | undefined;
  let bestCount = 0;
  for (let r = 0; r < Math.min(table.length, HEADER_SCAN_ROWS); r++) {
    const count = table[r]!.filter(isHeader).length;
    if (count > bestCount) {
      best = r;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The column of names: the leftmost header left of the rates that is not a rate, discipline
 * or agency column; with none, the column just left of the first rate (owners often leave
 * that header blank).
 */
export function pickNameColumn(
  headerCells: readonly unknown[],
  firstRateColumn: number,
  unread: ReadonlySet<number>,
  reserved: ReadonlySet<number> = new Set(),
): number | undefined {
  for (let c = 0; c < firstRateColumn; c++) {
    if (unread.has(c) && !reserved.has(c)) return c;
  }
  const left = firstRateColumn - 1;
  return left >= 0 && !reserved.has(left) && isBlankCell(headerCells[left]) ? left : undefined;
}

/**
 * The rows below the header that hold values, each with its name from the name column,
 * in sheet order. A blank row goes to `skipped`; a row with values but no name is an error.
 */
export function* namedRows(
  table: RateSheetTable,
  headerIndex: number,
  nameColumn: number,
  what: 'agency' | 'therapist',
  out: { skipped: SkippedRow[]; errors: RateSheetError[] },
): Generator<{ index: number; sheetRow: number; row: readonly unknown[]; name: string }> {
  for (let r = headerIndex + 1; r < table.length; r++) {
    const row = table[r]!;
    const sheetRow = r + 1;
    if (row.every(isBlankCell)) {
      out.skipped.push({ row: sheetRow, reason: 'blank' });
      continue;
    }
    const name = cellText(row[nameColumn]);
    if (name === '') {
      out.errors.push(missingName(sheetRow, nameColumn, what));
      continue;
    }
    yield { index: r, sheetRow, row, name };
  }
}

/** One error per header the reader could not read, except the one it took as the name column. */
export function unreadHeaderErrors(
  headerIndex: number,
  unread: readonly { index: number; header: string; message: string }[],
  nameColumn: number,
): RateSheetError[] {
  return unread
    .filter((h) => h.index !== nameColumn)
    .map((h) => {
      const letter = columnLetter(h.index);
      return columnError(
        'unknown-header',
        headerIndex,
        h.index,
        h.header,
        `Column ${letter}: ${h.message}. Column ${letter} was not read.`,
      );
    });
}

/** Columns with values below the header but no header of their own (other than the names): one error each. */
export function headerlessColumns(
  table: RateSheetTable,
  headerIndex: number,
  width: number,
  nameColumn: number,
  headerCells: readonly unknown[],
): RateSheetError[] {
  const errors: RateSheetError[] = [];
  for (let c = 0; c < width; c++) {
    if (c === nameColumn || !isBlankCell(headerCells[c])) continue;
    const firstValue = table.findIndex((row, r) => r > headerIndex && !isBlankCell(row[c]));
    if (firstValue < 0) continue;
    const letter = columnLetter(c);
    errors.push({
      code: 'no-header',
      column: c + 1,
      columnLetter: letter,
      text: cellText(table[firstValue]![c]),
      message: `Column ${letter} has values (first in ${letter}${firstValue + 1}) but no header on row ${headerIndex + 1}; column ${letter} was not read`,
    });
  }
  return errors;
}

export function readAmount(cell: unknown): Result<Cents, { code: 'bad-amount' | 'negative-amount'; message: string }> {
  if (typeof cell !== 'string' && typeof cell !== 'number') {
    return err({
      code: 'bad-amount',
      message: `"${cellText(cell)}" is not an amount of money (expected something like 95, $95.00 or 1,234.50)`,
    });
  }
  const amount = parseMoney(cell);
  if (!amount.ok) return err({ code: 'bad-amount', message: amount.error.message });
  if (amount.value < 0) return err({ code: 'negative-amount', message: `"${cellText(cell)}" is negative; a rate is zero or more` });
  return amount;
}

export function cellError(
  code: RateSheetErrorCode,
  rowIndex: number,
  columnIndex: number,
  header: string,
  cell: unknown,
  message: string,
): RateSheetError {
  const letter = columnLetter(columnIndex);
  return {
    code,
    row: rowIndex + 1,
    column: columnIndex + 1,
    columnLetter: letter,
    header,
    text: cellText(cell),
    message: `${letter}${rowIndex + 1}: ${message}`,
  };
}

export function columnError(
  code: RateSheetErrorCode,
  headerIndex: number,
  columnIndex: number,
  header: string,
  message: string,
): RateSheetError {
  return { code, row: headerIndex + 1, column: columnIndex + 1, columnLetter: columnLetter(columnIndex), header, text: header, message };
}

export function duplicateHeader(
  headerIndex: number,
  columnIndex: number,
  header: string,
  firstIndex: number,
  firstHeader: string,
): RateSheetError {
  const letter = columnLetter(columnIndex);
  return columnError(
    'duplicate-header',
    headerIndex,
    columnIndex,
    header,
    `Column ${letter} "${header}" means the same as column ${columnLetter(firstIndex)} "${firstHeader}"; column ${letter} was not read (keep one column per rate)`,
  );
}

function missingName(sheetRow: number, nameColumn: number, what: 'agency' | 'therapist'): RateSheetError {
  const letter = columnLetter(nameColumn);
  return {
    code: 'missing-name',
    row: sheetRow,
    column: nameColumn + 1,
    columnLetter: letter,
    text: '',
    message: `Row ${sheetRow} has values but no ${what} name in ${letter}${sheetRow}; row ${sheetRow} was not read`,
  };
}

export function noHeaderRow(examples: string): RateSheetError {
  return {
    code: 'no-header-row',
    message: `No header row found in the first ${HEADER_SCAN_ROWS} rows: expected a row with column headers such as ${examples}`,
  };
}

export function aboveHeader(headerIndex: number): SkippedRow[] {
  return Array.from({ length: headerIndex }, (_, r) => ({ row: r + 1, reason: 'above-header' as const }));
}

export function assertEffectiveFrom(date: IsoDate): void {
  // The caller parses the date at its boundary; a bad one here is a programming fault.
  if (!isIsoDate(date)) throw new Error(`effectiveFrom must be a YYYY-MM-DD date, got "${date}"`, { cause: { code: 'bad-date' } });
}

export function tableWidth(table: RateSheetTable): number {
  return table.reduce((w, row) => Math.max(w, row.length), 0);
}

export function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}]/u.test(ch);
}

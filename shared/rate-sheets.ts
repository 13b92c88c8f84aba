/**
 * Reads the owner's rate sheets (the agency bill-rate matrix and the therapist pay sheet)
 * from plain 2D arrays of cell values, as Sheets' getValues() or a CSV parser gives them.
 * Every non-empty cell under a rate column becomes a rate or an error that names the cell;
 * nothing is dropped silently, and an empty cell means "no rate" (the combination does not exist).
 */
import { isIsoDate, type IsoDate } from './dates.ts';
import { parseMoney, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';
import { DISCIPLINES, vocabularyKey, type Discipline, type VisitTypeCode, type Vocabulary } from './vocabulary.ts';

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

export type RateHeader = { discipline: Discipline; visitType: VisitTypeCode };
export type RateHeaderError = { code: 'unknown-header'; text: string; message: string };

export type AgencyRateRecord = {
  agencyName: string;
  discipline: Discipline;
  visitType: VisitTypeCode;
  cents: Cents;
  effectiveFrom: IsoDate;
  /** Where the rate was read, so a later problem can point at the cell. */
  row: number;
  column: number;
};

export type AgencyRateMatrix = {
  /** Agency names as written (trimmed), in sheet order, each once. */
  agencies: string[];
  rates: AgencyRateRecord[];
  errors: RateSheetError[];
  skipped: SkippedRow[];
  /** 1-based row of the header, or null when no header row was found. */
  headerRow: number | null;
};

export type TherapistPayRecord = {
  therapistName: string;
  /** Set when the row overrides the general rate for visits at this agency. */
  agencyName?: string;
  discipline: Discipline;
  visitType: VisitTypeCode;
  cents: Cents;
  effectiveFrom: IsoDate;
  row: number;
  column: number;
};

export type TherapistPaySheet = {
  /** Therapists in sheet order, each once, with the disciplines their rows name or their rates use. */
  therapists: Array<{ name: string; disciplines: Discipline[] }>;
  rates: TherapistPayRecord[];
  errors: RateSheetError[];
  skipped: SkippedRow[];
  headerRow: number | null;
};

/** Owners put the header below a title or two; further down it is data, not a header. */
const HEADER_SCAN_ROWS = 20;

/** Headers of the pay sheet's discipline column, compared by vocabularyKey. */
const DISCIPLINE_COLUMN_HEADERS = new Set(['disc', 'discipline', 'disciplines', 'license', 'licensetype', 'credential', 'credentials', 'role']);
/** Headers of the pay sheet's agency column: a value there makes the row an agency override. */
const AGENCY_COLUMN_HEADERS = new Set(['agency', 'hha', 'homehealthagency', 'homehealth', 'agencyoverride', 'overrideagency', 'foragency', 'client']);

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

/**
 * The agency bill-rate matrix: agencies as rows, one column per discipline and visit type.
 * The header row is the one of the first 20 with the most rate headers; its leftmost other
 * header names the agency column ("Home Health Agency", "Agency").
 */
export function readAgencyRateMatrix(table: RateSheetTable, options: RateSheetOptions): AgencyRateMatrix {
  const { vocabulary, effectiveFrom } = options;
  assertEffectiveFrom(effectiveFrom);
  const parseHeader = (cell: unknown) => (isBlank(cell) ? undefined : parseRateHeader(cellText(cell), vocabulary));
  const headerIndex = findHeaderRow(table, (cell) => parseHeader(cell)?.ok === true);
  if (headerIndex === undefined) return { agencies: [], rates: [], errors: [noHeaderRow('"PT Eval" or "OT D/C"')], skipped: [], headerRow: null };

  const errors: RateSheetError[] = [];
  const headerCells = table[headerIndex]!;
  const width = tableWidth(table);
  const rateColumns: Array<{ index: number; header: string } & RateHeader> = [];
  const unreadHeaders: Array<{ index: number; header: string; message: string }> = [];
  const seen = new Map<string, number>();
  for (let c = 0; c < headerCells.length; c++) {
    const parsed = parseHeader(headerCells[c]);
    if (parsed === undefined) continue;
    const header = cellText(headerCells[c]);
    if (!parsed.ok) {
      unreadHeaders.push({ index: c, header, message: parsed.error.message });
      continue;
    }
    const key = `${parsed.value.discipline}|${parsed.value.visitType}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(duplicateHeader(headerIndex, c, header, first, cellText(headerCells[first])));
      continue;
    }
    seen.set(key, c);
    rateColumns.push({ index: c, header, ...parsed.value });
  }

  const nameColumn = pickNameColumn(headerCells, rateColumns[0]!.index, new Set(unreadHeaders.map((h) => h.index)));
  if (nameColumn === undefined) {
    errors.push({ code: 'no-name-column', row: headerIndex + 1, message: `Row ${headerIndex + 1} has rate headers from column A on; the agency names must be in a column to the left of the rates` });
    return { agencies: [], rates: [], errors, skipped: aboveHeader(headerIndex), headerRow: headerIndex + 1 };
  }
  for (const h of unreadHeaders) {
    if (h.index === nameColumn) continue;
    errors.push(columnError('unknown-header', headerIndex, h.index, h.header, `Column ${columnLetter(h.index + 1)}: ${h.message}. Column ${columnLetter(h.index + 1)} was not read.`));
  }
  errors.push(...headerlessColumns(table, headerIndex, width, nameColumn, headerCells));

  const agencies: string[] = [];
  const rates: AgencyRateRecord[] = [];
  const skipped: SkippedRow[] = aboveHeader(headerIndex);
  const agencyRows = new Map<string, number>();
  for (let r = headerIndex + 1; r < table.length; r++) {
    const row = table[r]!;
    const sheetRow = r + 1;
    if (row.every(isBlank)) {
      skipped.push({ row: sheetRow, reason: 'blank' });
      continue;
    }
    const agencyName = cellText(row[nameColumn]);
    if (agencyName === '') {
      errors.push(missingName(sheetRow, nameColumn, 'agency'));
      continue;
    }
    const key = nameKey(agencyName);
    const firstRow = agencyRows.get(key);
    if (firstRow !== undefined) {
      errors.push({
        code: 'duplicate-agency', row: sheetRow, column: nameColumn + 1, columnLetter: columnLetter(nameColumn + 1), text: agencyName,
        message: `"${agencyName}" is on row ${firstRow} and again on row ${sheetRow}; row ${sheetRow} was not read (keep one row per agency)`,
      });
      continue;
    }
    agencyRows.set(key, sheetRow);
    agencies.push(agencyName);
    for (const col of rateColumns) {
      const cell = row[col.index];
      if (isBlank(cell)) continue; // no rate: this combination does not exist
      const amount = readAmount(cell);
      if (amount.ok) {
        rates.push({ agencyName, discipline: col.discipline, visitType: col.visitType, cents: amount.value, effectiveFrom, row: sheetRow, column: col.index + 1 });
      } else {
        errors.push(cellError(amount.error.code, r, col.index, col.header, cell, `${agencyName}, ${col.header}: ${amount.error.message}`));
      }
    }
  }
  return { agencies, rates, errors, skipped, headerRow: headerIndex + 1 };
}

type PayColumn =
  | { kind: 'rate'; index: number; header: string; discipline: Discipline; visitType: VisitTypeCode }
  | { kind: 'visit-type'; index: number; header: string; visitType: VisitTypeCode };

/**
 * The therapist pay sheet: therapists as rows. Either a discipline column ("Disc") with
 * visit type columns ("Eval", "Routine"), or discipline+visit type headers ("PT Eval"), or
 * both. A value in the optional agency column ("Agency", "HHA") makes the row an override
 * for that agency; an empty one is the therapist's general rate.
 */
export function readTherapistPaySheet(table: RateSheetTable, options: RateSheetOptions): TherapistPaySheet {
  const { vocabulary, effectiveFrom } = options;
  assertEffectiveFrom(effectiveFrom);
  const classify = (cell: unknown): PayHeader | undefined => (isBlank(cell) ? undefined : classifyPayHeader(cellText(cell), vocabulary));
  const headerIndex = findHeaderRow(table, (cell) => {
    const kind = classify(cell)?.kind;
    return kind === 'rate' || kind === 'visit-type';
  });
  if (headerIndex === undefined) return { therapists: [], rates: [], errors: [noHeaderRow('"Eval", "Routine" or "PT Eval"')], skipped: [], headerRow: null };

  const errors: RateSheetError[] = [];
  const headerCells = table[headerIndex]!;
  const width = tableWidth(table);
  let disciplineColumn: number | undefined;
  let agencyColumn: number | undefined;
  const columns: PayColumn[] = [];
  const others: Array<{ index: number; header: string; message: string }> = [];
  const firstOfKind = new Map<string, number>();
  for (let c = 0; c < headerCells.length; c++) {
    const classified = classify(headerCells[c]);
    if (classified === undefined) continue;
    const header = cellText(headerCells[c]);
    if (classified.kind === 'other') {
      others.push({ index: c, header, message: classified.message });
      continue;
    }
    const key = classified.kind === 'rate' ? `rate|${classified.discipline}|${classified.visitType}`
      : classified.kind === 'visit-type' ? `visit-type|${classified.visitType}`
      : classified.kind;
    const first = firstOfKind.get(key);
    if (first !== undefined) {
      errors.push(duplicateHeader(headerIndex, c, header, first, cellText(headerCells[first])));
      continue;
    }
    firstOfKind.set(key, c);
    if (classified.kind === 'discipline') disciplineColumn = c;
    else if (classified.kind === 'agency') agencyColumn = c;
    else columns.push({ ...classified, index: c, header });
  }

  const firstRateColumn = columns[0]!.index;
  const reserved = new Set([disciplineColumn, agencyColumn].filter((c): c is number => c !== undefined));
  const nameColumn = pickNameColumn(headerCells, firstRateColumn, new Set(others.map((o) => o.index)), reserved);
  if (nameColumn === undefined) {
    errors.push({ code: 'no-name-column', row: headerIndex + 1, message: `Row ${headerIndex + 1} has no column for the therapist names to the left of the rates` });
    return { therapists: [], rates: [], errors, skipped: aboveHeader(headerIndex), headerRow: headerIndex + 1 };
  }
  for (const o of others) {
    if (o.index === nameColumn) continue;
    errors.push(columnError('unknown-header', headerIndex, o.index, o.header, `Column ${columnLetter(o.index + 1)}: ${o.message}. Column ${columnLetter(o.index + 1)} was not read.`));
  }
  const rateColumns = columns.filter((col) => {
    if (col.kind === 'rate' || disciplineColumn !== undefined) return true;
    errors.push(columnError('no-discipline-column', headerIndex, col.index, col.header,
      `Column ${columnLetter(col.index + 1)} "${col.header}" is a visit type, but the sheet has no discipline column to say whose; add a "Discipline" column or write headers such as "PT ${col.header}". Column ${columnLetter(col.index + 1)} was not read.`));
    return false;
  });
  errors.push(...headerlessColumns(table, headerIndex, width, nameColumn, headerCells));

  const therapists: Array<{ name: string; disciplines: Discipline[] }> = [];
  const therapistByKey = new Map<string, { name: string; disciplines: Discipline[] }>();
  const rates: TherapistPayRecord[] = [];
  const rateCells = new Map<string, string>();
  const skipped: SkippedRow[] = aboveHeader(headerIndex);
  for (let r = headerIndex + 1; r < table.length; r++) {
    const row = table[r]!;
    const sheetRow = r + 1;
    if (row.every(isBlank)) {
      skipped.push({ row: sheetRow, reason: 'blank' });
      continue;
    }
    const name = cellText(row[nameColumn]);
    if (name === '') {
      errors.push(missingName(sheetRow, nameColumn, 'therapist'));
      continue;
    }
    let therapist = therapistByKey.get(nameKey(name));
    if (!therapist) {
      therapist = { name, disciplines: [] };
      therapistByKey.set(nameKey(name), therapist);
      therapists.push(therapist);
    }
    const addDiscipline = (d: Discipline) => {
      if (!therapist.disciplines.includes(d)) therapist.disciplines.push(d);
    };

    // The row's discipline, for the visit-type-only columns; one error for the row when unreadable.
    let rowDiscipline: Discipline | undefined;
    if (disciplineColumn !== undefined) {
      const cell = row[disciplineColumn];
      const header = cellText(headerCells[disciplineColumn]);
      const unread = rateColumns.filter((col) => col.kind === 'visit-type' && !isBlank(row[col.index])).map((col) => `${columnLetter(col.index + 1)}${sheetRow}`);
      const notRead = unread.length > 0 ? ` ${unread.join(', ')} ${unread.length === 1 ? 'was' : 'were'} not read.` : '';
      if (!isBlank(cell)) {
        const read = vocabulary.discipline(cellText(cell));
        if (read.ok) {
          rowDiscipline = read.value;
          addDiscipline(read.value);
        } else {
          errors.push(cellError('unknown-discipline', r, disciplineColumn, header, cell,
            `${name}: ${read.error.message}; one discipline per row (a therapist with two has two rows).${notRead}`));
        }
      } else if (unread.length > 0) {
        errors.push(cellError('missing-discipline', r, disciplineColumn, header, cell, `${name} has rates on row ${sheetRow} but no discipline.${notRead}`));
      }
    }

    const agencyName = agencyColumn === undefined ? '' : cellText(row[agencyColumn]);
    for (const col of rateColumns) {
      const cell = row[col.index];
      if (isBlank(cell)) continue; // no rate: this combination does not exist
      const discipline = col.kind === 'rate' ? col.discipline : rowDiscipline;
      if (discipline === undefined) continue; // covered by the row's discipline error
      const amount = readAmount(cell);
      if (!amount.ok) {
        errors.push(cellError(amount.error.code, r, col.index, col.header, cell, `${name}, ${col.header}: ${amount.error.message}`));
        continue;
      }
      const key = [nameKey(name), nameKey(agencyName), discipline, col.visitType].join('|');
      const where = `${columnLetter(col.index + 1)}${sheetRow}`;
      const first = rateCells.get(key);
      if (first !== undefined) {
        const label = `${discipline} ${vocabulary.visitTypeLabel(col.visitType)}`;
        errors.push(cellError('duplicate-rate', r, col.index, col.header, cell,
          `${name} already has a ${label} pay rate${agencyName ? ` for ${agencyName}` : ''} in ${first}; ${where} was not read (keep one rate per combination)`));
        continue;
      }
      rateCells.set(key, where);
      addDiscipline(discipline);
      rates.push({
        therapistName: name,
        ...(agencyName ? { agencyName } : {}),
        discipline,
        visitType: col.visitType,
        cents: amount.value,
        effectiveFrom,
        row: sheetRow,
        column: col.index + 1,
      });
    }
  }
  return { therapists, rates, errors, skipped, headerRow: headerIndex + 1 };
}

type PayHeader =
  | { kind: 'discipline' }
  | { kind: 'agency' }
  | ({ kind: 'rate' } & RateHeader)
  | { kind: 'visit-type'; visitType: VisitTypeCode }
  | { kind: 'other'; message: string };

function classifyPayHeader(text: string, vocabulary: Vocabulary): PayHeader {
  const key = vocabularyKey(text);
  if (DISCIPLINE_COLUMN_HEADERS.has(key)) return { kind: 'discipline' };
  if (AGENCY_COLUMN_HEADERS.has(key)) return { kind: 'agency' };
  const combined = parseRateHeader(text, vocabulary);
  if (combined.ok) return { kind: 'rate', ...combined.value };
  const visitType = vocabulary.visitType(text);
  if (visitType.ok) return { kind: 'visit-type', visitType: visitType.value };
  return {
    kind: 'other',
    message: `"${text.trim()}" is not a visit type ("Eval", "Routine"), a discipline and visit type ("PT Eval"), a discipline column ("Discipline") or an agency column ("Agency")`,
  };
}

/** The 0-based index of the row among the first 20 with the most cells that `isHeader` accepts; the first such row on a tie. */
function findHeaderRow(table: RateSheetTable, isHeader: (cell: unknown) => boolean): number | undefined {
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
function pickNameColumn(headerCells: readonly unknown[], firstRateColumn: number, unread: ReadonlySet<number>, reserved: ReadonlySet<number> = new Set()): number | undefined {
  for (let c = 0; c < firstRateColumn; c++) {
    if (unread.has(c) && !reserved.has(c)) return c;
  }
  const left = firstRateColumn - 1;
  return left >= 0 && !reserved.has(left) && isBlank(headerCells[left]) ? left : undefined;
}

/** Columns with values below the header but no header of their own (other than the names): one error each. */
function headerlessColumns(table: RateSheetTable, headerIndex: number, width: number, nameColumn: number, headerCells: readonly unknown[]): RateSheetError[] {
  const errors: RateSheetError[] = [];
  for (let c = 0; c < width; c++) {
    if (c === nameColumn || !isBlank(headerCells[c])) continue;
    const firstValue = table.findIndex((row, r) => r > headerIndex && !isBlank(row[c]));
    if (firstValue < 0) continue;
    const letter = columnLetter(c + 1);
    errors.push({
      code: 'no-header', column: c + 1, columnLetter: letter, text: cellText(table[firstValue]![c]),
      message: `Column ${letter} has values (first in ${letter}${firstValue + 1}) but no header on row ${headerIndex + 1}; column ${letter} was not read`,
    });
  }
  return errors;
}

function readAmount(cell: unknown): Result<Cents, { code: 'bad-amount' | 'negative-amount'; message: string }> {
  if (typeof cell !== 'string' && typeof cell !== 'number') {
    return err({ code: 'bad-amount', message: `"${cellText(cell)}" is not an amount of money (expected something like 95, $95.00 or 1,234.50)` });
  }
  const amount = parseMoney(cell);
  if (!amount.ok) return err({ code: 'bad-amount', message: amount.error.message });
  if (amount.value < 0) return err({ code: 'negative-amount', message: `"${cellText(cell)}" is negative; a rate is zero or more` });
  return amount;
}

function cellError(code: RateSheetErrorCode, rowIndex: number, columnIndex: number, header: string, cell: unknown, message: string): RateSheetError {
  const letter = columnLetter(columnIndex + 1);
  return { code, row: rowIndex + 1, column: columnIndex + 1, columnLetter: letter, header, text: cellText(cell), message: `${letter}${rowIndex + 1}: ${message}` };
}

function columnError(code: RateSheetErrorCode, headerIndex: number, columnIndex: number, header: string, message: string): RateSheetError {
  return { code, row: headerIndex + 1, column: columnIndex + 1, columnLetter: columnLetter(columnIndex + 1), header, text: header, message };
}

function duplicateHeader(headerIndex: number, columnIndex: number, header: string, firstIndex: number, firstHeader: string): RateSheetError {
  const letter = columnLetter(columnIndex + 1);
  return columnError('duplicate-header', headerIndex, columnIndex, header,
    `Column ${letter} "${header}" means the same as column ${columnLetter(firstIndex + 1)} "${firstHeader}"; column ${letter} was not read (keep one column per rate)`);
}

function missingName(sheetRow: number, nameColumn: number, what: 'agency' | 'therapist'): RateSheetError {
  const letter = columnLetter(nameColumn + 1);
  return { code: 'missing-name', row: sheetRow, column: nameColumn + 1, columnLetter: letter, text: '', message: `Row ${sheetRow} has values but no ${what} name in ${letter}${sheetRow}; row ${sheetRow} was not read` };
}

function noHeaderRow(examples: string): RateSheetError {
  return { code: 'no-header-row', message: `No header row found in the first ${HEADER_SCAN_ROWS} rows: expected a row with column headers such as ${examples}` };
}

function aboveHeader(headerIndex: number): SkippedRow[] {
  return Array.from({ length: headerIndex }, (_, r) => ({ row: r + 1, reason: 'above-header' as const }));
}

function assertEffectiveFrom(date: IsoDate): void {
  // The caller parses the date at its boundary; a bad one here is a programming fault.
  if (!isIsoDate(date)) throw new Error(`effectiveFrom must be a YYYY-MM-DD date, got "${date}"`, { cause: { code: 'bad-date' } });
}

function tableWidth(table: RateSheetTable): number {
  return table.reduce((w, row) => Math.max(w, row.length), 0);
}

function isBlank(cell: unknown): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell.trim();
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? 'an invalid date' : cell.toISOString().slice(0, 10);
  return String(cell);
}

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}]/u.test(ch);
}

/** Same name for duplicate checks: case and runs of spaces do not matter. */
function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** 1 -> "A", 27 -> "AA": the column as the sheet labels it. */
function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

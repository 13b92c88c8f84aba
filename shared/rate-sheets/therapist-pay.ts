/** The reader of the therapist pay sheet; sheet.ts has what the rate sheet readers share. */
import { cellText, columnLetter, isBlankCell } from '../cells.ts';
import { nameKey } from '../names.ts';
import { vocabularyKey, type Discipline, type VisitTypeCode, type Vocabulary } from '../vocabulary.ts';
import {
  aboveHeader,
  assertEffectiveFrom,
  cellError,
  columnError,
  duplicateHeader,
  findHeaderRow,
  headerlessColumns,
  namedRows,
  noHeaderRow,
  parseRateHeader,
  pickNameColumn,
  readAmount,
  tableWidth,
  unreadHeaderErrors,
  type RateCell,
  type RateHeader,
  type RateSheetError,
  type RateSheetOptions,
  type RateSheetReading,
  type RateSheetTable,
  type SkippedRow,
} from './sheet.ts';

export type TherapistPayRecord = {
  therapistName: string;
  /** Set when the row overrides the general rate for visits at this agency. */
  agencyName?: string;
} & RateCell;

export type TherapistPaySheet = {
  /** Therapists in sheet order, each once, with the disciplines their rows name or their rates use. */
  therapists: Array<{ name: string; disciplines: Discipline[] }>;
  rates: TherapistPayRecord[];
} & RateSheetReading;

/** Headers of the pay sheet's discipline column, compared by vocabularyKey. */
const DISCIPLINE_COLUMN_HEADERS = new Set([
  'disc',
  'discipline',
  'disciplines',
  'license',
  'licensetype',
  'credential',
  'credentials',
  'role',
]);
/** Headers of the pay sheet's agency column: a value there makes the row an agency override. */
const AGENCY_COLUMN_HEADERS = new Set([
  'agency',
  'hha',
  'homehealthagency',
  'homehealth',
  'agencyoverride',
  'overrideagency',
  'foragency',
  'client',
]);

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
  const classify = (cell: unknown): PayHeader | undefined =>
    isBlankCell(cell) ? undefined : classifyPayHeader(cellText(cell), vocabulary);
  const headerIndex = findHeaderRow(table, (cell) => {
    const kind = classify(cell)?.kind;
    return kind === 'rate' || kind === 'visit-type';
  });
  if (headerIndex === undefined)
    return { therapists: [], rates: [], errors: [noHeaderRow('"Eval", "Routine" or "PT Eval"')], skipped: [], headerRow: null };

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
    const key =
      classified.kind === 'rate'
        ? `rate|${classified.discipline}|${classified.visitType}`
        : classified.kind === 'visit-type'
          ? `visit-type|${classified.visitType}`
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
    errors.push({
      code: 'no-name-column',
      row: headerIndex + 1,
      message: `Row ${headerIndex + 1} has no column for the therapist names to the left of the rates`,
    });
    return { therapists: [], rates: [], errors, skipped: aboveHeader(headerIndex), headerRow: headerIndex + 1 };
  }
  errors.push(...unreadHeaderErrors(headerIndex, others, nameColumn));
  const rateColumns = columns.filter((col) => {
    if (col.kind === 'rate' || disciplineColumn !== undefined) return true;
    errors.push(
      columnError(
        'no-discipline-column',
        headerIndex,
        col.index,
        col.header,
        `Column ${columnLetter(col.index)} "${col.header}" is a visit type, but the sheet has no discipline column to say whose; add a "Discipline" column or write headers such as "PT ${col.header}". Column ${columnLetter(col.index)} was not read.`,
      ),
    );
    return false;
  });
  errors.push(...headerlessColumns(table, headerIndex, width, nameColumn, headerCells));

  const therapists: Array<{ name: string; disciplines: Discipline[] }> = [];
  const therapistByKey = new Map<string, { name: string; disciplines: Discipline[] }>();
  const rates: TherapistPayRecord[] = [];
  const rateCells = new Map<string, string>();
  const skipped: SkippedRow[] = aboveHeader(headerIndex);
  for (const { index: r, sheetRow, row, name } of namedRows(table, headerIndex, nameColumn, 'therapist', { skipped, errors })) {
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
      const unread = rateColumns
        .filter((col) => col.kind === 'visit-type' && !isBlankCell(row[col.index]))
        .map((col) => `${columnLetter(col.index)}${sheetRow}`);
      const notRead = unread.length > 0 ? ` ${unread.join(', ')} ${unread.length === 1 ? 'was' : 'were'} not read.` : '';
      if (!isBlankCell(cell)) {
        const read = vocabulary.discipline(cellText(cell));
        if (read.ok) {
          rowDiscipline = read.value;
          addDiscipline(read.value);
        } else {
          errors.push(
            cellError(
              'unknown-discipline',
              r,
              disciplineColumn,
              header,
              cell,
              `${name}: ${read.error.message}; one discipline per row (a therapist with two has two rows).${notRead}`,
            ),
          );
        }
      } else if (unread.length > 0) {
        errors.push(
          cellError(
            'missing-discipline',
            r,
            disciplineColumn,
            header,
            cell,
            `${name} has rates on row ${sheetRow} but no discipline.${notRead}`,
          ),
        );
      }
    }

    const agencyName = agencyColumn === undefined ? '' : cellText(row[agencyColumn]);
    for (const col of rateColumns) {
      const cell = row[col.index];
      if (isBlankCell(cell)) continue; // no rate: this combination does not exist
      const discipline = col.kind === 'rate' ? col.discipline : rowDiscipline;
      if (discipline === undefined) continue; // covered by the row's discipline error
      const amount = readAmount(cell);
      if (!amount.ok) {
        errors.push(cellError(amount.error.code, r, col.index, col.header, cell, `${name}, ${col.header}: ${amount.error.message}`));
        continue;
      }
      const key = [nameKey(name), nameKey(agencyName), discipline, col.visitType].join('|');
      const where = `${columnLetter(col.index)}${sheetRow}`;
      const first = rateCells.get(key);
      if (first !== undefined) {
        const label = `${discipline} ${vocabulary.visitTypeLabel(col.visitType)}`;
        errors.push(
          cellError(
            'duplicate-rate',
            r,
            col.index,
            col.header,
            cell,
            `${name} already has a ${label} pay rate${agencyName ? ` for ${agencyName}` : ''} in ${first}; ${where} was not read (keep one rate per combination)`,
          ),
        );
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

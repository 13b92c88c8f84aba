/** The reader of the agency bill-rate matrix; sheet.ts has what the rate sheet readers share. */
import { cellText, columnLetter, isBlankCell } from '../cells.ts';
import { nameKey } from '../names.ts';
import {
  aboveHeader,
  assertEffectiveFrom,
  cellError,
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

export type AgencyRateRecord = { agencyName: string } & RateCell;

export type AgencyRateMatrix = {
  /** Agency names as written (trimmed), in sheet order, each once. */
  agencies: string[];
  rates: AgencyRateRecord[];
} & RateSheetReading;

/**
 * The agency bill-rate matrix: agencies as rows, one column per discipline and visit type.
 * The header row is the one of the first HEADER_SCAN_ROWS with the most rate headers; its leftmost other
 * header names the agency column ("Home Health Agency", "Agency").
 */
export function readAgencyRateMatrix(table: RateSheetTable, options: RateSheetOptions): AgencyRateMatrix {
  const { vocabulary, effectiveFrom } = options;
  assertEffectiveFrom(effectiveFrom);
  const parseHeader = (cell: unknown) => (isBlankCell(cell) ? undefined : parseRateHeader(cellText(cell), vocabulary));
  const headerIndex = findHeaderRow(table, (cell) => parseHeader(cell)?.ok === true);
  if (headerIndex === undefined)
    return { agencies: [], rates: [], errors: [noHeaderRow('"PT Eval" or "OT D/C"')], skipped: [], headerRow: null };

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
    errors.push({
      code: 'no-name-column',
      row: headerIndex + 1,
      message: `Row ${headerIndex + 1} has rate headers from column A on; the agency names must be in a column to the left of the rates`,
    });
    return { agencies: [], rates: [], errors, skipped: aboveHeader(headerIndex), headerRow: headerIndex + 1 };
  }
  errors.push(...unreadHeaderErrors(headerIndex, unreadHeaders, nameColumn));
  errors.push(...headerlessColumns(table, headerIndex, width, nameColumn, headerCells));

  const agencies: string[] = [];
  const rates: AgencyRateRecord[] = [];
  const skipped: SkippedRow[] = aboveHeader(headerIndex);
  const agencyRows = new Map<string, number>();
  for (const { index: r, sheetRow, row, name: agencyName } of namedRows(table, headerIndex, nameColumn, 'agency', { skipped, errors })) {
    const key = nameKey(agencyName);
    const firstRow = agencyRows.get(key);
    if (firstRow !== undefined) {
      errors.push({
        code: 'duplicate-agency',
        row: sheetRow,
        column: nameColumn + 1,
        columnLetter: columnLetter(nameColumn),
        text: agencyName,
        message: `"${agencyName}" is on row ${firstRow} and again on row ${sheetRow}; row ${sheetRow} was not read (keep one row per agency)`,
      });
      continue;
    }
    agencyRows.set(key, sheetRow);
    agencies.push(agencyName);
    for (const col of rateColumns) {
      const cell = row[col.index];
      if (isBlankCell(cell)) continue; // no rate: this combination does not exist
      const amount = readAmount(cell);
      if (amount.ok) {
        rates.push({
          agencyName,
          discipline: col.discipline,
          visitType: col.visitType,
          cents: amount.value,
          effectiveFrom,
          row: sheetRow,
          column: col.index + 1,
        });
      } else {
        errors.push(cellError(amount.error.code, r, col.index, col.header, cell, `${agencyName}, ${col.header}: ${amount.error.message}`));
      }
    }
  }
  return { agencies, rates, errors, skipped, headerRow: headerIndex + 1 };
}

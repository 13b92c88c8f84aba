/** The reader of the agency bill-rate matrix; sheet.ts has what the rate sheet readers share. */
import { cellText, columnLetter, isBlankCell } from '../cells.ts';
import type { IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';
import { nameKey } from '../names.ts';
import type { Discipline, VisitTypeCode } from '../vocabulary.ts';
import {
  aboveHeader, assertEffectiveFrom, cellError, columnError, duplicateHeader, findHeaderRow, headerlessColumns, missingName, noHeaderRow,
  parseRateHeader, pickNameColumn, readAmount, tableWidth, type RateHeader, type RateSheetError, type RateSheetOptions, type RateSheetTable,
  type SkippedRow,
} from './sheet.ts';

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
    errors.push(columnError('unknown-header', headerIndex, h.index, h.header, `Column ${columnLetter(h.index)}: ${h.message}. Column ${columnLetter(h.index)} was not read.`));
  }
  errors.push(...headerlessColumns(table, headerIndex, width, nameColumn, headerCells));

  const agencies: string[] = [];
  const rates: AgencyRateRecord[] = [];
  const skipped: SkippedRow[] = aboveHeader(headerIndex);
  const agencyRows = new Map<string, number>();
  for (let r = headerIndex + 1; r < table.length; r++) {
    const row = table[r]!;
    const sheetRow = r + 1;
    if (row.every(isBlankCell)) {
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
        code: 'duplicate-agency', row: sheetRow, column: nameColumn + 1, columnLetter: columnLetter(nameColumn), text: agencyName,
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
        rates.push({ agencyName, discipline: col.discipline, visitType: col.visitType, cents: amount.value, effectiveFrom, row: sheetRow, column: col.index + 1 });
      } else {
        errors.push(cellError(amount.error.code, r, col.index, col.header, cell, `${agencyName}, ${col.header}: ${amount.error.message}`));
      }
    }
  }
  return { agencies, rates, errors, skipped, headerRow: headerIndex + 1 };
}

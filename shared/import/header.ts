/**
 * Finding the header row of a visit table and mapping its columns to fields, by the
 * headers owners use ("DOS", "Clinician", "HHA"), with a confidence for each.
 */
import { cellText, columnLetter, HEADER_SCAN_ROWS, isBlankCell } from '../cells.ts';
import { normalizeName } from '../names.ts';
import { err, ok, type Result } from '../result.ts';
import { FIELD_LABELS, IMPORT_FIELDS, REQUIRED_IMPORT_FIELDS, type ImportField, type RequiredImportField } from './fields.ts';

/** Column headers owners use for each field. A header equal to one of them maps with confidence 1. */
const HEADER_SYNONYMS: Record<ImportField, readonly string[]> = {
  therapist: [
    'Clinician',
    'Therapist',
    'Staff',
    'Provider',
    'Employee',
    'Name',
    'Clinician Name',
    'Therapist Name',
    'Staff Name',
    'Provider Name',
    'Employee Name',
    'Contractor',
  ],
  date: ['Visit Date', 'Date', 'DOS', 'Date of Service', 'Service Date', 'Date of Visit', 'Visit Day'],
  agency: ['HHA', 'Agency', 'Home Health Agency', 'Client', 'Company', 'Agency Name', 'HHA Name', 'Home Health', 'Customer'],
  patient: ['Patient', 'Patient Name', 'Client Name', 'Pt Name', 'Patient Full Name', 'Beneficiary'],
  mrn: ['MRN', 'Medical Record #', 'Medical Record Number', 'Medical Record', 'Patient ID', 'MR #', 'Chart #'],
  discipline: ['Discipline', 'Disc', 'Type of Therapist', 'Therapist Type', 'Therapy'],
  visitType: ['Visit', 'Visit Type', 'Service', 'Type', 'Service Type', 'Type of Visit', 'Visit Code'],
  noteDone: [
    'Note Done',
    'Documented',
    'Note',
    'Note Complete',
    'Note Completed',
    'Notes Done',
    'Documentation Done',
    'Note Status',
    'Charted',
  ],
};

/** One-word synonyms that say little inside a longer header ("Date Paid" is probably not the visit date). */
const WEAK_HEADER_WORDS = new Set(['name', 'type', 'date', 'visit', 'service', 'client', 'note', 'therapy']);

export type ColumnMapping = {
  field: ImportField;
  /** 0-based position in the row arrays. */
  column: number;
  /** The column as the spreadsheet names it: A, B, ..., AA. */
  columnLetter: string;
  header: string;
  /** 1 for a header equal to a known synonym, less for a header that only contains one. */
  confidence: number;
};

export type HeaderInfo = {
  /** 1-based row number of the header row. */
  row: number;
  columns: ColumnMapping[];
  /** Headed columns the import does not read (kept in the owner's sheet, ignored here). */
  unmapped: { column: number; columnLetter: string; header: string }[];
};

export type ImportError = {
  code: 'missing-columns';
  missing: RequiredImportField[];
  /** The row that came closest to a header, if any. */
  headerRow: number | null;
  headersSeen: string[];
  message: string;
};

function headerWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/#/g, ' number ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const SYNONYM_WORDS: Record<ImportField, string[][]> = Object.fromEntries(
  IMPORT_FIELDS.map((f) => [f, HEADER_SYNONYMS[f].map(headerWords)]),
) as Record<ImportField, string[][]>;

/** 1 for a known header, a fraction for a header that contains a known one, 0 otherwise. */
function headerConfidence(words: readonly string[], field: ImportField): number {
  let best = 0;
  for (const syn of SYNONYM_WORDS[field]) {
    if (syn.length === words.length && syn.every((w, i) => words[i] === w)) return 1;
    for (let at = 0; at + syn.length <= words.length; at++) {
      if (syn.every((w, i) => words[at + i] === w)) {
        const weak = syn.length === 1 && WEAK_HEADER_WORDS.has(syn[0]!) ? 0.5 : 1;
        best = Math.max(best, Math.round(80 * weak * (syn.length / words.length)) / 100);
      }
    }
  }
  return best;
}

type HeaderCandidate = HeaderInfo & { required: number; weight: number };

/** Maps a row's cells to fields: best confidence first, each field and each column used once. */
function mapHeaderRow(cells: readonly unknown[], rowIndex: number): HeaderCandidate {
  const options: { field: ImportField; column: number; confidence: number }[] = [];
  cells.forEach((cell, column) => {
    const words = headerWords(cellText(cell));
    if (words.length === 0) return;
    for (const field of IMPORT_FIELDS) {
      const confidence = headerConfidence(words, field);
      if (confidence > 0) options.push({ field, column, confidence });
    }
  });
  options.sort(
    (a, b) => b.confidence - a.confidence || IMPORT_FIELDS.indexOf(a.field) - IMPORT_FIELDS.indexOf(b.field) || a.column - b.column,
  );
  const columns: ColumnMapping[] = [];
  const usedFields = new Set<ImportField>();
  const usedColumns = new Set<number>();
  for (const o of options) {
    if (usedFields.has(o.field) || usedColumns.has(o.column)) continue;
    usedFields.add(o.field);
    usedColumns.add(o.column);
    columns.push({ ...o, columnLetter: columnLetter(o.column), header: normalizeName(cellText(cells[o.column])) });
  }
  columns.sort((a, b) => a.column - b.column);
  const unmapped = cells.flatMap((cell, column) => {
    const header = normalizeName(cellText(cell));
    return header !== '' && !usedColumns.has(column) ? [{ column, columnLetter: columnLetter(column), header }] : [];
  });
  const required = REQUIRED_IMPORT_FIELDS.filter((f) => usedFields.has(f)).length;
  const weight = columns.reduce((sum, c) => sum + c.confidence, 0);
  return { row: rowIndex + 1, columns, unmapped, required, weight };
}

/** The header is the row, among the first rows, that maps the most required fields (then the most confidently, then the first). */
export function findHeader(table: readonly (readonly unknown[])[]): Result<HeaderInfo, ImportError> {
  let best: HeaderCandidate | undefined;
  for (let i = 0; i < Math.min(HEADER_SCAN_ROWS, table.length); i++) {
    const candidate = mapHeaderRow(table[i] ?? [], i);
    if (!best || candidate.required > best.required || (candidate.required === best.required && candidate.weight > best.weight))
      best = candidate;
  }
  const found = best && best.columns.length > 0 ? best : undefined;
  const mapped = new Set(found?.columns.map((c) => c.field));
  const missing = REQUIRED_IMPORT_FIELDS.filter((f) => !mapped.has(f));
  if (found && missing.length === 0) return ok({ row: found.row, columns: found.columns, unmapped: found.unmapped });

  const seenRow = found ? table[found.row - 1]! : (table.slice(0, HEADER_SCAN_ROWS).find((r) => r.some((c) => !isBlankCell(c))) ?? []);
  const headersSeen = seenRow.map((c) => normalizeName(cellText(c))).filter((h) => h !== '');
  const where = found
    ? `the closest to a header is row ${found.row}, with: ${headersSeen.join(', ')}`
    : headersSeen.length > 0
      ? `none of them has a known column name (the first row with text has: ${headersSeen.join(', ')})`
      : 'they are empty';
  const example = REQUIRED_IMPORT_FIELDS.map((f) => HEADER_SYNONYMS[f][0]).join(', ');
  return err({
    code: 'missing-columns',
    missing,
    headerRow: found?.row ?? null,
    headersSeen,
    message: `Could not find the column for ${missing.map((f) => FIELD_LABELS[f]).join(', ')}. Looked at the first ${HEADER_SCAN_ROWS} rows: ${where}. Name the columns like ${example}.`,
  });
}

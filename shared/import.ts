/**
 * Import of an owner's legacy visit table: the values of a sheet (Sheets' getValues())
 * or of a CSV (parseCsv). Every row after the header comes back with exactly one
 * outcome and its row number as the spreadsheet shows it, so nothing is dropped
 * silently: a visit, a duplicate, a row that needs the owner's review (with every
 * reason), or a blank or total row that was recognised and skipped.
 *
 * Only exact names, confirmed aliases and confirmed mappings are applied; near names are
 * proposed for the owner to confirm, never guessed.
 */
import { type DateError, type IsoDate, readSheetDate } from './dates.ts';
import { visitKey } from './duplicates.ts';
import type { Cents } from './money.ts';
import { type DirectoryEntry, matchName, type NameProposal, nameKey, normalizeName } from './names.ts';
import { describeMissingRate, type MissingRate, type RateBook } from './rates.ts';
import { err, ok, type Result } from './result.ts';
import { type Discipline, type VisitTypeCode, type Vocabulary, type VocabularyError, vocabularyKey } from './vocabulary.ts';

export const IMPORT_FIELDS = ['therapist', 'date', 'agency', 'patient', 'mrn', 'discipline', 'visitType', 'noteDone'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_IMPORT_FIELDS = ['therapist', 'date', 'agency', 'patient', 'discipline', 'visitType'] as const satisfies readonly ImportField[];
export type RequiredImportField = (typeof REQUIRED_IMPORT_FIELDS)[number];

/** How many rows from the top may hold titles or notes before the header row. */
export const HEADER_SCAN_ROWS = 20;

const FIELD_LABELS: Record<ImportField, string> = {
  therapist: 'therapist',
  date: 'visit date',
  agency: 'agency',
  patient: 'patient',
  mrn: 'MRN',
  discipline: 'discipline',
  visitType: 'visit type',
  noteDone: 'note done',
};

/** Column headers owners use for each field. A header equal to one of them maps with confidence 1. */
const HEADER_SYNONYMS: Record<ImportField, readonly string[]> = {
  therapist: ['Clinician', 'Therapist', 'Staff', 'Provider', 'Employee', 'Name', 'Clinician Name', 'Therapist Name', 'Staff Name', 'Provider Name', 'Employee Name', 'Contractor'],
  date: ['Visit Date', 'Date', 'DOS', 'Date of Service', 'Service Date', 'Date of Visit', 'Visit Day'],
  agency: ['HHA', 'Agency', 'Home Health Agency', 'Client', 'Company', 'Agency Name', 'HHA Name', 'Home Health', 'Customer'],
  patient: ['Patient', 'Patient Name', 'Client Name', 'Pt Name', 'Patient Full Name', 'Beneficiary'],
  mrn: ['MRN', 'Medical Record #', 'Medical Record Number', 'Medical Record', 'Patient ID', 'MR #', 'Chart #'],
  discipline: ['Discipline', 'Disc', 'Type of Therapist', 'Therapist Type', 'Therapy'],
  visitType: ['Visit', 'Visit Type', 'Service', 'Type', 'Service Type', 'Type of Visit', 'Visit Code'],
  noteDone: ['Note Done', 'Documented', 'Note', 'Note Complete', 'Note Completed', 'Notes Done', 'Documentation Done', 'Note Status', 'Charted'],
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

/** An agency or therapist on a visit; `id` is null for one this import would create (see newAgencies/newTherapists). */
export type EntityRef = { id: string | null; name: string };

export type ImportedVisit = {
  date: IsoDate;
  therapist: EntityRef;
  agency: EntityRef;
  patient: { name: string; mrn?: string };
  discipline: Discipline;
  visitType: VisitTypeCode;
  /** Present when the table has a note-done column. */
  noteDone?: boolean;
  /** Present when rates were given (and found). */
  billRateCents?: Cents;
  payRateCents?: Cents;
};

/** A near name for the owner to confirm. `entryId` null: another new name of this import. */
export type ImportProposal = { field: 'therapist' | 'agency'; text: string; entryId: string | null; entryName: string; reason: string };

export type ReviewIssueCode =
  | 'empty-cell'
  | 'name-proposed'
  | 'unknown-name'
  | 'bad-mapping'
  | 'bad-date'
  | 'unknown-discipline'
  | 'unknown-visit-type'
  | 'ambiguous-visit-type'
  | 'bad-note-done'
  | 'missing-bill-rate'
  | 'missing-pay-rate'
  | 'possible-duplicate';

export type ReviewIssue = { code: ReviewIssueCode; field?: ImportField; message: string };

export type DuplicateOf = { kind: 'row'; row: number } | { kind: 'stored'; visitId: string };

export type SkipReason = 'blank row' | 'subtotal row' | 'total row';

export type RowOutcome =
  | { row: number; outcome: 'visit'; visit: ImportedVisit }
  | { row: number; outcome: 'duplicate'; visit: ImportedVisit; duplicateOf: DuplicateOf; reason: string }
  | {
      row: number;
      outcome: 'needs-review';
      /** Every problem of the row, readable by the owner; `issues` has the same with codes. */
      reasons: string[];
      issues: ReviewIssue[];
      proposals: ImportProposal[];
      /** An earlier row this one seems to repeat (its key could not be read in full, so it is not called a duplicate). */
      possibleDuplicateOf?: number;
    }
  | { row: number; outcome: 'skipped'; reason: SkipReason };

/** A name that matches nothing and is near nothing, to be created by the caller. */
export type NewEntity = { name: string; spellings: string[]; rows: number[] };

/** Rows above the header (titles, notes) are not part of the table and get no outcome. */
export type ImportReport = {
  header: HeaderInfo;
  /** Rows after the header: the number of outcomes. */
  dataRows: number;
  rows: RowOutcome[];
  newAgencies: NewEntity[];
  newTherapists: NewEntity[];
};

export type ImportResult = Result<ImportReport, ImportError>;

export type ImportContext = {
  vocabulary: Vocabulary;
  agencies: readonly DirectoryEntry[];
  therapists: readonly DirectoryEntry[];
  /** When given, a visit without a bill or pay rate in force needs review. */
  rates?: RateBook;
  /** Keys (duplicates.ts visitKey) of visits already stored: a row repeating one is a duplicate of it. */
  existing?: readonly { id: string; key: string }[];
  /** Text the owner typed -> entry id, confirmed by the owner; applied like an exact match. */
  mappings?: { agencies?: Readonly<Record<string, string>>; therapists?: Readonly<Record<string, string>> };
  /** A name that matches nothing and is near nothing: create it, or ask the owner. */
  unknownNames: 'create' | 'review';
  /** The sheet's zone, to read date cells (dates.ts readSheetDate). */
  timeZone?: string;
};

/** 0 -> "A", 26 -> "AA". */
function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

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

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

/** Empty as a sheet shows it: nothing, spaces, or an unticked checkbox (Sheets gives `false`). */
function isEmptyCell(value: unknown): boolean {
  return value === null || value === undefined || value === false || (typeof value === 'string' && value.trim() === '');
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
  options.sort((a, b) => b.confidence - a.confidence || IMPORT_FIELDS.indexOf(a.field) - IMPORT_FIELDS.indexOf(b.field) || a.column - b.column);
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
function findHeader(table: readonly (readonly unknown[])[]): Result<HeaderInfo, ImportError> {
  let best: HeaderCandidate | undefined;
  for (let i = 0; i < Math.min(HEADER_SCAN_ROWS, table.length); i++) {
    const candidate = mapHeaderRow(table[i] ?? [], i);
    if (!best || candidate.required > best.required || (candidate.required === best.required && candidate.weight > best.weight)) best = candidate;
  }
  const found = best && best.columns.length > 0 ? best : undefined;
  const mapped = new Set(found?.columns.map((c) => c.field));
  const missing = REQUIRED_IMPORT_FIELDS.filter((f) => !mapped.has(f));
  if (found && missing.length === 0) return ok({ row: found.row, columns: found.columns, unmapped: found.unmapped });

  const seenRow = found ? table[found.row - 1]! : table.slice(0, HEADER_SCAN_ROWS).find((r) => r.some((c) => !isEmptyCell(c))) ?? [];
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

const TOTAL_ROW = /^(sub[\s-]?totals?|grand[\s-]?totals?|totals?)\b/i;

function skipReason(cells: readonly unknown[], dateColumn: number): SkipReason | undefined {
  const first = cells.find((c) => !isEmptyCell(c));
  if (first === undefined) return 'blank row';
  if (typeof first !== 'string' || !isEmptyCell(cells[dateColumn])) return undefined;
  const m = TOTAL_ROW.exec(first.trim());
  if (!m) return undefined;
  return /^sub/i.test(m[1]!) ? 'subtotal row' : 'total row';
}

const YES = new Set(['yes', 'y', 'true', 'x', 'done', 'complete', 'completed', '1', '✓', '✔', '☑']);
const NO = new Set(['no', 'n', 'false', '0', 'pending', 'notdone', 'incomplete']);

function readNoteDone(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isEmptyCell(value)) return false;
  const text = cellText(value).trim().toLowerCase();
  const key = vocabularyKey(text);
  if (YES.has(text) || YES.has(key)) return true;
  if (NO.has(key)) return false;
  return undefined;
}

type NameRead =
  | { kind: 'empty' }
  | { kind: 'known'; entry: DirectoryEntry }
  | { kind: 'proposed'; text: string; proposals: NameProposal[] }
  | { kind: 'unknown'; text: string; key: string }
  | { kind: 'bad-mapping'; text: string };

/** Reads names for one field: confirmed mappings first, then matchName. Cached by key: sheets repeat names. */
function nameReader(entries: readonly DirectoryEntry[], mappings: Readonly<Record<string, string>> | undefined) {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const mapped = new Map(Object.entries(mappings ?? {}).map(([text, id]) => [nameKey(text), id]));
  const cache = new Map<string, NameRead>();
  return (value: unknown): NameRead => {
    const text = normalizeName(cellText(value));
    if (text === '') return { kind: 'empty' };
    const key = nameKey(text);
    const cached = cache.get(key);
    if (cached) return 'text' in cached ? { ...cached, text } : cached;
    let read: NameRead;
    const mappedId = mapped.get(key);
    if (mappedId !== undefined) {
      const entry = byId.get(mappedId);
      read = entry ? { kind: 'known', entry } : { kind: 'bad-mapping', text };
    } else {
      const m = matchName(text, entries);
      read = m.kind === 'exact' ? { kind: 'known', entry: m.entry } : m.kind === 'proposed' ? { kind: 'proposed', text, proposals: m.proposals } : { kind: 'unknown', text, key };
    }
    cache.set(key, read);
    return read;
  };
}

type NameField = 'therapist' | 'agency';

/** What becomes of a new name under 'create': created, or proposed as another new name used in at least as many rows. */
type NewNameDecision = { kind: 'create'; entity: NewEntity } | { kind: 'proposed'; proposals: { name: string; rows: number; reason: string }[] };

/**
 * Identical new names (after nameKey) are one entity. A new name near another new name
 * used in at least as many rows is not created but proposed: the rarer spelling is
 * probably the typo, and with a tie there is no telling which one is right.
 */
function decideNewNames(reads: readonly { row: number; read: NameRead }[]): Map<string, NewNameDecision> {
  const groups = new Map<string, NewEntity>();
  for (const { row, read } of reads) {
    if (read.kind !== 'unknown') continue;
    const group = groups.get(read.key);
    if (!group) groups.set(read.key, { name: read.text, spellings: [read.text], rows: [row] });
    else {
      if (!group.spellings.includes(read.text)) group.spellings.push(read.text);
      group.rows.push(row);
    }
  }
  const decisions = new Map<string, NewNameDecision>();
  for (const [key, group] of groups) {
    const others = [...groups].filter(([k]) => k !== key).map(([k, g]) => ({ id: k, name: g.name, aliases: [], rows: g.rows.length }));
    const m = matchName(group.name, others);
    const near = m.kind === 'proposed' ? m.proposals.filter((p) => p.entry.rows >= group.rows.length) : [];
    decisions.set(
      key,
      near.length > 0
        ? { kind: 'proposed', proposals: near.map((p) => ({ name: p.entry.name, rows: p.entry.rows, reason: p.reason })) }
        : { kind: 'create', entity: group },
    );
  }
  return decisions;
}

const NEW_ID_PREFIX = '\u0000new:';

type FieldRead = { ref?: EntityRef; keyPart?: string; issues: ReviewIssue[]; proposals: ImportProposal[] };

function resolveName(field: NameField, read: NameRead, column: string, decisions: Map<string, NewNameDecision>, mode: 'create' | 'review'): FieldRead {
  const label = field === 'agency' ? 'Agency' : 'Therapist';
  const list = field === 'agency' ? 'agency list' : 'therapist list';
  switch (read.kind) {
    case 'empty':
      return { issues: [emptyIssue(field, column)], proposals: [] };
    case 'known':
      return { ref: { id: read.entry.id, name: read.entry.name }, keyPart: read.entry.id, issues: [], proposals: [] };
    case 'bad-mapping':
      return {
        issues: [{ code: 'bad-mapping', field, message: `${label} "${read.text}" was matched to a${field === 'agency' ? 'n agency' : ' therapist'} that is no longer in the ${list}; confirm the match again` }],
        proposals: [],
      };
    case 'proposed': {
      const options = read.proposals.map((p) => `${p.entry.name} ("${read.text}" ${p.reason})`).join(' or ');
      return {
        issues: [{ code: 'name-proposed', field, message: `${label} "${read.text}" is not in the ${list} exactly; did you mean ${options}? Confirm the match to import this row` }],
        proposals: read.proposals.map((p) => ({ field, text: read.text, entryId: p.entry.id, entryName: p.entry.name, reason: p.reason })),
      };
    }
    case 'unknown': {
      const decision = decisions.get(read.key);
      if (mode === 'review' || !decision) {
        return {
          issues: [{ code: 'unknown-name', field, message: `${label} "${read.text}" is not in the ${list} and no name there is close; add it or correct the spelling` }],
          proposals: [],
        };
      }
      if (decision.kind === 'create') {
        return { ref: { id: null, name: decision.entity.name }, keyPart: NEW_ID_PREFIX + read.key, issues: [], proposals: [] };
      }
      const options = decision.proposals.map((p) => `"${p.name}" (used in ${p.rows} row${p.rows === 1 ? '' : 's'}; "${read.text}" ${p.reason})`).join(' or ');
      return {
        issues: [{ code: 'name-proposed', field, message: `${label} "${read.text}" is new and close to another new name, ${options}; correct the spelling or confirm they are different` }],
        proposals: decision.proposals.map((p) => ({ field, text: read.text, entryId: null, entryName: p.name, reason: p.reason })),
      };
    }
  }
}

function emptyIssue(field: ImportField, column: string): ReviewIssue {
  return { code: 'empty-cell', field, message: `The ${FIELD_LABELS[field]} cell is empty (column ${column})` };
}

/** Stands for a name in a duplicate comparison when it has no id yet; identical names give the same part. */
function namePart(read: NameRead): string | undefined {
  if (read.kind === 'empty') return undefined;
  if (read.kind === 'known') return read.entry.id;
  return NEW_ID_PREFIX + nameKey(read.text);
}

export function importLegacyVisits(table: readonly (readonly unknown[])[], context: ImportContext): ImportResult {
  const header = findHeader(table);
  if (!header.ok) return header;
  const col = Object.fromEntries(header.value.columns.map((c) => [c.field, c])) as Partial<Record<ImportField, ColumnMapping>>;
  // Required columns are all there: findHeader checked.
  const column = (f: RequiredImportField) => col[f]!;
  const cell = (cells: readonly unknown[], f: ImportField) => (col[f] ? cells[col[f].column] : undefined);

  const readAgency = nameReader(context.agencies, context.mappings?.agencies);
  const readTherapist = nameReader(context.therapists, context.mappings?.therapists);

  type Pending = { row: number; cells: readonly unknown[]; skip?: SkipReason; agency: NameRead; therapist: NameRead };
  const pending: Pending[] = [];
  for (let i = header.value.row; i < table.length; i++) {
    const cells = table[i] ?? [];
    const skip = skipReason(cells, column('date').column);
    pending.push(
      skip
        ? { row: i + 1, cells, skip, agency: { kind: 'empty' }, therapist: { kind: 'empty' } }
        : { row: i + 1, cells, agency: readAgency(cell(cells, 'agency')), therapist: readTherapist(cell(cells, 'therapist')) },
    );
  }

  const create = context.unknownNames === 'create';
  const agencyDecisions = create ? decideNewNames(pending.map((p) => ({ row: p.row, read: p.agency }))) : new Map<string, NewNameDecision>();
  const therapistDecisions = create ? decideNewNames(pending.map((p) => ({ row: p.row, read: p.therapist }))) : new Map<string, NewNameDecision>();

  // Names for missing-rate messages, by id; a new entity goes by its placeholder id.
  const namesById = (entries: readonly DirectoryEntry[], decisions: Map<string, NewNameDecision>) => {
    const names = new Map(entries.map((e) => [e.id, e.name]));
    for (const [key, d] of decisions) if (d.kind === 'create') names.set(NEW_ID_PREFIX + key, `${d.entity.name} (new)`);
    return names;
  };
  const agencyNames = namesById(context.agencies, agencyDecisions);
  const therapistNames = namesById(context.therapists, therapistDecisions);
  const rateNames = {
    agencyName: (id: string) => agencyNames.get(id) ?? id,
    therapistName: (id: string) => therapistNames.get(id) ?? id,
    visitTypeLabel: (code: string) => context.vocabulary.visitTypeLabel(code),
  };

  const stored = new Map<string, string>();
  for (const v of context.existing ?? []) if (!stored.has(v.key)) stored.set(v.key, v.id);
  /** First row seen for each key; `complete` when every part of the key was read without a problem. */
  const seen = new Map<string, { row: number; complete: boolean }>();

  const rows: RowOutcome[] = pending.map((p): RowOutcome => {
    if (p.skip) return { row: p.row, outcome: 'skipped', reason: p.skip };
    const issues: ReviewIssue[] = [];
    const proposals: ImportProposal[] = [];

    const therapist = resolveName('therapist', p.therapist, column('therapist').columnLetter, therapistDecisions, context.unknownNames);
    issues.push(...therapist.issues);
    proposals.push(...therapist.proposals);

    const dateCell = cell(p.cells, 'date');
    let date: IsoDate | undefined;
    let datePart: string | undefined;
    if (isEmptyCell(dateCell)) issues.push(emptyIssue('date', column('date').columnLetter));
    else {
      const read: Result<IsoDate, DateError> = readSheetDate(dateCell, context.timeZone ? { timeZone: context.timeZone } : {});
      if (read.ok) date = datePart = read.value;
      else {
        issues.push({ code: 'bad-date', field: 'date', message: read.error.message });
        datePart = `text:${cellText(dateCell).trim()}`;
      }
    }

    const agency = resolveName('agency', p.agency, column('agency').columnLetter, agencyDecisions, context.unknownNames);
    issues.push(...agency.issues);
    proposals.push(...agency.proposals);

    const patientName = normalizeName(cellText(cell(p.cells, 'patient')));
    if (patientName === '') issues.push(emptyIssue('patient', column('patient').columnLetter));
    const mrn = normalizeName(cellText(cell(p.cells, 'mrn')));

    const discipline = readVocabulary('discipline', (t) => context.vocabulary.discipline(t));
    const visitType = readVocabulary('visitType', (t) => context.vocabulary.visitType(t));

    let noteDone: boolean | undefined;
    if (col.noteDone) {
      noteDone = readNoteDone(cell(p.cells, 'noteDone'));
      if (noteDone === undefined) {
        issues.push({ code: 'bad-note-done', field: 'noteDone', message: `"${cellText(cell(p.cells, 'noteDone')).trim()}" in the note done column (${col.noteDone.columnLetter}) is not yes or no` });
      }
    }

    const therapistPart = namePart(p.therapist);
    const agencyPart = namePart(p.agency);
    const keyOf = (therapistId: string, agencyId: string, d: string, vt: string) => visitKey({ therapistId, agencyId, patientName, date: d, visitType: vt });

    if (issues.length === 0 && therapist.ref && agency.ref && date && discipline.value && visitType.value) {
      const visit: ImportedVisit = {
        date,
        therapist: therapist.ref,
        agency: agency.ref,
        patient: mrn === '' ? { name: patientName } : { name: patientName, mrn },
        discipline: discipline.value,
        visitType: visitType.value,
        ...(noteDone === undefined ? {} : { noteDone }),
      };
      const key = keyOf(therapist.keyPart!, agency.keyPart!, date, visitType.value);
      const storedId = stored.get(key);
      if (storedId !== undefined) {
        return { row: p.row, outcome: 'duplicate', visit, duplicateOf: { kind: 'stored', visitId: storedId }, reason: 'Repeats a visit already recorded: same therapist, agency, patient, date and visit type' };
      }
      const earlier = seen.get(key);
      if (earlier?.complete) {
        return { row: p.row, outcome: 'duplicate', visit, duplicateOf: { kind: 'row', row: earlier.row }, reason: `Repeats row ${earlier.row}: same therapist, agency, patient, date and visit type` };
      }
      if (!earlier) seen.set(key, { row: p.row, complete: true });
      const rated = applyRates(visit, therapist.keyPart!, agency.keyPart!);
      if (earlier) issues.push(possibleDuplicate(earlier.row));
      if (issues.length === 0) return { row: p.row, outcome: 'visit', visit: rated };
      return review(earlier?.row);
    }

    let possible: number | undefined;
    if (therapistPart && agencyPart && datePart && patientName !== '' && visitType.part) {
      const key = keyOf(therapistPart, agencyPart, datePart, visitType.part);
      const earlier = seen.get(key);
      if (earlier) {
        possible = earlier.row;
        issues.push(possibleDuplicate(earlier.row));
      } else seen.set(key, { row: p.row, complete: false });
    }
    return review(possible);

    function readVocabulary<T extends string>(field: 'discipline' | 'visitType', read: (text: string) => Result<T, VocabularyError>): { value?: T; part?: string } {
      const text = normalizeName(cellText(cell(p.cells, field)));
      if (text === '') {
        issues.push(emptyIssue(field, column(field).columnLetter));
        return {};
      }
      const r = read(text);
      if (r.ok) return { value: r.value, part: r.value };
      issues.push({ code: r.error.code, field, message: r.error.message });
      return { part: `text:${vocabularyKey(text)}` };
    }

    function applyRates(visit: ImportedVisit, therapistId: string, agencyId: string): ImportedVisit {
      if (!context.rates) return visit;
      const q = { agencyId, therapistId, discipline: visit.discipline, visitType: visit.visitType, date: visit.date };
      const bill = context.rates.billRate(q);
      const pay = context.rates.payRate(q);
      for (const r of [bill, pay]) if (!r.ok) issues.push(rateIssue(r.error));
      return { ...visit, ...(bill.ok ? { billRateCents: bill.value.cents } : {}), ...(pay.ok ? { payRateCents: pay.value.cents } : {}) };
    }

    function rateIssue(missing: MissingRate): ReviewIssue {
      return { code: missing.code, message: describeMissingRate(missing, rateNames) };
    }

    function review(possibleDuplicateOf: number | undefined): RowOutcome {
      return {
        row: p.row,
        outcome: 'needs-review',
        reasons: issues.map((i) => i.message),
        issues,
        proposals,
        ...(possibleDuplicateOf === undefined ? {} : { possibleDuplicateOf }),
      };
    }
  });

  const created = (decisions: Map<string, NewNameDecision>) => [...decisions.values()].flatMap((d) => (d.kind === 'create' ? [d.entity] : []));
  return ok({
    header: header.value,
    dataRows: Math.max(0, table.length - header.value.row),
    rows,
    newAgencies: created(agencyDecisions),
    newTherapists: created(therapistDecisions),
  });
}

function possibleDuplicate(row: number): ReviewIssue {
  return { code: 'possible-duplicate', message: `Looks like a repeat of row ${row}: same therapist, agency, patient, date and visit type as typed` };
}

export type ImportSummary = { visits: number; duplicates: number; needsReview: number; skipped: number; total: number; dataRows: number };

/** Counts per outcome; `total` equals `dataRows` when every row after the header was accounted for. */
export function summarizeImport(report: ImportReport): ImportSummary {
  const count = (o: RowOutcome['outcome']) => report.rows.filter((r) => r.outcome === o).length;
  return {
    visits: count('visit'),
    duplicates: count('duplicate'),
    needsReview: count('needs-review'),
    skipped: count('skipped'),
    total: report.rows.length,
    dataRows: report.dataRows,
  };
}

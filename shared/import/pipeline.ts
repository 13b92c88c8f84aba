/**
 * Import of an owner's legacy visit table: the values of a sheet (Sheets' getValues())
 * or of a CSV (parseCsv). Every row after the header comes back with exactly one
 * outcome and its row number as the spreadsheet shows it, so nothing is dropped
 * silently: a visit, a duplicate, a row that needs the owner's review (with every
 * reason), or a blank or total row that was recognised and skipped.
 */
import { cellText, isBlankCell } from '../cells.ts';
import { type DateError, type IsoDate, readSheetDate } from '../dates.ts';
import { visitKey } from '../duplicates.ts';
import type { Cents } from '../money.ts';
import { type DirectoryEntry, normalizeName } from '../names.ts';
import { describeMissingRate, type MissingRate, type RateBook } from '../rates.ts';
import { ok, type Result } from '../result.ts';
import { type Discipline, type VisitTypeCode, type Vocabulary, type VocabularyError, vocabularyKey } from '../vocabulary.ts';
import { emptyIssue, type ImportField, type RequiredImportField, type ReviewIssue } from './fields.ts';
import { type ColumnMapping, findHeader, type HeaderInfo, type ImportError } from './header.ts';
import {
  decideNewNames,
  type EntityRef,
  type ImportProposal,
  NEW_ID_PREFIX,
  type NameRead,
  type NewEntity,
  type NewNameDecision,
  namePart,
  nameReader,
  resolveName,
} from './name-resolution.ts';
import { readNoteDone, type SkipReason, skipReason } from './row-cells.ts';

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

export type DuplicateOf = { kind: 'row'; row: number } | { kind: 'stored'; visitId: string };

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
  /** Today in the org's zone: a visit dated after it has not happened yet and needs review. */
  today?: IsoDate;
};

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
  const agencyDecisions = create
    ? decideNewNames(pending.map((p) => ({ row: p.row, read: p.agency })))
    : new Map<string, NewNameDecision>();
  const therapistDecisions = create
    ? decideNewNames(pending.map((p) => ({ row: p.row, read: p.therapist })))
    : new Map<string, NewNameDecision>();

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
    if (isBlankCell(dateCell)) issues.push(emptyIssue('date', column('date').columnLetter));
    else {
      const read: Result<IsoDate, DateError> = readSheetDate(dateCell, context.timeZone ? { timeZone: context.timeZone } : {});
      if (read.ok) {
        date = datePart = read.value;
        if (context.today !== undefined && date > context.today) {
          issues.push({
            code: 'future-date',
            field: 'date',
            message: `The visit date ${date} is after today (${context.today} in the org's time zone); a visit is recorded once it is done`,
          });
        }
      } else {
        issues.push({ code: 'bad-date', field: 'date', message: read.error.message });
        datePart = `text:${cellText(dateCell)}`;
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
        issues.push({
          code: 'bad-note-done',
          field: 'noteDone',
          message: `"${cellText(cell(p.cells, 'noteDone'))}" in the note done column (${col.noteDone.columnLetter}) is not yes or no`,
        });
      }
    }

    const therapistPart = namePart(p.therapist);
    const agencyPart = namePart(p.agency);
    const keyOf = (therapistId: string, agencyId: string, d: string, vt: string) =>
      visitKey({ therapistId, agencyId, patientName, date: d, visitType: vt });

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
        return {
          row: p.row,
          outcome: 'duplicate',
          visit,
          duplicateOf: { kind: 'stored', visitId: storedId },
          reason: 'Repeats a visit already recorded: same therapist, agency, patient, date and visit type',
        };
      }
      const earlier = seen.get(key);
      if (earlier?.complete) {
        return {
          row: p.row,
          outcome: 'duplicate',
          visit,
          duplicateOf: { kind: 'row', row: earlier.row },
          reason: `Repeats row ${earlier.row}: same therapist, agency, patient, date and visit type`,
        };
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

    function readVocabulary<T extends string>(
      field: 'discipline' | 'visitType',
      read: (text: string) => Result<T, VocabularyError>,
    ): { value?: T; part?: string } {
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

  const created = (decisions: Map<string, NewNameDecision>) =>
    [...decisions.values()].flatMap((d) => (d.kind === 'create' ? [d.entity] : []));
  return ok({
    header: header.value,
    dataRows: Math.max(0, table.length - header.value.row),
    rows,
    newAgencies: created(agencyDecisions),
    newTherapists: created(therapistDecisions),
  });
}

function possibleDuplicate(row: number): ReviewIssue {
  return {
    code: 'possible-duplicate',
    message: `Looks like a repeat of row ${row}: same therapist, agency, patient, date and visit type as typed`,
  };
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

/** The fields a visit table has, and the problems a row can have with them. */
export const IMPORT_FIELDS = ['therapist', 'date', 'agency', 'patient', 'mrn', 'discipline', 'visitType', 'noteDone'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_IMPORT_FIELDS = [
  'therapist',
  'date',
  'agency',
  'patient',
  'discipline',
  'visitType',
] as const satisfies readonly ImportField[];
export type RequiredImportField = (typeof REQUIRED_IMPORT_FIELDS)[number];

export const FIELD_LABELS: Record<ImportField, string> = {
  therapist: 'therapist',
  date: 'visit date',
  agency: 'agency',
  patient: 'patient',
  mrn: 'MRN',
  discipline: 'discipline',
  visitType: 'visit type',
  noteDone: 'note done',
};

export type ReviewIssueCode =
  | 'empty-cell'
  | 'name-proposed'
  | 'unknown-name'
  | 'bad-mapping'
  | 'bad-date'
  | 'future-date'
  | 'unknown-discipline'
  | 'unknown-visit-type'
  | 'ambiguous-visit-type'
  | 'bad-note-done'
  | 'missing-bill-rate'
  | 'missing-pay-rate'
  | 'possible-duplicate';

export type ReviewIssue = { code: ReviewIssueCode; field?: ImportField; message: string };

export function emptyIssue(field: ImportField, column: string): ReviewIssue {
  return { code: 'empty-cell', field, message: `The ${FIELD_LABELS[field]} cell is empty (column ${column})` };
}

/** Import of an owner's legacy visit table (pipeline.ts), with the types its callers read. */
export {
  IMPORT_FIELDS,
  REQUIRED_IMPORT_FIELDS,
  type ImportField,
  type RequiredImportField,
  type ReviewIssue,
  type ReviewIssueCode,
} from './fields.ts';
export type { ColumnMapping, HeaderInfo, ImportError } from './header.ts';
export type { EntityRef, ImportProposal, NewEntity } from './name-resolution.ts';
export type { SkipReason } from './row-cells.ts';
export {
  importLegacyVisits,
  summarizeImport,
  type DuplicateOf,
  type ImportContext,
  type ImportedVisit,
  type ImportReport,
  type ImportResult,
  type ImportSummary,
  type RowOutcome,
} from './pipeline.ts';
export { ratesToStore, type RateChangeNames } from './rate-changes.ts';

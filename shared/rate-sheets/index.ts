/** The owner's rate sheets, read from plain 2D arrays of cell values (Sheets' getValues() or a CSV parser). */
export {
  parseRateHeader,
  type RateCell,
  type RateHeader,
  type RateHeaderError,
  type RateSheetError,
  type RateSheetErrorCode,
  type RateSheetOptions,
  type RateSheetReading,
  type RateSheetTable,
  type SkippedRow,
} from './sheet.ts';
export { readAgencyRateMatrix, type AgencyRateMatrix, type AgencyRateRecord } from './agency-matrix.ts';
export { readTherapistPaySheet, type TherapistPayRecord, type TherapistPaySheet } from './therapist-pay.ts';

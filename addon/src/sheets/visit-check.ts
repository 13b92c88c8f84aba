/**
 * Checks the Visits tab with the shared importer, the same code that reads a legacy tab:
 * an unknown therapist or agency, a bad date, a missing rate or a duplicate is written
 * on its row before any invoice. Pure: values in, one status per row out.
 */
import { cellText } from '../../../shared/cells.ts';
import { importLegacyVisits, type ImportedVisit, type RowOutcome } from '../../../shared/import/index.ts';
import type { Vocabulary } from '../../../shared/vocabulary.ts';
import type { SheetDirectory } from './directory.ts';
import type { Table } from './io.ts';
import { VISIT_COL } from './layout.ts';

export type VisitCheck = {
  /** 1-based sheet row. */
  row: number;
  clientId: string;
  /** What the Status column says: "OK", or every problem in plain words. */
  status: string;
  /** Set when the row can go to the service (names, not ids: the caller maps them). */
  visit?: ImportedVisit;
};

const STATUS_OK = 'OK';

function statusOf(outcome: RowOutcome): string {
  switch (outcome.outcome) {
    case 'visit':
      return STATUS_OK;
    case 'duplicate':
      return outcome.duplicateOf.kind === 'row'
        ? `Duplicate of row ${outcome.duplicateOf.row}: same therapist, agency, patient, date and visit type`
        : outcome.reason;
    case 'needs-review':
      return outcome.reasons.join('; ');
    case 'skipped':
      return '';
  }
}

/**
 * One check per data row of the Visits tab (row 2 on), blank rows included with an empty status.
 * `today` (in the sheet's zone): a visit dated after it needs review.
 */
export function checkVisits(visits: Table, dir: SheetDirectory, vocabulary: Vocabulary, timeZone: string, today?: string): VisitCheck[] {
  if (visits.length < 2) return [];
  const report = importLegacyVisits(visits, {
    vocabulary,
    agencies: dir.agencyEntries,
    therapists: dir.therapistEntries,
    rates: dir.rateBook,
    unknownNames: 'review',
    timeZone,
    ...(today === undefined ? {} : { today }),
  });
  if (!report.ok) throw new Error(`The Visits tab's header row was changed: ${report.error.message}`, { cause: { code: 'visits-header' } });
  const byRow = new Map(report.value.rows.map((r) => [r.row, r]));
  return visits.slice(1).map((cells, i) => {
    const row = i + 2;
    const outcome = byRow.get(row);
    const clientId = cellText(cells[VISIT_COL['Visit ID']]);
    if (!outcome) return { row, clientId, status: '' };
    return { row, clientId, status: statusOf(outcome), ...(outcome.outcome === 'visit' ? { visit: outcome.visit } : {}) };
  });
}

/**
 * The installable onFormSubmit trigger: under the document lock, the response becomes a
 * Visits row (once: a replay finds its Visit ID), the row is checked like any typed row,
 * and a valid visit goes to the service at once. When the service cannot be reached the
 * row stays, marked, and the next Sync sends it.
 */
import { cellText } from '../../../shared/cells.ts';
import { calendarDayIn } from '../../../shared/dates.ts';
import { nameKey } from '../../../shared/names.ts';
import { connection, DEFAULT_RATES_FROM, readConfig } from '../config.ts';
import { sheetVocabulary } from '../vocabulary.ts';
import { callOne, explain } from '../service-client/client.ts';
import { readDirectory } from '../sheets/directory.ts';
import { asText, readSheet, tabsOf, writeColumn, writeRows } from '../sheets/io.ts';
import { TAB, VISIT_COL } from '../sheets/layout.ts';
import { checkVisits } from '../sheets/visit-check.ts';
import { readDirectoryTables, SYNC_TEXT, syncText, visitPayload } from '../actions/sync.ts';
import { formVisitId, visitRowFromResponse } from './responses.ts';

export type SubmitOutcome = { visitId: string; status: string; sync: string; replay: boolean };

export function handleFormSubmit(e: GoogleAppsScript.Events.SheetsOnFormSubmit): SubmitOutcome {
  const lock = LockService.getDocumentLock();
  // A trigger cannot ask anyone to wait: it waits up to 5 minutes (inside the 6-minute limit), then fails loudly; Sync catches the row up.
  lock.waitLock(300_000);
  try {
    const responseSheet = e.range.getSheet();
    const book = responseSheet.getParent();
    const sheets = tabsOf(book);
    const visitsSheet = sheets.get(TAB.visits);
    if (!visitsSheet)
      throw new Error('A form response arrived but the sheet has no Visits tab; run Set up.', { cause: { code: 'no-visits-tab' } });
    const config = readConfig();
    const row = e.range.getRow();
    const visitId = formVisitId(responseSheet.getSheetId(), row);
    const tables = readDirectoryTables(sheets);
    const vocabulary = sheetVocabulary(config);
    const dir = readDirectory(tables, vocabulary, config.ratesFrom ?? DEFAULT_RATES_FROM);

    let visits = readSheet(visitsSheet);
    const at = visits.findIndex((r, i) => i > 0 && cellText(r[0]) === visitId);
    const replay = at > 0;
    if (!replay) {
      const answers = Object.fromEntries(Object.entries(e.namedValues).map(([k, v]) => [k, v[0] ?? '']));
      const newRow = visitRowFromResponse(answers, visitId, row, dir.therapists);
      writeRows(visitsSheet, visits.length + 1, [newRow], visits[0]!.length);
      visits = [...visits, newRow];
    }
    const index = replay ? at : visits.length - 1;
    const timeZone = book.getSpreadsheetTimeZone();
    const checks = checkVisits(visits, dir, vocabulary, timeZone, calendarDayIn(new Date(), timeZone));
    writeColumn(
      visitsSheet,
      VISIT_COL.Status + 1,
      checks.map((c) => c.status),
    );
    const check = checks[index - 1]!;

    let sync: string = SYNC_TEXT.fixFirst;
    const conn = connection(config);
    if (check.visit && conn) {
      const agencyId = dir.agencies.find((a) => nameKey(a.name) === nameKey(check.visit!.agency.name))?.serviceId;
      const therapistId = dir.therapists.find((t) => nameKey(t.name) === nameKey(check.visit!.therapist.name))?.serviceId;
      if (!agencyId || !therapistId) sync = 'Not sent: the agency or therapist is new. Run Sync';
      else {
        const answer = callOne(conn, {
          route: 'upsertVisits',
          body: { visits: [visitPayload(visitId, check.visit, agencyId, therapistId)] },
        });
        if (answer.ok) sync = syncText(answer.body.rows[0]!);
        else sync = answer.kind === 'unreachable' ? SYNC_TEXT.unreachable : `Not sent: ${explain(answer, conn)}`;
      }
    } else if (check.visit) sync = 'Not sent: the sheet is not connected. Open Set up';
    visitsSheet.getRange(index + 1, VISIT_COL.Sync + 1).setValue(asText(sync));
    return { visitId, status: check.status, sync, replay };
  } finally {
    lock.releaseLock();
  }
}

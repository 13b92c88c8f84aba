/**
 * Sync: the sheet's inputs to the service. Agencies and therapists first (their ids come
 * back into the ID columns), then rates and the visits that pass the check, keyed by their
 * Visit ID so a repeat changes nothing. Every visit row gets its Status and Sync cells.
 */
import { cellText } from '../../../shared/cells.ts';
import { cycleRuleText } from '../../../shared/cycles.ts';
import { calendarDayIn } from '../../../shared/dates.ts';
import { nameKey } from '../../../shared/names.ts';
import type { CycleRule, PatientIdentifier } from '../../../shared/schemas.ts';
import { connection, DEFAULT_RATES_FROM, readConfig, type Config, type Connection } from '../config.ts';
import { ensureForm } from '../form/form.ts';
import { formVisitId, responsesOf, visitRowFromResponse } from '../form/responses.ts';
import { callOne, callService, explain, type ServiceCall, type ServiceFailure } from '../service-client/client.ts';
import { billingCycleColumn, idsByName, readDirectory, readTherapists, type SheetDirectory } from '../sheets/directory.ts';
import { activeBook, readSheet, sameTable, tabsOf, writeColumn, writeRows, type Table } from '../sheets/io.ts';
import { readSentVisitIds, writeSentVisitIds } from '../sheets/sent-visits.ts';
import { TAB, VISIT_COL } from '../sheets/layout.ts';
import { checkVisits, type VisitCheck } from '../sheets/visit-check.ts';
import { refreshLists } from '../sheets/tabs.ts';
import { rememberVocabulary, sheetVocabulary } from '../vocabulary.ts';
import { ratesToSend } from './rate-changes.ts';
import { writeReceivablesTab } from './receivables.ts';
import { failed, withDocumentLock, type ActionResult } from './result.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** The service takes up to 10,000 visits per request; all batches go out in one fetchAll. */
const VISIT_BATCH = 10_000;

export const SYNC_TEXT = {
  sent: 'Sent',
  fixFirst: 'Not sent: fix the Status first',
  unreachable: 'Not sent: service unreachable. Sync again',
  withdrawn: 'Not sent: fix the Status first. Withdrawn from VisitLedger until then, so no close bills it',
  locked: 'Locked: billed (on an issued invoice, corrected by a void or a credit note; or settled before VisitLedger)',
} as const;

/** `config`: the document properties, read once per action. */
export type SyncContext = { book: Book; sheets: Map<string, Sheet>; conn: Connection; timeZone: string; ratesFrom: string; config: Config };

export function syncNow(): ActionResult {
  return withDocumentLock('Sync', () => {
    const book = activeBook();
    const sheets = tabsOf(book);
    const config = readConfig();
    const conn = connection(config);
    if (!sheets.has(TAB.visits)) return failed('Sync', 'This sheet has no Visits tab yet.', 'Open Set up / Import first.');
    if (!conn) return failed('Sync', 'The sheet is not connected to the VisitLedger service.', 'Open Set up and enter the org id.');
    const ctx: SyncContext = {
      book,
      sheets,
      conn,
      timeZone: book.getSpreadsheetTimeZone(),
      ratesFrom: config.ratesFrom ?? DEFAULT_RATES_FROM,
      config,
    };
    // Each tab read once for the whole action: the catch-up, the sync and the form share these tables.
    const read = { tables: readDirectoryTables(sheets), visits: readSheet(sheets.get(TAB.visits)!) };
    const caughtUp = catchUpResponses(sheets, read.visits, read.tables.therapists);
    const result = syncSheet(ctx, read);
    ensureForm(book, sheets, sheetVocabulary(config), read.tables, config);
    if (caughtUp > 0) result.lines.unshift(`${caughtUp} form response${caughtUp === 1 ? '' : 's'} added to the Visits tab.`);
    return result;
  });
}

/** Form responses whose trigger never ran (quota, a deleted trigger) are added here, so none is lost; also to `visits`, the tab as held. */
function catchUpResponses(sheets: Map<string, Sheet>, visits: Table, therapistTable: Table): number {
  const responses = [...sheets.values()].find((s) => s.getFormUrl() !== null);
  if (!responses) return 0;
  const visitsSheet = sheets.get(TAB.visits)!;
  const have = new Set(visits.slice(1).map((r) => cellText(r[0])));
  const therapists = readTherapists(therapistTable);
  const rows = responsesOf(readSheet(responses))
    .map((r) => ({ ...r, id: formVisitId(responses.getSheetId(), r.row) }))
    .filter((r) => !have.has(r.id))
    .map((r) => visitRowFromResponse(r.answers, r.id, r.row, therapists));
  writeRows(visitsSheet, visits.length + 1, rows);
  visits.push(...rows);
  return rows.length;
}

export function readDirectoryTables(sheets: Map<string, Sheet>) {
  const read = (name: string) => (sheets.has(name) ? readSheet(sheets.get(name)!) : []);
  return { agencies: read(TAB.agencies), therapists: read(TAB.therapists), rates: read(TAB.rates), payRates: read(TAB.payRates) };
}

/**
 * Sync with the lock held: also what Generate invoices runs first, so every row is checked before billing.
 * `read`: the tabs as the action already holds them; read here when not given.
 */
export function syncSheet(ctx: SyncContext, read?: { tables: ReturnType<typeof readDirectoryTables>; visits: Table }): ActionResult {
  const { sheets, conn } = ctx;
  const visitsSheet = sheets.get(TAB.visits)!;
  const tables = read?.tables ?? readDirectoryTables(sheets);
  const visits = read?.visits ?? readSheet(visitsSheet);
  assignVisitIds(visitsSheet, visits);
  // Checked with the vocabulary the sheet has; again below if the org's settings changed it.
  let vocabulary = sheetVocabulary(ctx.config);
  let dir = readDirectory(tables, vocabulary, ctx.ratesFrom);
  const today = calendarDayIn(new Date(), ctx.timeZone);
  let checks = checkVisits(visits, dir, vocabulary, ctx.timeZone, today);

  const writeVisitColumns = (sync: string[]) => {
    const status = checks.map((c) => c.status);
    if (
      !sameTable(
        visits.slice(1).map((r) => [r[VISIT_COL.Status] ?? '']),
        status.map((s) => [s]),
      )
    )
      writeColumn(visitsSheet, VISIT_COL.Status + 1, status);
    if (
      !sameTable(
        visits.slice(1).map((r) => [r[VISIT_COL.Sync] ?? '']),
        sync.map((s) => [s]),
      )
    )
      writeColumn(visitsSheet, VISIT_COL.Sync + 1, sync);
  };
  const notSent = (why: string) => checks.map((c) => (c.visit ? why : c.status === '' ? '' : SYNC_TEXT.fixFirst));
  const stop = (answer: ServiceFailure): ActionResult => {
    writeVisitColumns(notSent(answer.kind === 'unreachable' ? SYNC_TEXT.unreachable : `Not sent: ${answer.message}`));
    return failed(
      'Sync',
      explain(answer, conn),
      answer.kind === 'unreachable' ? 'Your rows are safe in the sheet; run Sync again when the service is back.' : undefined,
    );
  };

  // Receivables in the same fetchAll: what agencies owe does not depend on the visits sent below.
  const [org, agencies, therapistsSent, storedRates, receivables] = callService(conn, [
    { route: 'getOrg' },
    { route: 'upsertAgencies', body: { agencies: dir.agencies.map(agencyPayload) } },
    { route: 'upsertTherapists', body: { therapists: dir.therapists.map(therapistPayload) } },
    { route: 'listRates' },
    { route: 'receivables', query: { asOf: today } },
  ]);
  if (!org.ok) return stop(org);
  if (!agencies.ok) return stop(agencies);
  // Past Starter's therapist limit a new Therapists row waits for the upgrade; the therapists VisitLedger has, and their visits, still sync.
  const overLimit = !therapistsSent.ok && therapistsSent.code === 'plan-required' ? explain(therapistsSent, conn) : null;
  const therapists =
    overLimit === null
      ? therapistsSent
      : callOne(conn, { route: 'upsertTherapists', body: { therapists: dir.therapists.filter((t) => t.serviceId).map(therapistPayload) } });
  if (!therapists.ok) return stop(therapists);
  if (!storedRates.ok) return stop(storedRates);
  if (rememberVocabulary(org.body.settings, ctx.config)) {
    vocabulary = sheetVocabulary(ctx.config);
    dir = readDirectory(tables, vocabulary, ctx.ratesFrom);
    checks = checkVisits(visits, dir, vocabulary, ctx.timeZone, today);
  }
  if (sheets.has(TAB.lists)) refreshLists(sheets.get(TAB.lists)!, vocabulary);
  const agencyIds = idsByName(agencies.body.agencies);
  const therapistIds = idsByName(therapists.body.therapists);
  writeIds(sheets.get(TAB.agencies)!, tables.agencies, agencyIds);
  writeBlankCycles(sheets.get(TAB.agencies)!, tables.agencies, agencies.body.agencies);
  writeIds(sheets.get(TAB.therapists)!, tables.therapists, therapistIds);
  if (receivables.ok) writeReceivablesTab(ctx.book, sheets, receivables.body);

  const waitsForPlan = (therapistName: string) => overLimit !== null && !therapistIds.has(nameKey(therapistName));
  const held = new Set(checks.filter((c) => c.visit && waitsForPlan(c.visit.therapist.name)).map((c) => c.clientId));
  const sendable = checks.filter(
    (c): c is VisitCheck & { visit: NonNullable<VisitCheck['visit']> } => c.visit !== undefined && !held.has(c.clientId),
  );
  const idOf = (ids: Map<string, string>, name: string) => ids.get(nameKey(name))!;
  const namesOf = (list: readonly { id: string; name: string }[]) => new Map(list.map((e) => [e.id, e.name]));
  const agencyNames = namesOf(agencies.body.agencies);
  const therapistNames = namesOf(therapists.body.therapists);
  const rates = ratesToSend(
    {
      billRates: dir.billRates.map((r) => ({ ...r, agencyId: idOf(agencyIds, r.agencyId) })),
      payRates: dir.payRates
        .filter((r) => !waitsForPlan(r.therapistId))
        .map((r) => ({
          ...r,
          therapistId: idOf(therapistIds, r.therapistId),
          ...(r.agencyId ? { agencyId: idOf(agencyIds, r.agencyId) } : {}),
        })),
    },
    storedRates.body,
    {
      today,
      ratesFrom: ctx.ratesFrom,
      names: {
        agency: (id) => agencyNames.get(id) ?? id,
        therapist: (id) => therapistNames.get(id) ?? id,
        visitType: (code) => vocabulary.visitTypeLabel(code),
      },
    },
  );
  const requests: ServiceCall<'putBillRates' | 'putPayRates' | 'upsertVisits' | 'withdrawVisits'>[] = [
    ...(rates.billRates.length > 0 ? [{ route: 'putBillRates' as const, body: { rates: rates.billRates } }] : []),
    ...(rates.payRates.length > 0 ? [{ route: 'putPayRates' as const, body: { rates: rates.payRates } }] : []),
  ];
  for (let i = 0; i < sendable.length; i += VISIT_BATCH) {
    requests.push({
      route: 'upsertVisits',
      body: {
        visits: sendable
          .slice(i, i + VISIT_BATCH)
          .map((c) => visitPayload(c.clientId, c.visit, idOf(agencyIds, c.visit.agency.name), idOf(therapistIds, c.visit.therapist.name))),
      },
    });
  }
  // What this sheet sent before and does not send now (a row deleted, or one that stopped
  // passing the check) is withdrawn: otherwise the next close would bill it.
  const sentBefore = readSentVisitIds(sheets);
  const sendingNow = new Set(sendable.map((c) => c.clientId));
  const toWithdraw = [...sentBefore].filter((id) => !sendingNow.has(id));
  for (let i = 0; i < toWithdraw.length; i += VISIT_BATCH) {
    requests.push({ route: 'withdrawVisits', body: { clientIds: toWithdraw.slice(i, i + VISIT_BATCH) } });
  }
  const answers = callService(conn, requests);
  const refused = answers.find((a): a is ServiceFailure => !a.ok);
  if (refused) return stop(refused);

  const byClientId = new Map<string, { status: string; problems: { message: string }[] }>();
  const withdrawal = new Map<string, string>();
  for (const a of answers) {
    if (a.ok && a.route === 'upsertVisits') for (const row of a.body.rows) byClientId.set(row.clientId, row);
    if (a.ok && a.route === 'withdrawVisits') for (const row of a.body.rows) withdrawal.set(row.clientId, row.status);
  }
  const withdrawnIds = [...withdrawal].filter(([, status]) => status === 'withdrawn').map(([id]) => id);
  const stayingIds = [...withdrawal].filter(([, status]) => status === 'locked').map(([id]) => id);
  // Billed or paid, a visit stays in VisitLedger and in the list: once its invoice is voided, the next Sync withdraws it.
  writeSentVisitIds(ctx.book, sheets, new Set([...sendingNow, ...stayingIds]), sentBefore);

  const sync = checks.map((c) => {
    if (held.has(c.clientId)) return `Not sent: ${overLimit}`;
    const answer = c.visit ? byClientId.get(c.clientId) : undefined;
    if (!answer) return c.status === '' ? '' : withdrawal.get(c.clientId) === 'withdrawn' ? SYNC_TEXT.withdrawn : SYNC_TEXT.fixFirst;
    return syncText(answer);
  });
  writeVisitColumns(sync);

  const count = (s: string) => [...byClientId.values()].filter((a) => a.status === s).length;
  const toFix = checks.filter((c) => !c.visit && c.status !== '').length;
  return {
    ok: true,
    title: 'Sync',
    lines: [
      `${dir.agencies.length} agencies, ${dir.therapists.length} therapists, ${rates.billRates.length} bill rates and ${rates.payRates.length} pay rates sent (new or changed).`,
      ...rates.changes,
      `Visits: ${count('created')} new, ${count('updated')} changed, ${count('unchanged')} unchanged, ${count('locked')} locked as billed.`,
      ...(toFix > 0 ? [`${toFix} visit row${toFix === 1 ? '' : 's'} not sent: see the Status column on the Visits tab.`] : []),
      ...(overLimit !== null
        ? [`New therapists not added, and their ${held.size} visit row${held.size === 1 ? '' : 's'} not sent: ${overLimit}`]
        : []),
      ...withdrawalLines(withdrawnIds, stayingIds),
      ...(receivables.ok ? [] : [`The Receivables tab was not refreshed: ${explain(receivables, conn)}`]),
      ...dir.agencies.flatMap((a) => (a.billingCycleProblem ? [a.billingCycleProblem] : [])),
      ...dir.rateProblems,
    ],
    ...(toFix > 0 ? { next: 'Fix the rows whose Status is not OK, then Sync again.' } : {}),
  };
}

/** One visit as the visits route takes it: Sync's batches and the form's single row. */
export function visitPayload(clientId: string, visit: NonNullable<VisitCheck['visit']>, agencyId: string, therapistId: string) {
  return {
    clientId,
    agencyId,
    therapistId,
    patient: visit.patient,
    date: visit.date,
    discipline: visit.discipline,
    visitType: visit.visitType,
    noteDone: visit.noteDone ?? false,
  };
}

/** The Sync cell for a row the service answered. */
export function syncText(answer: { status: string; problems: readonly { message: string }[] }): string {
  if (answer.status === 'locked') return SYNC_TEXT.locked;
  return answer.problems.length > 0
    ? `${SYNC_TEXT.sent}; the service notes: ${answer.problems.map((p) => p.message).join('; ')}`
    : SYNC_TEXT.sent;
}

/** What Sync tells the owner about visits it withdrew, or could not. */
function withdrawalLines(withdrawn: readonly string[], staying: readonly string[]): string[] {
  const lines: string[] = [];
  const visits = (n: number) => `${n} visit${n === 1 ? '' : 's'}`;
  if (withdrawn.length > 0) {
    lines.push(
      `${visits(withdrawn.length)} deleted from the Visits tab, or no longer passing the check, withdrawn from VisitLedger: no close bills or pays ${withdrawn.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (staying.length > 0) {
    const shown = staying.slice(0, 5).join(', ') + (staying.length > 5 ? `, and ${staying.length - 5} more` : '');
    lines.push(
      `${visits(staying.length)} deleted from the Visits tab, or no longer passing the check, ${staying.length === 1 ? 'is' : 'are'} already billed or paid and stay${staying.length === 1 ? 's' : ''} in VisitLedger: void the invoice or issue a credit note to correct ${staying.length === 1 ? 'it' : 'them'} (Visit ID ${shown}).`,
    );
  }
  return lines;
}

/** A row typed without a Visit ID gets one now: one getUuid() per sync, not per row. */
function assignVisitIds(sheet: Sheet, visits: Table): void {
  const missing = visits.slice(1).some((r) => cellText(r[0]) === '' && r.slice(1).some((c) => cellText(c) !== ''));
  if (!missing) return;
  const prefix = `S${Utilities.getUuid().slice(0, 8)}`;
  const ids = visits.slice(1).map((r, i) => {
    if (cellText(r[0]) !== '' || r.slice(1).every((c) => cellText(c) === '')) return r[0] ?? '';
    const id = `${prefix}.${i + 2}`;
    r[0] = id;
    return id;
  });
  writeColumn(sheet, 1, ids);
}

function agencyPayload(a: SheetDirectory['agencies'][number]) {
  return {
    ...(a.serviceId ? { id: a.serviceId } : {}),
    name: a.name,
    aliases: a.aliases,
    active: a.active,
    ...(a.contactEmail ? { contactEmail: a.contactEmail } : {}),
    ...(a.termsDays !== null ? { termsDays: a.termsDays } : {}),
    // The cell's text as typed: the service names one it does not know (400, naming the row).
    ...(a.patientIdentifier ? { patientIdentifier: a.patientIdentifier as PatientIdentifier } : {}),
    ...(a.billingCycle ? { billingCycle: a.billingCycle } : {}),
  };
}

function therapistPayload(t: SheetDirectory['therapists'][number]) {
  return {
    ...(t.serviceId ? { id: t.serviceId } : {}),
    name: t.name,
    aliases: t.aliases,
    disciplines: t.disciplines,
    active: t.active,
    ...(t.email ? { email: t.email } : {}),
  };
}

/** A blank Billing Cycle cell shows the cycle VisitLedger has (the owner changes it there); written only when one was blank. */
function writeBlankCycles(sheet: Sheet, table: Table, agencies: readonly { name: string; billingCycle: CycleRule }[]): void {
  const at = billingCycleColumn(table);
  if (at < 0) return;
  const byName = new Map(agencies.map((a) => [nameKey(a.name), a.billingCycle]));
  const column = table.slice(1).map((r) => {
    const current = cellText(r[at]);
    const service = cellText(r[1]) === '' ? undefined : byName.get(nameKey(cellText(r[1])));
    return current === '' && service ? cycleRuleText(service) : current;
  });
  if (
    !sameTable(
      table.slice(1).map((r) => [cellText(r[at])]),
      column.map((c) => [c]),
    )
  )
    writeColumn(sheet, at + 1, column);
}

/** The service's ids into column A, written only when one changed. */
function writeIds(sheet: Sheet, table: Table, ids: Map<string, string>): void {
  const column = table.slice(1).map((r) => (cellText(r[1]) === '' ? cellText(r[0]) : (ids.get(nameKey(cellText(r[1]))) ?? cellText(r[0]))));
  if (
    !sameTable(
      table.slice(1).map((r) => [cellText(r[0])]),
      column.map((c) => [c]),
    )
  )
    writeColumn(sheet, 1, column);
}

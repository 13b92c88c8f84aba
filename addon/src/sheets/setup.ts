/** Set up / Import: the adapter around setup-plan.ts. The owner's own tabs are only ever read. */
import { calendarDayIn } from '../../../shared/dates.ts';
import type { Vocabulary } from '../../../shared/vocabulary.ts';
import { sheetVocabulary } from '../vocabulary.ts';
import { DEFAULT_RATES_FROM, readConfig } from '../config.ts';
import { ensureForm } from '../form/form.ts';
import { readDirectory } from './directory.ts';
import { activeBook, isEmptyTable, readSheet, sameTable, writeColumn, writeRows, type Table } from './io.ts';
import { layouts, TAB, VISIT_COL } from './layout.ts';
import { planSetUp, previewSetUpPlan, type LegacyTab, type SetUpChoice, type SetUpPreview } from './setup-plan.ts';
import { applyColumnLook, ensureNamedRanges, ensureTab, refreshLists } from './tabs.ts';
import { checkVisits } from './visit-check.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

type Survey = { ours: Map<string, { sheet: Sheet; values: Table }>; legacy: LegacyTab[]; conflicts: string[] };

/**
 * Every tab read once and sorted: ours (a structured tab's name and header), the form's
 * responses, and the owner's own. An owner's tab that already has one of our names (Sheets
 * compares names without case) is a conflict: Set up never writes into it.
 */
function survey(book: GoogleAppsScript.Spreadsheet.Spreadsheet, vocabulary: Vocabulary): Survey {
  const headers = new Map(layouts(vocabulary).map((l) => [l.name.toLowerCase(), l]));
  const result: Survey = { ours: new Map(), legacy: [], conflicts: [] };
  for (const sheet of book.getSheets()) {
    if (sheet.getFormUrl() !== null) continue;
    const name = sheet.getName();
    const values = readSheet(sheet);
    const layout = headers.get(name.toLowerCase());
    if (layout && layout.name === name && layout.header.every((h, i) => String(values[0]?.[i] ?? '') === h)) {
      result.ours.set(layout.name, { sheet, values });
      continue;
    }
    if (layout) result.conflicts.push(name);
    result.legacy.push({ name, sheetId: sheet.getSheetId(), values });
  }
  return result;
}

const conflictMessage = (names: readonly string[]) =>
  `Your tab${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? 'has a name' : 'have names'} VisitLedger needs for its own tabs. Rename ${names.length === 1 ? 'it' : 'them'} (for example "${names[0]} (old)") and run Set up again; Set up never writes into your tabs.`;

const tableOf = (found: Survey, name: string): Table => found.ours.get(name)?.values ?? [];

function planOptions(book: GoogleAppsScript.Spreadsheet.Spreadsheet) {
  const config = readConfig();
  return {
    vocabulary: sheetVocabulary(config),
    timeZone: book.getSpreadsheetTimeZone(),
    ratesFrom: config.ratesFrom ?? DEFAULT_RATES_FROM,
    // A visit dated after today needs review, in Set up as in Sync and the form.
    today: calendarDayIn(new Date(), book.getSpreadsheetTimeZone()),
    config,
  };
}

export function previewSetUp(choice: Partial<SetUpChoice> | null): SetUpPreview {
  const book = activeBook();
  const options = planOptions(book);
  const found = survey(book, options.vocabulary);
  const preview = previewSetUpPlan(
    found.legacy,
    { agencies: tableOf(found, TAB.agencies), therapists: tableOf(found, TAB.therapists) },
    choice,
    options,
  );
  return found.conflicts.length > 0 ? { ...preview, problem: conflictMessage(found.conflicts) } : preview;
}

export type SetUpResult = {
  written: string[];
  created: string[];
  visitsAdded: number;
  agenciesAdded: number;
  therapistsAdded: number;
  rowsToReview: number;
  formUrl: string | null;
  message: string;
};

export function applySetUp(choice: SetUpChoice): SetUpResult {
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(30_000))
    throw new Error('Another VisitLedger action is running on this sheet. Wait a minute and run Set up again.', {
      cause: { code: 'busy' },
    });
  try {
    return applyLocked(choice);
  } finally {
    lock.releaseLock();
  }
}

function applyLocked(choice: SetUpChoice): SetUpResult {
  const book = activeBook();
  const options = planOptions(book);
  const found = survey(book, options.vocabulary);
  if (found.conflicts.length > 0) throw new Error(conflictMessage(found.conflicts), { cause: { code: 'tab-name-taken' } });
  const tabs = new Map([...found.ours].map(([name, t]) => [name, t.sheet]));
  const plan = planSetUp(
    found.legacy,
    { agencies: tableOf(found, TAB.agencies), therapists: tableOf(found, TAB.therapists), visits: tableOf(found, TAB.visits) },
    choice,
    options,
  );

  const created: string[] = [];
  const written: string[] = [];
  const all = layouts(options.vocabulary);
  const sheets = new Map<string, Sheet>();
  for (const layout of all) {
    const { sheet, created: isNew } = ensureTab(book, tabs, layout);
    sheets.set(layout.name, sheet);
    if (isNew) created.push(layout.name);
  }
  // The survey read the Lists tab already; a tab created just now has no rows.
  const listRows = created.includes(TAB.lists) ? [] : tableOf(found, TAB.lists).slice(1);
  if (refreshLists(sheets.get(TAB.lists)!, options.vocabulary, listRows)) written.push(TAB.lists);
  ensureNamedRanges(book, sheets);
  for (const layout of all) if (created.includes(layout.name)) applyColumnLook(book, sheets.get(layout.name)!, layout);

  // What each tab holds after this run, kept in memory: no tab is read back after it is written.
  const headers = new Map(all.map((l) => [l.name, l.header]));
  const now = new Map<string, Table>();
  const current = (name: string): Table => now.get(name) ?? (created.includes(name) ? [headers.get(name)!] : tableOf(found, name));
  const append = (name: string, rows: Table) => {
    if (rows.length === 0) return;
    const before = current(name);
    writeRows(sheets.get(name)!, before.length + 1, rows);
    now.set(name, [...before, ...rows]);
    written.push(name);
  };
  append(TAB.agencies, plan.agencies);
  append(TAB.therapists, plan.therapists);
  // Rate tabs are the owner's once written: only an empty one is filled.
  if (current(TAB.rates).length <= 1) append(TAB.rates, plan.rates);
  if (current(TAB.payRates).length <= 1) append(TAB.payRates, plan.payRates);
  append(TAB.visits, plan.visits);

  // The Status column: the same check Sync and the form run, written only where it changed.
  const visitsSheet = sheets.get(TAB.visits)!;
  const visits = current(TAB.visits);
  const dir = readDirectory(
    { agencies: current(TAB.agencies), therapists: current(TAB.therapists), rates: current(TAB.rates), payRates: current(TAB.payRates) },
    options.vocabulary,
    options.ratesFrom,
  );
  const checks = checkVisits(isEmptyTable(visits) ? [] : visits, dir, options.vocabulary, options.timeZone, options.today);
  const statusNow = visits.slice(1).map((r) => r[VISIT_COL.Status] ?? '');
  const statusNew = checks.map((c) => c.status);
  if (
    !sameTable(
      statusNow.map((s) => [s]),
      statusNew.map((s) => [s]),
    )
  ) {
    writeColumn(visitsSheet, VISIT_COL.Status + 1, statusNew);
    if (!written.includes(TAB.visits)) written.push(TAB.visits);
  }

  const form = ensureForm(
    book,
    sheets,
    options.vocabulary,
    { agencies: current(TAB.agencies), therapists: current(TAB.therapists) },
    options.config,
  );
  const toReview = checks.filter((c) => c.status !== '' && c.status !== 'OK').length;
  const changedNothing = created.length === 0 && written.length === 0 && !form.changed;
  return {
    written,
    created,
    visitsAdded: plan.visits.length,
    agenciesAdded: plan.agencies.length,
    therapistsAdded: plan.therapists.length,
    rowsToReview: toReview,
    formUrl: form.url,
    message: changedNothing
      ? 'Everything was already set up; nothing changed.'
      : `Set up wrote ${[...new Set([...created, ...written])].join(', ')}. ${plan.visits.length} visit rows imported; ${toReview} need a look (see the Status column on the Visits tab). Your own tabs were not changed.`,
  };
}

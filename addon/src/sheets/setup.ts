/** Set up / Import: the adapter around setup-plan.ts. The owner's own tabs are only ever read. */
import { buildVocabulary } from '../../../shared/vocabulary.ts';
import { DEFAULT_RATES_FROM, readConfig } from '../config.ts';
import { ensureForm } from '../form/form.ts';
import { readDirectory } from './directory.ts';
import { activeBook, isEmptyTable, readSheet, sameTable, tabsOf, writeColumn, writeRows, type Table } from './io.ts';
import { layouts, listsTable, STRUCTURED_TABS, TAB, VISIT_COL } from './layout.ts';
import { planSetUp, previewSetUpPlan, type LegacyTab, type SetUpChoice, type SetUpPreview } from './setup-plan.ts';
import { ensureNamedRanges, ensureTab, applyColumnLook } from './tabs.ts';
import { checkVisits } from './visit-check.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** The owner's tabs: everything but ours and the form's responses. */
function legacyTabs(tabs: Map<string, Sheet>): LegacyTab[] {
  return [...tabs.values()]
    .filter((s) => !STRUCTURED_TABS.includes(s.getName()) && s.getFormUrl() === null)
    .map((s) => ({ name: s.getName(), sheetId: s.getSheetId(), values: readSheet(s) }));
}

const tableOf = (tabs: Map<string, Sheet>, name: string): Table => {
  const sheet = tabs.get(name);
  return sheet ? readSheet(sheet) : [];
};

function planOptions(book: GoogleAppsScript.Spreadsheet.Spreadsheet) {
  return { vocabulary: buildVocabulary(), timeZone: book.getSpreadsheetTimeZone(), ratesFrom: readConfig().ratesFrom ?? DEFAULT_RATES_FROM };
}

export function previewSetUp(choice: Partial<SetUpChoice> | null): SetUpPreview {
  const book = activeBook();
  const tabs = tabsOf(book);
  return previewSetUpPlan(legacyTabs(tabs), { agencies: tableOf(tabs, TAB.agencies), therapists: tableOf(tabs, TAB.therapists) }, choice, planOptions(book));
}

export type SetUpResult = { written: string[]; created: string[]; visitsAdded: number; agenciesAdded: number; therapistsAdded: number; rowsToReview: number; formUrl: string | null; message: string };

export function applySetUp(choice: SetUpChoice): SetUpResult {
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(30_000)) throw new Error('Another VisitLedger action is running on this sheet. Wait a minute and run Set up again.');
  try {
    return applyLocked(choice);
  } finally {
    lock.releaseLock();
  }
}

function applyLocked(choice: SetUpChoice): SetUpResult {
  const book = activeBook();
  const tabs = tabsOf(book);
  const options = planOptions(book);
  const legacy = legacyTabs(tabs);
  const existing = { agencies: tableOf(tabs, TAB.agencies), therapists: tableOf(tabs, TAB.therapists), visits: tableOf(tabs, TAB.visits) };
  const plan = planSetUp(legacy, existing, choice, options);

  const created: string[] = [];
  const written: string[] = [];
  const all = layouts(options.vocabulary);
  const sheets = new Map<string, Sheet>();
  for (const layout of all) {
    const { sheet, created: isNew } = ensureTab(book, tabs, layout);
    sheets.set(layout.name, sheet);
    if (isNew) created.push(layout.name);
  }
  const lists = listsTable(options.vocabulary);
  const listsSheet = sheets.get(TAB.lists)!;
  const listsNow = created.includes(TAB.lists) ? [] : readSheet(listsSheet).slice(1);
  if (!sameTable(listsNow, lists)) {
    writeRows(listsSheet, 2, lists);
    written.push(TAB.lists);
  }
  ensureNamedRanges(book, sheets, { disciplines: lists.filter((r) => r[0] !== '').length, visitTypes: options.vocabulary.visitTypes.length, identifiers: lists.filter((r) => r[2] !== '').length });
  for (const layout of all) if (created.includes(layout.name)) applyColumnLook(book, sheets.get(layout.name)!, layout);

  const append = (name: string, current: Table, rows: Table) => {
    if (rows.length === 0) return;
    writeRows(sheets.get(name)!, Math.max(current.length, 1) + 1, rows);
    written.push(name);
  };
  append(TAB.agencies, existing.agencies, plan.agencies);
  append(TAB.therapists, existing.therapists, plan.therapists);
  // Rate tabs are the owner's once written: only an empty one is filled.
  const rates = created.includes(TAB.rates) ? [] : readSheet(sheets.get(TAB.rates)!);
  if (rates.length <= 1) append(TAB.rates, rates, plan.rates);
  const payRates = created.includes(TAB.payRates) ? [] : readSheet(sheets.get(TAB.payRates)!);
  if (payRates.length <= 1) append(TAB.payRates, payRates, plan.payRates);
  append(TAB.visits, existing.visits, plan.visits);

  // The Status column: the same check Sync and the form run, written only where it changed.
  const visitsSheet = sheets.get(TAB.visits)!;
  const visits = written.length > 0 || created.length > 0 ? readSheet(visitsSheet) : existing.visits;
  const dir = readDirectory({ agencies: readSheet(sheets.get(TAB.agencies)!), therapists: readSheet(sheets.get(TAB.therapists)!), rates: readSheet(sheets.get(TAB.rates)!), payRates: readSheet(sheets.get(TAB.payRates)!) }, options.vocabulary, options.ratesFrom);
  const checks = checkVisits(isEmptyTable(visits) ? [] : visits, dir, options.vocabulary, options.timeZone);
  const statusNow = visits.slice(1).map((r) => r[VISIT_COL.Status] ?? '');
  const statusNew = checks.map((c) => c.status);
  if (!sameTable(statusNow.map((s) => [s]), statusNew.map((s) => [s]))) {
    writeColumn(visitsSheet, VISIT_COL.Status + 1, statusNew);
    if (!written.includes(TAB.visits)) written.push(TAB.visits);
  }

  const form = ensureForm(book, sheets, options.vocabulary);
  const toReview = checks.filter((c) => c.status !== '' && c.status !== 'OK').length;
  const changedNothing = created.length === 0 && written.length === 0 && !form.changed;
  return {
    written, created, visitsAdded: plan.visits.length, agenciesAdded: plan.agencies.length, therapistsAdded: plan.therapists.length,
    rowsToReview: toReview, formUrl: form.url,
    message: changedNothing
      ? 'Everything was already set up; nothing changed.'
      : `Set up wrote ${[...new Set([...created, ...written])].join(', ')}. ${plan.visits.length} visit rows imported; ${toReview} need a look (see the Status column on the Visits tab). Your own tabs were not changed.`,
  };
}

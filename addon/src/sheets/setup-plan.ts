/**
 * Set up, as pure functions over the tabs' values: find the owner's visit log, rate matrix
 * and pay sheet among their tabs, read them with the shared importer and rate-sheet
 * readers, and plan the structured tabs. Nothing here touches Apps Script.
 */
import { cellText, HEADER_SCAN_ROWS } from '../../../shared/cells.ts';
import { calendarDayIn, formatUsDate } from '../../../shared/dates.ts';
import {
  importLegacyVisits,
  summarizeImport,
  type ImportReport,
  type ImportSummary,
  type RowOutcome,
} from '../../../shared/import/index.ts';
import { centsToDecimalString } from '../../../shared/money.ts';
import { nameKey, normalizeName, type DirectoryEntry } from '../../../shared/names.ts';
import {
  readAgencyRateMatrix,
  readTherapistPaySheet,
  type AgencyRateMatrix,
  type TherapistPaySheet,
} from '../../../shared/rate-sheets/index.ts';
import { buildRateBook } from '../../../shared/rates.ts';
import type { Discipline, Vocabulary } from '../../../shared/vocabulary.ts';
import { idsByName, readAgencies, readTherapists } from './directory.ts';
import type { Cell, Table } from './io.ts';
import { rateColumns, VISIT_COLUMNS } from './layout.ts';

export type LegacyTab = { name: string; sheetId: number; values: Table };

export type TabChoice = { visitsTab: string | null; ratesTab: string | null; payTab: string | null };

/** The owner's answer to each near name: the entry it means, or '' to keep it as a name of its own. */
export type NameAnswers = { agencies: Record<string, string>; therapists: Record<string, string> };

export type SetUpChoice = TabChoice & NameAnswers;

export type NameQuestion = { field: 'agency' | 'therapist'; text: string; options: { name: string; reason: string }[]; rows: number[] };

export type SetUpPreview = {
  tabs: { name: string; kind: 'visits' | 'rates' | 'pay' | 'other'; rows: number }[];
  choice: TabChoice;
  /** The visit log's column mapping as found: for the owner to confirm. */
  mapping: { field: string; column: string; header: string; confidence: number }[];
  unmappedColumns: string[];
  headerRow: number | null;
  questions: NameQuestion[];
  summary: ImportSummary | null;
  /** Rows that need the owner's review, with row numbers and reasons (after the answers given). */
  review: { row: number; reasons: string[] }[];
  rateProblems: string[];
  newAgencies: string[];
  newTherapists: string[];
  problem?: string;
};

/** `ratesFrom`: rate sheets carry no dates, so their rates apply from this day. `today`: the sheet's day; a visit dated after it needs review. */
export type PlanOptions = { vocabulary: Vocabulary; timeZone: string; ratesFrom: string; today?: string };

const tabKind = (tab: LegacyTab, options: PlanOptions) => {
  // The header is among the first rows: a sample decides the kind without reading 50,000 rows twice.
  const sample = tab.values.slice(0, HEADER_SCAN_ROWS + 2);
  const imported = importLegacyVisits(sample, {
    vocabulary: options.vocabulary,
    agencies: [],
    therapists: [],
    unknownNames: 'create',
    timeZone: options.timeZone,
  });
  if (imported.ok && imported.value.dataRows > 0) return 'visits' as const;
  const matrix = readAgencyRateMatrix(sample, { vocabulary: options.vocabulary, effectiveFrom: options.ratesFrom });
  const pay = readTherapistPaySheet(sample, { vocabulary: options.vocabulary, effectiveFrom: options.ratesFrom });
  if (matrix.rates.length > 0 && matrix.rates.length >= pay.rates.length) return 'rates' as const;
  if (pay.rates.length > 0) return 'pay' as const;
  return 'other' as const;
};

function detectTabs(
  tabs: readonly LegacyTab[],
  options: PlanOptions,
): { kinds: Map<string, 'visits' | 'rates' | 'pay' | 'other'>; choice: TabChoice } {
  const kinds = new Map(tabs.map((t) => [t.name, tabKind(t, options)]));
  const first = (k: string) => tabs.find((t) => kinds.get(t.name) === k)?.name ?? null;
  return { kinds, choice: { visitsTab: first('visits'), ratesTab: first('rates'), payTab: first('pay') } };
}

type Legacy = { matrix: AgencyRateMatrix | null; pay: TherapistPaySheet | null; visits: LegacyTab | null };

function readLegacy(tabs: readonly LegacyTab[], choice: TabChoice, options: PlanOptions): Legacy {
  const tab = (name: string | null) => (name === null ? undefined : tabs.find((t) => t.name === name));
  const ratesTab = tab(choice.ratesTab);
  const payTab = tab(choice.payTab);
  const rateOptions = { vocabulary: options.vocabulary, effectiveFrom: options.ratesFrom };
  return {
    matrix: ratesTab ? readAgencyRateMatrix(ratesTab.values, rateOptions) : null,
    pay: payTab ? readTherapistPaySheet(payTab.values, rateOptions) : null,
    visits: tab(choice.visitsTab) ?? null,
  };
}

/** The agencies and therapists Set up knows before reading visits: the structured tabs', then the rate sheets'. */
function knownNames(legacy: Legacy, existing: { agencies: Table; therapists: Table }, answers: NameAnswers) {
  const agencies = new Map<string, DirectoryEntry & { disciplines?: Discipline[] }>();
  const therapists = new Map<string, DirectoryEntry & { disciplines: Discipline[] }>();
  for (const a of readAgencies(existing.agencies)) agencies.set(nameKey(a.name), { id: a.name, name: a.name, aliases: a.aliases });
  for (const t of readTherapists(existing.therapists))
    therapists.set(nameKey(t.name), { id: t.name, name: t.name, aliases: t.aliases, disciplines: t.disciplines });
  for (const name of legacy.matrix?.agencies ?? [])
    if (!agencies.has(nameKey(name))) agencies.set(nameKey(name), { id: name, name, aliases: [] });
  for (const t of legacy.pay?.therapists ?? [])
    if (!therapists.has(nameKey(t.name)))
      therapists.set(nameKey(t.name), { id: t.name, name: t.name, aliases: [], disciplines: t.disciplines });
  // "Keep as its own name": a known name from now on, so the importer matches it exactly.
  for (const [text, target] of Object.entries(answers.agencies))
    if (target === '' && !agencies.has(nameKey(text)))
      agencies.set(nameKey(text), { id: normalizeName(text), name: normalizeName(text), aliases: [] });
  for (const [text, target] of Object.entries(answers.therapists))
    if (target === '' && !therapists.has(nameKey(text)))
      therapists.set(nameKey(text), { id: normalizeName(text), name: normalizeName(text), aliases: [], disciplines: [] });
  return { agencies, therapists };
}

const confirmed = (answers: Record<string, string>) => Object.fromEntries(Object.entries(answers).filter(([, target]) => target !== ''));

/** `withRates`: a visit without a rate needs review (the preview's counts); the write leaves that to the Visits tab's own check. */
function runImport(
  legacy: Legacy,
  names: ReturnType<typeof knownNames>,
  answers: NameAnswers,
  options: PlanOptions,
  withRates: boolean,
): ImportReport | { error: string } | null {
  if (!legacy.visits) return null;
  const agencies = [...names.agencies.values()];
  const therapists = [...names.therapists.values()];
  const agencyIds = idsByName(agencies);
  const therapistIds = idsByName(therapists);
  const rates = buildRateBook(
    (legacy.matrix?.rates ?? []).map((r) => ({
      agencyId: agencyIds.get(nameKey(r.agencyName)) ?? r.agencyName,
      discipline: r.discipline,
      visitType: r.visitType,
      cents: r.cents,
      effectiveFrom: r.effectiveFrom,
    })),
    (legacy.pay?.rates ?? []).flatMap((r) => {
      const therapistId = therapistIds.get(nameKey(r.therapistName)) ?? r.therapistName;
      const agencyId = r.agencyName === undefined ? undefined : (agencyIds.get(nameKey(r.agencyName)) ?? r.agencyName);
      return [
        {
          therapistId,
          ...(agencyId ? { agencyId } : {}),
          discipline: r.discipline,
          visitType: r.visitType,
          cents: r.cents,
          effectiveFrom: r.effectiveFrom,
        },
      ];
    }),
  );
  const report = importLegacyVisits(legacy.visits.values, {
    vocabulary: options.vocabulary,
    agencies,
    therapists,
    unknownNames: 'create',
    timeZone: options.timeZone,
    ...(options.today ? { today: options.today } : {}),
    ...(withRates && (legacy.matrix || legacy.pay) ? { rates } : {}),
    mappings: { agencies: confirmed(answers.agencies), therapists: confirmed(answers.therapists) },
  });
  return report.ok ? report.value : { error: report.error.message };
}

function questionsOf(rows: readonly RowOutcome[]): NameQuestion[] {
  const questions = new Map<string, NameQuestion>();
  for (const r of rows) {
    if (r.outcome !== 'needs-review') continue;
    for (const p of r.proposals) {
      const key = `${p.field}|${nameKey(p.text)}`;
      const q = questions.get(key) ?? { field: p.field, text: p.text, options: [], rows: [] };
      if (!q.options.some((o) => o.name === p.entryName)) q.options.push({ name: p.entryName, reason: p.reason });
      if (!q.rows.includes(r.row)) q.rows.push(r.row);
      questions.set(key, q);
    }
  }
  return [...questions.values()];
}

export function previewSetUpPlan(
  tabs: readonly LegacyTab[],
  existing: { agencies: Table; therapists: Table },
  choice: Partial<SetUpChoice> | null,
  options: PlanOptions,
): SetUpPreview {
  const detected = detectTabs(tabs, options);
  const tabChoice: TabChoice =
    choice?.visitsTab !== undefined || choice?.ratesTab !== undefined || choice?.payTab !== undefined
      ? { visitsTab: choice.visitsTab ?? null, ratesTab: choice.ratesTab ?? null, payTab: choice.payTab ?? null }
      : detected.choice;
  const answers: NameAnswers = { agencies: choice?.agencies ?? {}, therapists: choice?.therapists ?? {} };
  const legacy = readLegacy(tabs, tabChoice, options);
  const names = knownNames(legacy, existing, answers);
  const report = runImport(legacy, names, answers, options, true);
  const rateProblems = [...(legacy.matrix?.errors ?? []), ...(legacy.pay?.errors ?? [])].map((e) => e.message);
  const base = {
    tabs: tabs.map((t) => ({ name: t.name, kind: detected.kinds.get(t.name)!, rows: t.values.length })),
    choice: tabChoice,
    rateProblems,
  };
  if (report === null || 'error' in report) {
    return {
      ...base,
      mapping: [],
      unmappedColumns: [],
      headerRow: null,
      questions: [],
      summary: null,
      review: [],
      newAgencies: [],
      newTherapists: [],
      problem:
        report === null
          ? 'No tab looks like a visit log (a row with columns such as Clinician, Visit Date, HHA, Patient, Discipline, Visit). Pick the tab below, or start with empty tabs.'
          : report.error,
    };
  }
  return {
    ...base,
    mapping: report.header.columns.map((c) => ({ field: c.field, column: c.columnLetter, header: c.header, confidence: c.confidence })),
    unmappedColumns: report.header.unmapped.map((u) => `${u.columnLetter} (${u.header})`),
    headerRow: report.header.row,
    questions: questionsOf(report.rows),
    summary: summarizeImport(report),
    review: report.rows.flatMap((r) => (r.outcome === 'needs-review' ? [{ row: r.row, reasons: r.reasons }] : [])),
    newAgencies: report.newAgencies.map((e) => e.name),
    newTherapists: report.newTherapists.map((e) => e.name),
  };
}

export type SetUpPlan = {
  /** Rows to append to each tab (names not there yet). Rates and Pay Rates: the whole table, used only when the tab is empty. */
  agencies: Cell[][];
  therapists: Cell[][];
  rates: Cell[][];
  payRates: Cell[][];
  visits: Cell[][];
  summary: ImportSummary | null;
};

const dollars = (cents: number) => Number(centsToDecimalString(cents));

/** What Set up writes. `existing` holds the structured tabs' values as they are (empty tables when new). */
export function planSetUp(
  tabs: readonly LegacyTab[],
  existing: { agencies: Table; therapists: Table; visits: Table },
  choice: SetUpChoice,
  options: PlanOptions,
): SetUpPlan {
  const { vocabulary } = options;
  const legacy = readLegacy(tabs, choice, options);
  const names = knownNames(legacy, existing, choice);
  // Without rates: a visit whose rate is missing is still written in canonical form (ISO date, the visit type's label); its Status says what rate is missing.
  const imported = runImport(legacy, names, choice, options, false);
  const report = imported && !('error' in imported) ? imported : null;

  // Agencies and therapists: the ones the tabs lack, with confirmed spellings as aliases.
  const aliases = (answers: Record<string, string>) => {
    const out = new Map<string, string[]>();
    for (const [text, target] of Object.entries(answers)) {
      if (target === '' || nameKey(text) === nameKey(target)) continue;
      out.set(nameKey(target), [...(out.get(nameKey(target)) ?? []), normalizeName(text)]);
    }
    return out;
  };
  const agencyAliases = aliases(choice.agencies);
  const therapistAliases = aliases(choice.therapists);
  const haveAgencies = new Set(readAgencies(existing.agencies).map((a) => nameKey(a.name)));
  const haveTherapists = new Set(readTherapists(existing.therapists).map((t) => nameKey(t.name)));
  const disciplinesSeen = new Map<string, Set<string>>();
  for (const r of report?.rows ?? []) {
    if (r.outcome !== 'visit' && r.outcome !== 'duplicate') continue;
    const set = disciplinesSeen.get(nameKey(r.visit.therapist.name)) ?? new Set<string>();
    set.add(r.visit.discipline);
    disciplinesSeen.set(nameKey(r.visit.therapist.name), set);
  }
  const agencyNames = [...names.agencies.values()].map((a) => a.name).concat(report?.newAgencies.map((e) => e.name) ?? []);
  const agencies = uniqueBy(agencyNames, nameKey)
    .filter((n) => !haveAgencies.has(nameKey(n)))
    // The billing cycle is left blank: Sync fills in the one VisitLedger has (monthly for a new agency).
    .map((n): Cell[] => ['', n, (agencyAliases.get(nameKey(n)) ?? []).join('; '), '', 30, 'name', true, '']);
  const therapistList = [...names.therapists.values()]
    .map((t) => ({ name: t.name, disciplines: t.disciplines as string[] }))
    .concat((report?.newTherapists ?? []).map((e) => ({ name: e.name, disciplines: [] })));
  const therapists = uniqueBy(therapistList, (t) => nameKey(t.name))
    .filter((t) => !haveTherapists.has(nameKey(t.name)))
    .map((t): Cell[] => {
      const disciplines = unique([...t.disciplines, ...(disciplinesSeen.get(nameKey(t.name)) ?? [])]);
      return ['', t.name, (therapistAliases.get(nameKey(t.name)) ?? []).join('; '), '', disciplines.join(', '), true, ''];
    });

  // Rates as a matrix, and pay rates one row per therapist, discipline and agency.
  const columns = rateColumns(vocabulary);
  const rates = (legacy.matrix?.agencies ?? []).map((agency): Cell[] => [
    agency,
    ...columns.map((c) => {
      const rate = legacy.matrix!.rates.find(
        (r) => r.agencyName === agency && r.discipline === c.discipline && r.visitType === c.visitType,
      );
      return rate ? dollars(rate.cents) : '';
    }),
  ]);
  const payGroups = new Map<string, Cell[]>();
  for (const r of legacy.pay?.rates ?? []) {
    const key = `${nameKey(r.therapistName)}|${r.discipline}|${nameKey(r.agencyName ?? '')}`;
    const row = payGroups.get(key) ?? [r.therapistName, r.discipline, r.agencyName ?? '', ...vocabulary.visitTypes.map(() => '')];
    row[3 + vocabulary.visitTypes.findIndex((t) => t.code === r.visitType)] = dollars(r.cents);
    payGroups.set(key, row);
  }

  // Visits: one row per legacy row that is not blank or a total, keyed by its tab and row so a rerun adds nothing twice.
  const haveIds = new Set(existing.visits.slice(1).map((r) => cellText(r[0])));
  const visits: Cell[][] = [];
  if (report && legacy.visits) {
    const col = Object.fromEntries(report.header.columns.map((c) => [c.field, c.column])) as Record<string, number | undefined>;
    const raw = (cells: readonly Cell[] | undefined, field: string): Cell => {
      const c = col[field];
      const v = c === undefined ? '' : (cells?.[c] ?? '');
      return v instanceof Date ? formatUsDate(calendarDayIn(v, options.timeZone)) : typeof v === 'string' ? v.trim() : v;
    };
    for (const r of report.rows) {
      if (r.outcome === 'skipped') continue;
      const id = `L${legacy.visits.sheetId}.${r.row}`;
      if (haveIds.has(id)) continue;
      const source = `${legacy.visits.name} row ${r.row}`;
      if (r.outcome === 'visit' || r.outcome === 'duplicate') {
        const v = r.visit;
        visits.push([
          id,
          v.date,
          v.therapist.name,
          v.agency.name,
          v.patient.name,
          v.patient.mrn ?? '',
          v.discipline,
          vocabulary.visitTypeLabel(v.visitType),
          v.noteDone ?? false,
          source,
          '',
          '',
        ]);
      } else {
        const cells = legacy.visits.values[r.row - 1];
        const note = raw(cells, 'noteDone');
        visits.push([
          id,
          raw(cells, 'date'),
          raw(cells, 'therapist'),
          raw(cells, 'agency'),
          raw(cells, 'patient'),
          raw(cells, 'mrn'),
          raw(cells, 'discipline'),
          raw(cells, 'visitType'),
          note === '' ? false : note,
          source,
          '',
          '',
        ]);
      }
    }
  }
  if (visits.some((v) => v.length !== VISIT_COLUMNS.length))
    throw new Error('a planned visit row does not fit the Visits header', { cause: { code: 'internal' } });
  return { agencies, therapists, rates, payRates: [...payGroups.values()], visits, summary: report ? summarizeImport(report) : null };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(key(v)) && seen.add(key(v)) !== undefined);
}

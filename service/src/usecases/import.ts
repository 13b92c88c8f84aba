/**
 * Import of an owner's legacy sheets (visits, and optionally the agency rate matrix and
 * the therapist pay sheet). The billing core reads and classifies every row; this use case
 * supplies what the org already has, finds repeats of stored visits without opening PHI
 * (keyed hashes), and, on commit, stores the agencies, therapists, rates and visits.
 * Rows that need the owner's review are never stored.
 */
import { createHash } from 'node:crypto';
import {
  buildRateBook,
  buildVocabulary,
  importLegacyVisits,
  isIsoDate,
  matchName,
  nameKey,
  normalizeName,
  ok,
  readAgencyRateMatrix,
  ratesToStore,
  readTherapistPaySheet,
  summarizeImport,
  visitKey,
  type BillRate,
  type DirectoryEntry,
  type Discipline,
  type ImportReport,
  type ImportSummary,
  type IsoDate,
  type PayRate,
  type RateSheetError,
  type Result,
  type RowOutcome,
} from '../../../shared/index.ts';
import { AGENCY_DEFAULTS, upsertAgencies, upsertTherapists } from './directory.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { findVisitsByDupText } from './keys.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { checkSettledThrough } from './history.ts';
import { upsertVisits } from './visits.ts';

type Table = readonly (readonly unknown[])[];

export type ImportInput = {
  visits: Table;
  rates?: Table;
  payRates?: Table;
  /**
   * The day the sheets' rates take effect: rate sheets carry no dates. Default: a rate not stored
   * yet applies from 2000-01-01 (always); a rate that differs from the stored one from today, so
   * visits already done keep the rate they were done at.
   */
  ratesFrom?: IsoDate;
  /** Owner-confirmed spellings: text as typed -> the name of an agency or therapist. */
  mappings?: { agencies?: Record<string, string>; therapists?: Record<string, string> };
  /**
   * The owner's history: visits dated on or before this day were billed and paid before
   * VisitLedger, so they are stored settled (Store.markSettledOutside), never billed or paid here.
   */
  settledThrough?: IsoDate;
  commit: boolean;
};

export type ImportRow = {
  row: number;
  outcome: RowOutcome['outcome'];
  reason: string | null;
  visit?: {
    date: string;
    therapist: string;
    agency: string;
    patient: string;
    mrn?: string;
    discipline: Discipline;
    visitType: string;
    billRateCents: number | null;
    payRateCents: number | null;
  };
  proposals?: { field: 'agency' | 'therapist'; text: string; suggestion: string; reason: string }[];
};

export type SheetProblem = {
  sheet: 'rates' | 'pay-rates';
  row?: number;
  column?: string;
  message: string;
  /** A name near a stored one: its rates were not read until the owner confirms the match. */
  proposal?: { field: 'agency' | 'therapist'; text: string; suggestion: string; reason: string };
};

export type ImportOutcome = {
  rows: ImportRow[];
  summary: ImportSummary;
  sheetProblems: SheetProblem[];
  /** Rates of the sheets that differ from the stored ones: which, and from when ("Bill rate, X, PT Routine visit: $85.00 → $90.00 from 2026-12-07 ..."). */
  rateChanges: string[];
  newAgencies: string[];
  newTherapists: string[];
  committed: null | { agencies: number; therapists: number; billRates: number; payRates: number; visits: number; settledOutside: number };
};

export const SINCE_ALWAYS = '2000-01-01';
const NEW = 'new:';

export async function importLegacy(ctx: UseCaseContext, orgId: string, input: ImportInput): Promise<Result<ImportOutcome, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  if (input.ratesFrom !== undefined && !isIsoDate(input.ratesFrom))
    return fail('invalid-input', `rates-from "${input.ratesFrom}" is not a date (YYYY-MM-DD)`);
  const day = today(ctx, org.value.settings.timeZone);
  const newFrom = input.ratesFrom ?? SINCE_ALWAYS;
  if (input.settledThrough !== undefined) {
    const refused = checkSettledThrough(ctx, org.value.settings.timeZone, input.settledThrough, 'settledThrough');
    if (refused) return refused;
  }
  const vocabulary = buildVocabulary(org.value.settings);
  const [storedAgencies, storedTherapists, storedBill, storedPay] = await Promise.all([
    ctx.store.listAgencies(orgId),
    ctx.store.listTherapists(orgId),
    ctx.store.listBillRates(orgId),
    ctx.store.listPayRates(orgId),
  ]);
  const agencies: DirectoryEntry[] = storedAgencies.map((a) => ({ id: a.id, name: a.name, aliases: a.aliases }));
  const therapists: (DirectoryEntry & { disciplines: Discipline[] })[] = storedTherapists.map((t) => ({
    id: t.id,
    name: t.name,
    aliases: t.aliases,
    disciplines: t.disciplines,
  }));
  const sheetProblems: SheetProblem[] = [];
  const billRates: BillRate[] = [...storedBill];
  const payRates: PayRate[] = [...storedPay];

  /**
   * A name from a rate sheet: the stored entry it is (exactly, or as the owner confirmed), or a
   * new entry of this import. A near name is proposed, like a visit row's, and its rates are not
   * read until the owner confirms: a typo must not become a second agency with its own rates.
   */
  const proposed = new Set<string>();
  const resolve = (entries: DirectoryEntry[], name: string, field: 'agency' | 'therapist', sheet: SheetProblem['sheet']) => {
    const match = matchName(name, entries);
    if (match.kind === 'exact') return match.entry;
    const mapping = field === 'agency' ? input.mappings?.agencies : input.mappings?.therapists;
    const confirmed = Object.entries(mapping ?? {}).find(([text]) => nameKey(text) === nameKey(name));
    const mapped = confirmed ? matchName(confirmed[1], entries) : undefined;
    if (mapped?.kind === 'exact') return mapped.entry;
    if (match.kind === 'proposed') {
      const best = match.proposals[0]!;
      if (!proposed.has(`${sheet}:${nameKey(name)}`)) {
        proposed.add(`${sheet}:${nameKey(name)}`);
        sheetProblems.push({
          sheet,
          message: `${field === 'agency' ? 'Agency' : 'Therapist'} "${name}" is not in the ${field} list exactly; did you mean "${best.entry.name}" ("${name}" ${best.reason})? Its rates were not read: confirm the match with --map-${field} "${name}=${best.entry.name}", or correct the spelling`,
          proposal: { field, text: name, suggestion: best.entry.name, reason: best.reason },
        });
      }
      return undefined;
    }
    const entry = { id: `${NEW}${entries.length}:${normalizeName(name)}`, name: normalizeName(name), aliases: [] };
    entries.push(entry);
    return entry;
  };

  if (input.rates) {
    const matrix = readAgencyRateMatrix(input.rates, { vocabulary, effectiveFrom: newFrom });
    sheetProblems.push(...matrix.errors.map((e) => sheetProblem('rates', e)));
    for (const name of matrix.agencies) resolve(agencies, name, 'agency', 'rates');
    for (const r of matrix.rates) {
      const agency = resolve(agencies, r.agencyName, 'agency', 'rates');
      if (agency)
        billRates.push({
          agencyId: agency.id,
          discipline: r.discipline,
          visitType: r.visitType,
          cents: r.cents,
          effectiveFrom: r.effectiveFrom,
        });
    }
  }
  if (input.payRates) {
    const sheet = readTherapistPaySheet(input.payRates, { vocabulary, effectiveFrom: newFrom });
    sheetProblems.push(...sheet.errors.map((e) => sheetProblem('pay-rates', e)));
    for (const t of sheet.therapists) {
      const entry = resolve(therapists, t.name, 'therapist', 'pay-rates') as (typeof therapists)[number] | undefined;
      if (entry) entry.disciplines = [...new Set([...(entry.disciplines ?? []), ...t.disciplines])];
    }
    for (const r of sheet.rates) {
      const agency = r.agencyName === undefined ? undefined : resolve(agencies, r.agencyName, 'agency', 'pay-rates');
      const therapist = resolve(therapists, r.therapistName, 'therapist', 'pay-rates');
      if (!therapist || (r.agencyName !== undefined && !agency)) continue;
      payRates.push({
        therapistId: therapist.id,
        ...(agency ? { agencyId: agency.id } : {}),
        discipline: r.discipline,
        visitType: r.visitType,
        cents: r.cents,
        effectiveFrom: r.effectiveFrom,
      });
    }
  }

  // Only what is new or changed is stored; a change applies from --rates-from, or from today.
  const nameOf = (entries: readonly DirectoryEntry[]) => (id: string) => entries.find((e) => e.id === id)?.name ?? id;
  const sheetRates = ratesToStore(
    { billRates: billRates.slice(storedBill.length), payRates: payRates.slice(storedPay.length) },
    { billRates: storedBill, payRates: storedPay },
    {
      changesFrom: input.ratesFrom ?? day,
      newFrom,
      names: { agency: nameOf(agencies), therapist: nameOf(therapists), visitType: (code) => vocabulary.visitTypeLabel(code) },
    },
  );
  billRates.splice(storedBill.length, Infinity, ...sheetRates.billRates);
  payRates.splice(storedPay.length, Infinity, ...sheetRates.payRates);

  const mappings = { agencies: toIds(input.mappings?.agencies, agencies), therapists: toIds(input.mappings?.therapists, therapists) };
  if (!mappings.agencies.ok) return mappings.agencies;
  if (!mappings.therapists.ok) return mappings.therapists;

  const imported = importLegacyVisits(input.visits, {
    vocabulary,
    agencies,
    therapists,
    rates: buildRateBook(billRates, payRates),
    mappings: { agencies: mappings.agencies.value, therapists: mappings.therapists.value },
    unknownNames: 'create',
    timeZone: org.value.settings.timeZone,
    today: day,
  });
  if (!imported.ok)
    return fail('invalid-input', imported.error.message, { missing: imported.error.missing, headersSeen: imported.error.headersSeen });
  const report = await markStoredDuplicates(ctx, orgId, imported.value);

  const outcome: ImportOutcome = {
    rows: report.rows.map(toImportRow),
    summary: summarizeImport(report),
    sheetProblems,
    rateChanges: sheetRates.changes,
    newAgencies: [...agencies.filter((a) => a.id.startsWith(NEW)).map((a) => a.name), ...report.newAgencies.map((a) => a.name)],
    newTherapists: [...therapists.filter((t) => t.id.startsWith(NEW)).map((t) => t.name), ...report.newTherapists.map((t) => t.name)],
    committed: null,
  };
  if (!input.commit) return ok(outcome);

  const committed = await commitImport(ctx, orgId, {
    report,
    agencies,
    therapists,
    billRates: billRates.slice(storedBill.length),
    payRates: payRates.slice(storedPay.length),
    mappings: input.mappings,
    ...(input.settledThrough !== undefined ? { settledThrough: input.settledThrough } : {}),
  });
  if (!committed.ok) return committed;
  return ok({ ...outcome, committed: committed.value });
}

function sheetProblem(sheet: SheetProblem['sheet'], e: RateSheetError): SheetProblem {
  return {
    sheet,
    ...(e.row !== undefined ? { row: e.row } : {}),
    ...(e.columnLetter !== undefined ? { column: e.columnLetter } : {}),
    message: e.message,
  };
}

/** Mappings arrive as names (what an owner types on a command line); the core wants ids. */
function toIds(mapping: Record<string, string> | undefined, entries: readonly DirectoryEntry[]): Result<Record<string, string>, Failure> {
  const ids: Record<string, string> = {};
  for (const [text, name] of Object.entries(mapping ?? {})) {
    const match = matchName(name, entries);
    if (match.kind !== 'exact')
      return fail('invalid-input', `the mapping "${text}" = "${name}" names no known agency or therapist "${name}"`);
    ids[text] = match.entry.id;
  }
  return ok(ids);
}

/** A row repeating a visit already stored (billed or not) is a duplicate of it; found by keyed hash, without PHI. */
async function markStoredDuplicates(ctx: UseCaseContext, orgId: string, report: ImportReport): Promise<ImportReport> {
  const keyOf = new Map<number, string>();
  for (const r of report.rows) {
    if (
      r.outcome !== 'visit' ||
      !r.visit.agency.id ||
      !r.visit.therapist.id ||
      r.visit.agency.id.startsWith(NEW) ||
      r.visit.therapist.id.startsWith(NEW)
    )
      continue;
    keyOf.set(
      r.row,
      visitKey({
        therapistId: r.visit.therapist.id,
        agencyId: r.visit.agency.id,
        patientName: r.visit.patient.name,
        date: r.visit.date,
        visitType: r.visit.visitType,
      }),
    );
  }
  if (keyOf.size === 0) return report;
  // Keyed by the visit key's text: findVisitsByDupText answers each visit with its index under the current key.
  const currentIndex = new Map([...new Set(keyOf.values())].map((text) => [ctx.cipher.blindIndex(text), text]));
  const stored = new Map((await findVisitsByDupText(ctx, orgId, [...keyOf.values()])).map((v) => [currentIndex.get(v.dupKey), v.id]));
  return {
    ...report,
    rows: report.rows.map((r): RowOutcome => {
      const visitId = stored.get(keyOf.get(r.row) ?? '');
      if (r.outcome !== 'visit' || !visitId) return r;
      return {
        row: r.row,
        outcome: 'duplicate',
        visit: r.visit,
        duplicateOf: { kind: 'stored', visitId },
        reason: 'repeats a visit already stored (same therapist, agency, patient, date and visit type)',
      };
    }),
  };
}

function toImportRow(r: RowOutcome): ImportRow {
  switch (r.outcome) {
    case 'skipped':
      return { row: r.row, outcome: r.outcome, reason: r.reason };
    case 'needs-review':
      return {
        row: r.row,
        outcome: r.outcome,
        reason: r.reasons.join('; '),
        ...(r.proposals.length
          ? { proposals: r.proposals.map((p) => ({ field: p.field, text: p.text, suggestion: p.entryName, reason: p.reason })) }
          : {}),
      };
    case 'duplicate':
    case 'visit': {
      const v = r.visit;
      return {
        row: r.row,
        outcome: r.outcome,
        reason: r.outcome === 'duplicate' ? (r.duplicateOf.kind === 'row' ? `${r.reason} (row ${r.duplicateOf.row})` : r.reason) : null,
        visit: {
          date: v.date,
          therapist: v.therapist.name,
          agency: v.agency.name,
          patient: v.patient.name,
          ...(v.patient.mrn ? { mrn: v.patient.mrn } : {}),
          discipline: v.discipline,
          visitType: v.visitType,
          billRateCents: v.billRateCents ?? null,
          payRateCents: v.payRateCents ?? null,
        },
      };
    }
  }
}

/** A stable client id for an imported row: importing the same file again changes nothing. */
function importClientId(key: string, discipline: string): string {
  return `import:${createHash('sha256').update(`${key}\u0000${discipline}`).digest('base64url').slice(0, 32)}`;
}

async function commitImport(
  ctx: UseCaseContext,
  orgId: string,
  plan: {
    report: ImportReport;
    agencies: DirectoryEntry[];
    therapists: (DirectoryEntry & { disciplines: Discipline[] })[];
    billRates: BillRate[];
    payRates: PayRate[];
    mappings: ImportInput['mappings'];
    settledThrough?: IsoDate;
  },
): Promise<Result<NonNullable<ImportOutcome['committed']>, Failure>> {
  const { report } = plan;
  // New agencies and therapists: from the rate sheets, and names of visit rows that matched nothing.
  const newAgencyNames = new Map<string, string>();
  for (const a of [...plan.agencies.filter((e) => e.id.startsWith(NEW)), ...report.newAgencies])
    if (!newAgencyNames.has(nameKey(a.name))) newAgencyNames.set(nameKey(a.name), a.name);
  const newTherapists = new Map(
    plan.therapists.filter((t) => t.id.startsWith(NEW)).map((t) => [nameKey(t.name), { name: t.name, disciplines: t.disciplines }]),
  );
  for (const t of report.newTherapists)
    if (!newTherapists.has(nameKey(t.name))) newTherapists.set(nameKey(t.name), { name: t.name, disciplines: [] });

  // Confirmed spellings become aliases of the name they were mapped to, found by nameKey as everywhere.
  const aliasesByKey = (mapping: Record<string, string> | undefined) => {
    const byKey = new Map<string, string[]>();
    for (const [text, name] of Object.entries(mapping ?? {})) byKey.set(nameKey(name), [...(byKey.get(nameKey(name)) ?? []), text]);
    return byKey;
  };
  const aliases = aliasesByKey(plan.mappings?.agencies);
  const storedAgencies = await ctx.store.listAgencies(orgId);
  const agencyRows = [
    ...[...newAgencyNames].map(([key, name]) => ({ name, ...AGENCY_DEFAULTS, aliases: aliases.get(key) ?? [] })),
    ...storedAgencies
      .filter((a) => aliases.has(nameKey(a.name)))
      .map((a) => ({ id: a.id, name: a.name, aliases: [...new Set([...a.aliases, ...aliases.get(nameKey(a.name))!])] })),
  ];
  const createdAgencies = agencyRows.length ? await upsertAgencies(ctx, orgId, agencyRows) : ok([]);
  if (!createdAgencies.ok) return createdAgencies;
  const therapistAliases = aliasesByKey(plan.mappings?.therapists);
  const createdTherapists =
    newTherapists.size || therapistAliases.size
      ? await upsertTherapists(ctx, orgId, [
          ...[...newTherapists].map(([key, { name, disciplines }]) => ({ name, disciplines, aliases: therapistAliases.get(key) ?? [] })),
          ...(await ctx.store.listTherapists(orgId))
            .filter((t) => therapistAliases.has(nameKey(t.name)) && !newTherapists.has(nameKey(t.name)))
            .map((t) => ({ id: t.id, name: t.name, aliases: [...new Set([...t.aliases, ...therapistAliases.get(nameKey(t.name))!])] })),
        ])
      : ok([]);
  if (!createdTherapists.ok) return createdTherapists;

  // Temporary ids (`new:` for the sheets' names, the core's own for visit-only names) -> real ids, by name.
  const agencyIdByName = new Map((await ctx.store.listAgencies(orgId)).map((a) => [nameKey(a.name), a.id]));
  const therapistIdByName = new Map((await ctx.store.listTherapists(orgId)).map((t) => [nameKey(t.name), t.id]));
  const realAgency = (id: string | null, name: string) => (id && !id.startsWith(NEW) ? id : agencyIdByName.get(nameKey(name)));
  const realTherapist = (id: string | null, name: string) => (id && !id.startsWith(NEW) ? id : therapistIdByName.get(nameKey(name)));
  const nameOfTemp = (entries: DirectoryEntry[], id: string) => entries.find((e) => e.id === id)?.name ?? '';

  const billRates = plan.billRates.map((r) => ({ ...r, agencyId: realAgency(r.agencyId, nameOfTemp(plan.agencies, r.agencyId))! }));
  const payRates = plan.payRates.map((r) => ({
    ...r,
    therapistId: realTherapist(r.therapistId, nameOfTemp(plan.therapists, r.therapistId))!,
    ...(r.agencyId ? { agencyId: realAgency(r.agencyId, nameOfTemp(plan.agencies, r.agencyId))! } : {}),
  }));
  await ctx.store.putBillRates(orgId, billRates);
  await ctx.store.putPayRates(orgId, payRates);

  const visitRows = report.rows.flatMap((r) => {
    if (r.outcome !== 'visit') return [];
    const v = r.visit;
    const agencyId = realAgency(v.agency.id, v.agency.name)!;
    const therapistId = realTherapist(v.therapist.id, v.therapist.name)!;
    const key = visitKey({ therapistId, agencyId, patientName: v.patient.name, date: v.date, visitType: v.visitType });
    return [
      {
        clientId: importClientId(key, v.discipline),
        agencyId,
        therapistId,
        patient: v.patient,
        date: v.date,
        discipline: v.discipline,
        visitType: v.visitType,
        noteDone: v.noteDone ?? false,
      },
    ];
  });
  const visits = visitRows.length ? await upsertVisits(ctx, orgId, visitRows) : ok([]);
  if (!visits.ok) return visits;
  const through = plan.settledThrough;
  // A visit billed or paid here already is left as it is by the store.
  const dateOf = new Map(visitRows.map((r) => [r.clientId, r.date]));
  const settled = through === undefined ? [] : visits.value.filter((a) => dateOf.get(a.clientId)! <= through).map((a) => a.visitId);
  if (settled.length > 0) await ctx.store.markSettledOutside(orgId, settled);
  await audit(ctx, orgId, [
    {
      action: 'create',
      recordType: 'org',
      recordId: orgId,
      detail: `import: ${visitRows.length} visits${through === undefined ? '' : `, those through ${through} (${settled.length}) settled outside VisitLedger`}`,
    },
  ]);
  return ok({
    agencies: newAgencyNames.size,
    therapists: newTherapists.size,
    billRates: billRates.length,
    payRates: payRates.length,
    visits: visits.value.filter((a) => a.status === 'created' || a.status === 'updated').length,
    settledOutside: settled.length,
  });
}

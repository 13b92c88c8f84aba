/**
 * Reads the structured tabs' values (plain arrays) into what the shared core needs: the
 * agency and therapist lists, the rate book, and the service ids the sheet keeps. Pure.
 */
import { cellText } from '../../../shared/cells.ts';
import { cycleRuleFromText } from '../../../shared/cycles.ts';
import { nameKey, normalizeName, type DirectoryEntry } from '../../../shared/names.ts';
import { readAgencyRateMatrix, readTherapistPaySheet, type RateSheetError } from '../../../shared/rate-sheets/index.ts';
import { buildRateBook, type RateBook } from '../../../shared/rates.ts';
import type { BillRate, CycleRule, PayRate } from '../../../shared/schemas.ts';
import { DISCIPLINES, type Discipline, type Vocabulary } from '../../../shared/vocabulary.ts';
import type { Table } from './io.ts';

export type AgencyRow = {
  row: number;
  serviceId: string;
  name: string;
  aliases: string[];
  contactEmail: string;
  termsDays: number | null;
  patientIdentifier: string;
  active: boolean;
  /** Null when the cell is blank (VisitLedger keeps the agency's cycle) or unreadable (`billingCycleProblem` says why). */
  billingCycle: CycleRule | null;
  billingCycleProblem: string;
  /** The No Reminders box is ticked: the agency gets no payment reminders. */
  noReminders: boolean;
};
export type TherapistRow = {
  row: number;
  serviceId: string;
  name: string;
  aliases: string[];
  email: string;
  disciplines: Discipline[];
  active: boolean;
  formLink: string;
};

export type SheetDirectory = {
  agencies: AgencyRow[];
  therapists: TherapistRow[];
  /** For the importer: ids are the names as the tabs spell them (the service's ids may not exist yet). */
  agencyEntries: DirectoryEntry[];
  therapistEntries: DirectoryEntry[];
  /** Rates with agency and therapist names as ids, as the entries above. */
  billRates: BillRate[];
  payRates: PayRate[];
  rateBook: RateBook;
  /** Cells of the rate tabs that could not be read, or name no known agency or therapist. */
  rateProblems: string[];
};

const splitList = (text: string) =>
  text
    .split(/[;,]/)
    .map((s) => normalizeName(s))
    .filter(Boolean);
const isTrue = (v: unknown) => v === true || /^(true|yes|y|x)$/i.test(cellText(v));

/** Where a tab keeps the column headed `header`: -1 on a tab written before the column existed. */
export const columnNamed = (table: Table, header: string): number => (table[0] ?? []).findIndex((h) => cellText(h) === header);
export const billingCycleColumn = (table: Table): number => columnNamed(table, 'Billing Cycle');
export const NO_REMINDERS = 'No Reminders';

export function readAgencies(table: Table): AgencyRow[] {
  const cycleAt = billingCycleColumn(table);
  const noRemindersAt = columnNamed(table, NO_REMINDERS);
  return table.slice(1).flatMap((r, i) => {
    const name = normalizeName(cellText(r[1]));
    if (name === '') return [];
    const terms = cellText(r[4]) === '' ? null : Number(r[4]);
    const cycleText = cycleAt < 0 ? '' : cellText(r[cycleAt]);
    const cycle = cycleText === '' ? null : cycleRuleFromText(cycleText);
    return [
      {
        row: i + 2,
        serviceId: cellText(r[0]),
        name,
        aliases: splitList(cellText(r[2])),
        contactEmail: cellText(r[3]),
        termsDays: terms !== null && Number.isInteger(terms) ? terms : null,
        patientIdentifier: cellText(r[5]) || 'name',
        active: cellText(r[6]) === '' ? true : isTrue(r[6]),
        billingCycle: cycle?.ok ? cycle.value : null,
        billingCycleProblem:
          cycle && !cycle.ok
            ? `Agencies row ${i + 2} (${name}): ${cycle.error.message}. Not sent: ${name} keeps its billing cycle in VisitLedger.`
            : '',
        noReminders: noRemindersAt >= 0 && isTrue(r[noRemindersAt]),
      },
    ];
  });
}

export function readTherapists(table: Table): TherapistRow[] {
  return table.slice(1).flatMap((r, i) => {
    const name = normalizeName(cellText(r[1]));
    if (name === '') return [];
    const disciplines = splitList(cellText(r[4]))
      .map((d) => d.toUpperCase())
      .filter((d): d is Discipline => (DISCIPLINES as readonly string[]).includes(d));
    return [
      {
        row: i + 2,
        serviceId: cellText(r[0]),
        name,
        aliases: splitList(cellText(r[2])),
        email: cellText(r[3]).toLowerCase(),
        disciplines,
        active: cellText(r[5]) === '' ? true : isTrue(r[5]),
        formLink: cellText(r[6]),
      },
    ];
  });
}

/** Name -> id (the last of a repeated name wins), compared as the shared matcher compares names. */
export function idsByName(rows: readonly { id: string; name: string }[]): Map<string, string> {
  return new Map(rows.map((r) => [nameKey(r.name), r.id]));
}

/** Name (or alias) -> the entry's id, compared as the shared matcher compares names. */
function byName(entries: readonly DirectoryEntry[]): (name: string) => string | undefined {
  const map = new Map<string, string>();
  for (const e of entries) for (const n of [e.name, ...e.aliases]) if (!map.has(nameKey(n))) map.set(nameKey(n), e.id);
  return (name) => map.get(nameKey(name));
}

export function readDirectory(
  tables: { agencies: Table; therapists: Table; rates: Table; payRates: Table },
  vocabulary: Vocabulary,
  ratesFrom: string,
): SheetDirectory {
  const agencies = readAgencies(tables.agencies);
  const therapists = readTherapists(tables.therapists);
  const agencyEntries = agencies.map((a) => ({ id: a.name, name: a.name, aliases: a.aliases }));
  const therapistEntries = therapists.map((t) => ({ id: t.name, name: t.name, aliases: t.aliases }));
  const agencyId = byName(agencyEntries);
  const therapistId = byName(therapistEntries);
  const rateProblems: string[] = [];
  const sheetErrors = (tab: string, errors: readonly RateSheetError[]) => {
    for (const e of errors) if (e.code !== 'no-header-row') rateProblems.push(`${tab}: ${e.message}`);
  };

  const billRates: BillRate[] = [];
  if (tables.rates.length > 1) {
    const matrix = readAgencyRateMatrix(tables.rates, { vocabulary, effectiveFrom: ratesFrom });
    sheetErrors('Rates', matrix.errors);
    for (const r of matrix.rates) {
      const id = agencyId(r.agencyName);
      if (id === undefined) rateProblems.push(`Rates row ${r.row}: "${r.agencyName}" is not on the Agencies tab`);
      else
        billRates.push({ agencyId: id, discipline: r.discipline, visitType: r.visitType, cents: r.cents, effectiveFrom: r.effectiveFrom });
    }
  }
  const payRates: PayRate[] = [];
  if (tables.payRates.length > 1) {
    const sheet = readTherapistPaySheet(tables.payRates, { vocabulary, effectiveFrom: ratesFrom });
    sheetErrors('Pay Rates', sheet.errors);
    for (const r of sheet.rates) {
      const id = therapistId(r.therapistName);
      const agency = r.agencyName === undefined ? undefined : agencyId(r.agencyName);
      if (id === undefined) rateProblems.push(`Pay Rates row ${r.row}: "${r.therapistName}" is not on the Therapists tab`);
      else if (r.agencyName !== undefined && agency === undefined)
        rateProblems.push(`Pay Rates row ${r.row}: "${r.agencyName}" is not on the Agencies tab`);
      else
        payRates.push({
          therapistId: id,
          ...(agency ? { agencyId: agency } : {}),
          discipline: r.discipline,
          visitType: r.visitType,
          cents: r.cents,
          effectiveFrom: r.effectiveFrom,
        });
    }
  }
  return {
    agencies,
    therapists,
    agencyEntries,
    therapistEntries,
    billRates,
    payRates,
    rateBook: buildRateBook(billRates, payRates),
    rateProblems,
  };
}

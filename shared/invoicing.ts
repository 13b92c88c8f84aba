/**
 * Invoices: one per agency per cycle, drafted from the agency's unbilled visits, then
 * issued with gapless numbers. An issued invoice never changes; a correction is a void
 * (and a new invoice, invoice-void.ts) or a numbered credit note that references it
 * (credit-notes.ts); DOMAIN.md, STYLE.md.
 */
import { addDays, type IsoDate } from './dates.ts';
import { sumCents, type Cents } from './money.ts';
import { describeMissingRate, type MissingRate, type RateBook, type RateNames } from './rates.ts';
import { err, ok, type Result } from './result.ts';
import { compareNames, compareText, DISCIPLINE_ORDER, nameRanks, sortByNumber, textRanks } from './ordering.ts';
import type { Agency, Invoice, InvoiceLine, Patient, PatientIdentifier, Period, Visit } from './schemas.ts';
import { DISCIPLINES, type Discipline, type Vocabulary } from './vocabulary.ts';

/** A visit left out of an invoice or pay statement, with every reason why. Never a zero line. */
export type HeldVisit = { visitId: string; problems: Array<{ code: string; message: string }> };

// ---------------------------------------------------------------- patients

export type PatientLabelError = { code: 'missing-mrn'; message: string };

/** Generational suffixes are not initials: "Smith Jr., John" is J.S. */
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/**
 * "Alvarez, Rosa" and "Rosa Alvarez" -> "R.A."; works on any script (the first letter of
 * each word, given names first). Empty when the name has no letters at all.
 */
export function patientInitials(name: string): string {
  const text = name.normalize('NFC').trim();
  const comma = text.indexOf(',');
  // "Last, First Middle" -> "First Middle Last"
  const ordered = comma >= 0 ? `${text.slice(comma + 1)} ${text.slice(0, comma)}` : text;
  let initials = '';
  for (const word of ordered.split(/[\s,]+/u)) {
    if (word === '' || NAME_SUFFIXES.has(word.toLowerCase().replace(/[^a-z]/g, ''))) continue;
    const letter = /\p{L}/u.exec(word)?.[0];
    if (letter) initials += `${letter.toUpperCase()}.`;
  }
  return initials;
}

/**
 * The patient as this agency's setting says to print them (HIPAA minimum necessary).
 * The error message names no patient: it may reach a log or a screen shared around.
 */
export function patientLabel(patient: Patient, how: PatientIdentifier): Result<string, PatientLabelError> {
  if (how === 'name') return ok(patient.name.trim());
  const mrn = patient.mrn?.trim() ?? '';
  if (mrn === '') return err(missingMrn(how));
  if (how === 'mrn') return ok(`MRN ${mrn}`);
  const initials = patientInitials(patient.name);
  return ok(initials === '' ? `MRN ${mrn}` : `${initials} (MRN ${mrn})`);
}

function missingMrn(how: PatientIdentifier): PatientLabelError {
  const setting = how === 'mrn' ? 'by MRN only' : 'by initials and MRN';
  return {
    code: 'missing-mrn',
    message: `The visit has no patient MRN, and this agency's invoices identify patients ${setting}: add the MRN to the visit`,
  };
}

// ---------------------------------------------------------------- drafts

export function dueDate(issueDate: IsoDate, termsDays: number): IsoDate {
  if (!Number.isInteger(termsDays) || termsDays < 0) {
    throw new Error(`payment terms must be a whole number of days, 0 or more; got ${termsDays}`, { cause: { code: 'bad-terms' } });
  }
  return addDays(issueDate, termsDays);
}

/** An invoice before it is issued: no id, number or sequence yet, and no status. */
export type InvoiceDraft = Omit<Invoice, 'id' | 'number' | 'sequence' | 'status' | 'voidedOn' | 'voidReason'>;

/**
 * What billing needs of a visit. Not the patient: a line names its visit, and the patient is
 * printed from the visit as the invoice's `patientIdentifier` says (the service keeps patients
 * sealed and opens them only to show an invoice). Only whether an MRN exists matters here.
 */
export type BillableVisit = Pick<Visit, 'id' | 'agencyId' | 'therapistId' | 'date' | 'discipline' | 'visitType'> & {
  patientHasMrn: boolean;
};

/** Whether a visit can be printed as the agency identifies patients: MRN-based settings need an MRN. */
export function patientIdentifiable(hasMrn: boolean, how: PatientIdentifier): Result<true, PatientLabelError> {
  return how === 'name' || hasMrn ? IDENTIFIABLE : err(missingMrn(how));
}
const IDENTIFIABLE: Result<true, PatientLabelError> = ok(true); // one shared answer, not an object per visit

export type DraftInvoiceInput = {
  agency: Agency;
  period: Period;
  /** The agency's unbilled visits dated on or before period.end (earlier ones become late lines). */
  visits: readonly BillableVisit[];
  rates: RateBook;
  therapistName: (therapistId: string) => string;
  vocabulary: Vocabulary;
  issueDate: IsoDate;
};

/**
 * The agency's invoice for `period`. Visits without a bill rate or without the patient
 * identifier the agency asks for are held, with the reasons; no billable visit -> no draft.
 * Lines: the period's own visits first, then late visits from earlier closed periods (the
 * PDF prints them in their own section); each group by discipline, date, therapist.
 */
export function draftInvoice(input: DraftInvoiceInput): { draft: InvoiceDraft | null; held: HeldVisit[] } {
  const { agency, period, rates, vocabulary } = input;
  if (period.start > period.end)
    throw new Error(`period ${period.start}..${period.end} ends before it starts`, { cause: { code: 'bad-period' } });
  const therapistNames = memo(input.therapistName);
  const context: BillContext = {
    agency,
    period,
    rates,
    vocabulary,
    therapistName: therapistNames,
    names: {
      agencyName: (id) => (id === agency.id ? agency.name : id),
      therapistName: therapistNames,
      visitTypeLabel: (code) => vocabulary.visitTypeLabel(code),
    },
  };
  const lines: InvoiceLine[] = [];
  const held: HeldVisit[] = [];
  for (const visit of input.visits) {
    const priced = billVisit(visit, context);
    if ('problems' in priced) held.push(priced);
    else lines.push(priced);
  }
  if (lines.length === 0) return { draft: null, held };

  sortLines(lines);
  throwOnRepeatedVisit(lines, 'draftInvoice');
  return {
    draft: {
      agencyId: agency.id,
      agencyName: agency.name,
      patientIdentifier: agency.patientIdentifier,
      period: { start: period.start, end: period.end },
      issueDate: input.issueDate,
      termsDays: agency.termsDays,
      dueDate: dueDate(input.issueDate, agency.termsDays),
      lines,
      subtotals: subtotalsOf(lines),
      totalCents: sumCents(lines.map((l) => l.amountCents)),
    },
    held,
  };
}

type BillContext = {
  agency: Agency;
  period: Period;
  rates: RateBook;
  vocabulary: Vocabulary;
  therapistName: (id: string) => string;
  names: RateNames;
};

/**
 * One visit's invoice line, or why it is held. A function of its own, called once per
 * visit, so the engine optimizes it on its own rather than through the long caller.
 */
function billVisit(visit: BillableVisit, c: BillContext): InvoiceLine | HeldVisit {
  if (visit.agencyId !== c.agency.id) {
    throw new Error(`draftInvoice: visit ${visit.id} belongs to agency ${visit.agencyId}, not ${c.agency.id}`, {
      cause: { code: 'wrong-agency' },
    });
  }
  throwIfAfterPeriod('draftInvoice', visit, c.period);
  const rate = c.rates.billRate({ agencyId: c.agency.id, discipline: visit.discipline, visitType: visit.visitType, date: visit.date });
  const label = patientIdentifiable(visit.patientHasMrn, c.agency.patientIdentifier);
  if (!rate.ok || !label.ok) return heldVisit(visit.id, rate, c.names, label.ok ? undefined : label.error);
  return {
    visitId: visit.id,
    date: visit.date,
    therapistId: visit.therapistId,
    therapistName: c.therapistName(visit.therapistId),
    ...pricedVisit(visit, rate.value.cents, c),
  };
}

/** Drafting a period from a visit dated after it is the caller's error, not a held visit. */
export function throwIfAfterPeriod(where: string, visit: { id: string; date: IsoDate }, period: Period): void {
  if (visit.date > period.end) {
    throw new Error(`${where}: visit ${visit.id} is dated ${visit.date}, after the period ending ${period.end}`, {
      cause: { code: 'after-period' },
    });
  }
}

/** Why a visit is held: its missing rate first, then the one other problem its kind of line checks. */
export function heldVisit(
  visitId: string,
  rate: Result<unknown, MissingRate>,
  names: RateNames,
  other: HeldVisit['problems'][number] | undefined,
): HeldVisit {
  const problems: HeldVisit['problems'] = [];
  if (!rate.ok) problems.push({ code: rate.error.code, message: describeMissingRate(rate.error, names) });
  if (other) problems.push(other);
  return { visitId, problems };
}

/** What a priced visit's line says alike on an invoice and on a pay statement. */
export function pricedVisit(
  visit: Pick<Visit, 'date' | 'discipline' | 'visitType'>,
  rateCents: Cents,
  c: { vocabulary: Vocabulary; period: Period },
) {
  return {
    discipline: visit.discipline,
    visitType: visit.visitType,
    visitTypeLabel: c.vocabulary.visitTypeLabel(visit.visitType),
    rateCents,
    amountCents: rateCents, // one visit is one unit
    late: visit.date < c.period.start,
  };
}

function sortLines(lines: InvoiceLine[]): void {
  const names = nameRanks(new Set(lines.map((l) => l.therapistName)));
  const dates = textRanks(new Set(lines.map((l) => l.date)));
  sortByNumber(
    lines,
    (l) =>
      ((Number(l.late) * DISCIPLINES.length + DISCIPLINE_ORDER.get(l.discipline)!) * dates.size + dates.get(l.date)!) * names.size +
      names.get(l.therapistName)!,
    (l) => l.visitId,
  );
}

/**
 * A visit passed twice would be billed twice. After sorting, the two copies sit side by
 * side (same key, same id), so one pass finds them without hashing every id.
 */
export function throwOnRepeatedVisit(sorted: ReadonlyArray<{ visitId: string }>, where: string): void {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.visitId === sorted[i - 1]!.visitId)
      throw new Error(`${where}: visit ${sorted[i]!.visitId} was passed twice`, { cause: { code: 'duplicate-visit' } });
  }
}

/** Amount and visit count per discipline, in DISCIPLINES order, only disciplines billed. */
export function subtotalsOf(lines: readonly InvoiceLine[]): Invoice['subtotals'] {
  const amounts = new Map<Discipline, Cents[]>();
  for (const line of lines) {
    const list = amounts.get(line.discipline);
    if (list) list.push(line.amountCents);
    else amounts.set(line.discipline, [line.amountCents]);
  }
  return DISCIPLINES.filter((d) => amounts.has(d)).map((d) => ({
    discipline: d,
    amountCents: sumCents(amounts.get(d)!),
    visits: amounts.get(d)!.length,
  }));
}

// ---------------------------------------------------------------- issuing

export function invoiceNumber(prefix: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new Error(`invoice sequence must be a whole number from 1; got ${sequence}`, { cause: { code: 'bad-sequence' } });
  }
  return `${prefix}-${String(sequence).padStart(4, '0')}`;
}

export type IssueOptions = {
  /** The org's invoice prefix (OrgSettings.invoicePrefix). */
  prefix: string;
  /** The org's next unused sequence number. */
  nextSequence: number;
  /** An id for the i-th invoice issued in this batch (0-based, in issue order). */
  newId: (index: number) => string;
};

/**
 * Issues drafts with consecutive numbers from `nextSequence`, in a deterministic order
 * (agency name, then period start), so a re-run of the same close numbers the same way.
 * Two drafts for one agency and period are a programming error: one invoice per cycle.
 */
export function issueInvoices(drafts: readonly InvoiceDraft[], options: IssueOptions): Invoice[] {
  const keys = new Set<string>();
  for (const d of drafts) {
    const key = `${d.agencyId}\u0000${d.period.start}`;
    if (keys.has(key))
      throw new Error(`issueInvoices: two drafts for agency ${d.agencyId}, period starting ${d.period.start}`, {
        cause: { code: 'duplicate-draft' },
      });
    keys.add(key);
  }
  invoiceNumber(options.prefix, options.nextSequence); // validates the start of the range
  const ordered = [...drafts].sort(
    (a, b) =>
      compareNames(a.agencyName, b.agencyName) || compareText(a.period.start, b.period.start) || compareText(a.agencyId, b.agencyId),
  );
  return ordered.map((draft, i) => {
    const sequence = options.nextSequence + i;
    return { ...draft, id: options.newId(i), number: invoiceNumber(options.prefix, sequence), sequence, status: 'issued' as const };
  });
}

/** The visits on issued invoices. A void invoice's visits are unbilled again, to be billed anew. */
export function billedVisitIds(invoices: readonly Invoice[]): Set<string> {
  const ids = new Set<string>();
  for (const invoice of invoices) if (invoice.status === 'issued') for (const line of invoice.lines) ids.add(line.visitId);
  return ids;
}

// ---------------------------------------------------------------- helpers

/** Calls `fn` once per distinct argument (a close asks a therapist's name once per visit, for far fewer therapists). */
export function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = fn(key);
      cache.set(key, value);
    }
    return value as T;
  };
}

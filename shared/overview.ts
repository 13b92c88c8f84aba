/**
 * The owner's overview of a month, computed from the records the service keeps: what was
 * billed, collected, paid and is still owed, the margin (bill minus pay) by agency,
 * therapist and discipline, the visits held and why, the therapists paid without a usable
 * W-9, and what blocks the next close or the year end. docs/cli.md defines each figure.
 *
 * Billed and payroll count by service period (the invoices and pay runs `close --period`
 * makes for the month); collected and paid count by the day the money moved; what is open
 * or owed is a balance at the end of the month (or today, in the month still running).
 * Pure: the caller reads the records and passes today in.
 */
import { periodContaining, periodLabel } from './cycles.ts';
import { monthBounds, splitIsoDate, ymd, type IsoDate } from './dates.ts';
import { draftInvoice, type BillableVisit, type HeldVisit } from './invoicing.ts';
import { allocate, sumCents, type Cents } from './money.ts';
import { draftPayStatements, type PayableVisit, type PayrollTherapist } from './payroll.ts';
import type { RateBook } from './rates.ts';
import { agedOpen, ledgerAsOf, receivablesLedger, type AgingBuckets, type LedgerInputs } from './receivables.ts';
import { err, ok, type Result } from './result.ts';
import type { Agency, CreditNote, CycleRule, Invoice, Payment, PayStatement, Period } from './schemas.ts';
import type { Discipline, Vocabulary } from './vocabulary.ts';

/** How many months the overview's chart shows, the asked month last. */
export const OVERVIEW_MONTHS = 12;

export type OverviewInvoice = Pick<
  Invoice,
  'id' | 'number' | 'sequence' | 'agencyId' | 'period' | 'issueDate' | 'dueDate' | 'totalCents' | 'status' | 'voidedOn'
> & { lines: readonly Pick<Invoice['lines'][number], 'visitId' | 'therapistId' | 'discipline' | 'amountCents'>[] };

export type OverviewPayRun = {
  id: string;
  period: Period;
  statements: readonly (Pick<PayStatement, 'therapistId' | 'totalCents'> & {
    lines: readonly Pick<PayStatement['lines'][number], 'agencyId' | 'discipline' | 'amountCents'>[];
  })[];
};

/** The money records an overview counts: every invoice, credit note, receivables entry, pay run and payment of the org. */
export type OverviewLedger = {
  invoices: readonly OverviewInvoice[];
  creditNotes: readonly Pick<CreditNote, 'invoiceId' | 'issueDate' | 'totalCents' | 'lines'>[];
  entries: LedgerInputs['entries'];
  payRuns: readonly OverviewPayRun[];
  payments: readonly Pick<Payment, 'therapistId' | 'amountCents' | 'paidOn' | 'status' | 'payRunId'>[];
};

export type MonthFigures = {
  month: string;
  billedCents: Cents;
  collectedCents: Cents;
  payrollCents: Cents;
};

export type Margin = { billedCents: Cents; payrollCents: Cents; marginCents: Cents };

export type MonthTotals = MonthFigures & {
  /** The day the balances are taken: the month's last day, or today in the month still running. */
  asOf: IsoDate;
  openReceivablesCents: Cents;
  receivablesByAge: AgingBuckets;
  paidToTherapistsCents: Cents;
  owedToTherapistsCents: Cents;
  marginCents: Cents;
  byAgency: Map<string, Margin>;
  byTherapist: Map<string, Margin>;
  byDiscipline: Map<Discipline, Margin>;
};

export type OverviewMonthError = { code: 'bad-month' | 'month-not-begun'; message: string };

/** "2026-03" moved by `by` months: ("2026-01", -1) is "2025-12". */
export function addMonths(month: string, by: number): string {
  const { year, month: m } = splitIsoDate(`${month}-01`);
  const index = year * 12 + (m - 1) + by;
  return ymd(Math.floor(index / 12), (index % 12) + 1, 1).slice(0, 7);
}

/** The month's first and last day and the day its balances are taken (today, while it runs); a month not begun is refused. */
export function overviewMonth(month: string, today: IsoDate): Result<Period & { asOf: IsoDate }, OverviewMonthError> {
  const bounds = monthBounds(month);
  if (!bounds.ok) return err({ code: 'bad-month', message: bounds.error.message });
  if (bounds.value.start > today)
    return err({ code: 'month-not-begun', message: `${month} has not begun (today is ${today}): nothing is billed or paid in it yet` });
  return ok({ ...bounds.value, asOf: bounds.value.end < today ? bounds.value.end : today });
}

const within = (date: IsoDate, period: Period) => period.start <= date && date <= period.end;

const emptyMargin = (): Margin => ({ billedCents: 0, payrollCents: 0, marginCents: 0 });
function addTo<K>(map: Map<K, Margin>, key: K, side: 'billedCents' | 'payrollCents', cents: Cents): void {
  let m = map.get(key);
  if (!m) map.set(key, (m = emptyMargin()));
  m[side] += cents;
  m.marginCents = m.billedCents - m.payrollCents;
}

/**
 * What each line of an issued invoice still bills once its credit notes are taken off: a
 * note's line naming a visit comes off that visit's line; a line naming none (an amount
 * credited) is shared over the invoice's lines in proportion to what each still bills, no
 * cent lost, so the breakdowns by therapist and discipline add up to the invoice's net.
 */
export function netInvoiceLines(invoice: OverviewInvoice, notes: readonly OverviewLedger['creditNotes'][number][]): Cents[] {
  const net = invoice.lines.map((l) => l.amountCents);
  const lineOf = new Map(invoice.lines.map((l, i) => [l.visitId, i]));
  let unattributed = 0;
  for (const note of notes)
    for (const line of note.lines) {
      const i = line.visitId === undefined ? undefined : lineOf.get(line.visitId);
      if (i === undefined) unattributed += line.amountCents;
      else net[i]! -= line.amountCents;
    }
  const left = net.map((n) => Math.max(n, 0));
  if (unattributed > 0 && sumCents(left) > 0) {
    const parts = allocate(Math.min(unattributed, sumCents(left)), left);
    parts.forEach((p, i) => {
      net[i]! -= p;
    });
  }
  return net;
}

/** The ledger's invoices and entries as `LedgerInputs` (what the receivables report reads). */
const ledgerInputs = (ledger: OverviewLedger): LedgerInputs => ({
  invoices: ledger.invoices,
  creditNotes: ledger.creditNotes,
  entries: ledger.entries,
});

/** Billed, collected and payroll of one month: a point of the chart, and the headline figures. */
function monthFigures(ledger: OverviewLedger, month: string, bounds: Period, asOf: IsoDate, cancelled: ReadonlySet<string>): MonthFigures {
  return {
    month,
    billedCents: sumCents(billedInvoices(ledger, bounds).map(({ net }) => sumCents(net))),
    collectedCents: sumCents(
      ledger.entries.flatMap((e) =>
        e.kind === 'receipt' && within(e.on, bounds) && e.on <= asOf && !cancelled.has(e.id) ? [e.amountCents] : [],
      ),
    ),
    payrollCents: sumCents(payRunsOf(ledger, bounds).flatMap((r) => r.statements.map((s) => s.totalCents))),
  };
}

/** The issued invoices of cycles ending in the month, with their lines net of credit notes (void ones count nothing). */
function billedInvoices(ledger: OverviewLedger, bounds: Period): { invoice: OverviewInvoice; net: Cents[] }[] {
  const chosen = ledger.invoices.filter((i) => i.status !== 'void' && within(i.period.end, bounds));
  if (chosen.length === 0) return [];
  const ids = new Set(chosen.map((i) => i.id));
  const notes = new Map<string, OverviewLedger['creditNotes'][number][]>();
  for (const n of ledger.creditNotes) if (ids.has(n.invoiceId)) notes.set(n.invoiceId, [...(notes.get(n.invoiceId) ?? []), n]);
  return chosen.map((invoice) => ({ invoice, net: netInvoiceLines(invoice, notes.get(invoice.id) ?? []) }));
}

const payRunsOf = (ledger: OverviewLedger, bounds: Period) => ledger.payRuns.filter((r) => within(r.period.end, bounds));

/**
 * What the pay runs of periods ended by `asOf` still owe: each statement's gross less the
 * payments recorded against its pay run for its therapist, paid by `asOf` (never below zero).
 */
export function owedToTherapists(ledger: OverviewLedger, asOf: IsoDate): Cents {
  const paid = new Map<string, Cents>();
  for (const p of ledger.payments)
    if (p.status === 'paid' && p.payRunId !== undefined && p.paidOn <= asOf) {
      const key = `${p.payRunId}\u0000${p.therapistId}`;
      paid.set(key, (paid.get(key) ?? 0) + p.amountCents);
    }
  let owed = 0;
  for (const run of ledger.payRuns) {
    if (run.period.end > asOf) continue;
    for (const s of run.statements) owed += Math.max(0, s.totalCents - (paid.get(`${run.id}\u0000${s.therapistId}`) ?? 0));
  }
  return owed;
}

/** The month's figures: `month` checked by overviewMonth first. */
export function monthTotals(ledger: OverviewLedger, month: string, bounds: Period, asOf: IsoDate): MonthTotals {
  const receivables = receivablesLedger(ledgerAsOf(ledgerInputs(ledger), asOf));
  const figures = monthFigures(ledger, month, bounds, asOf, receivables.cancelled);
  const balances = [...receivables.invoices.values()];
  const byAgency = new Map<string, Margin>();
  const byTherapist = new Map<string, Margin>();
  const byDiscipline = new Map<Discipline, Margin>();
  for (const { invoice, net } of billedInvoices(ledger, bounds))
    invoice.lines.forEach((line, i) => {
      addTo(byAgency, invoice.agencyId, 'billedCents', net[i]!);
      addTo(byTherapist, line.therapistId, 'billedCents', net[i]!);
      addTo(byDiscipline, line.discipline, 'billedCents', net[i]!);
    });
  for (const run of payRunsOf(ledger, bounds))
    for (const s of run.statements)
      for (const line of s.lines) {
        addTo(byAgency, line.agencyId, 'payrollCents', line.amountCents);
        addTo(byTherapist, s.therapistId, 'payrollCents', line.amountCents);
        addTo(byDiscipline, line.discipline, 'payrollCents', line.amountCents);
      }
  return {
    ...figures,
    asOf,
    openReceivablesCents: sumCents(balances.map((b) => b.openCents)),
    receivablesByAge: agedOpen(
      balances.filter((b) => b.openCents > 0),
      asOf,
    ),
    paidToTherapistsCents: sumCents(
      ledger.payments.filter((p) => p.status === 'paid' && within(p.paidOn, bounds) && p.paidOn <= asOf).map((p) => p.amountCents),
    ),
    owedToTherapistsCents: owedToTherapists(ledger, asOf),
    marginCents: figures.billedCents - figures.payrollCents,
    byAgency,
    byTherapist,
    byDiscipline,
  };
}

/** Billed, collected and payroll for the `count` months ending with `month`, oldest first (months after today left out). */
export function monthSeries(ledger: OverviewLedger, month: string, today: IsoDate, count = OVERVIEW_MONTHS): MonthFigures[] {
  const series: MonthFigures[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const m = addMonths(month, -back);
    const checked = overviewMonth(m, today);
    if (!checked.ok) continue;
    const cancelled = receivablesLedger(ledgerAsOf(ledgerInputs(ledger), checked.value.asOf)).cancelled;
    series.push(monthFigures(ledger, m, checked.value, checked.value.asOf, cancelled));
  }
  return series;
}

// ---------------------------------------------------------------- held visits

/** A visit a close would leave off, and from what: its invoice, its pay statement, or both. */
export type HeldItem = {
  visitId: string;
  date: IsoDate;
  agencyId: string;
  therapistId: string;
  discipline: Discipline;
  visitType: string;
  heldFrom: ('invoice' | 'pay')[];
  reasons: string[];
};

export type HeldInput = {
  /** The visits dated up to the month's end not yet both billed and paid. */
  visits: readonly (BillableVisit & PayableVisit & { billed: boolean; paid: boolean })[];
  bounds: Period;
  agencies: ReadonlyMap<string, Agency>;
  therapists: readonly PayrollTherapist[];
  rates: RateBook;
  vocabulary: Vocabulary;
  holdPayUntilNoteDone: boolean;
  issueDate: IsoDate;
};

/**
 * The visits dated up to the month's end that a close would hold, with the reasons the
 * close gives (no bill or pay rate, no MRN where the agency asks for one, the note not
 * done): those of active agencies not yet billed, and those not yet paid. Oldest first.
 */
export function heldVisits(input: HeldInput): HeldItem[] {
  const period = { start: input.bounds.start, end: input.bounds.end };
  const unbilled = new Map<string, BillableVisit[]>();
  for (const v of input.visits) {
    if (v.billed || v.date > period.end || !input.agencies.get(v.agencyId)?.active) continue;
    unbilled.set(v.agencyId, [...(unbilled.get(v.agencyId) ?? []), v]);
  }
  const names = new Map(input.therapists.map((t) => [t.id, t.name]));
  const therapistName = (id: string) => names.get(id) ?? id;
  const held: { from: 'invoice' | 'pay'; visit: HeldVisit }[] = [];
  for (const [agencyId, visits] of unbilled) {
    const agency = input.agencies.get(agencyId)!;
    const start = visits.reduce((min, v) => (v.date < min ? v.date : min), period.start);
    const drafted = draftInvoice({
      agency,
      period: { start, end: period.end },
      visits,
      rates: input.rates,
      therapistName,
      vocabulary: input.vocabulary,
      issueDate: input.issueDate,
    });
    for (const h of drafted.held) held.push({ from: 'invoice', visit: h });
  }
  const unpaid = input.visits.filter((v) => !v.paid && v.date <= period.end);
  if (unpaid.length > 0) {
    const start = unpaid.reduce((min, v) => (v.date < min ? v.date : min), period.start);
    const drafted = draftPayStatements({
      period: { start, end: period.end },
      visits: unpaid,
      rates: input.rates,
      therapists: input.therapists,
      agencyName: (id) => input.agencies.get(id)?.name ?? id,
      vocabulary: input.vocabulary,
      holdPayUntilNoteDone: input.holdPayUntilNoteDone,
    });
    for (const h of drafted.held) held.push({ from: 'pay', visit: h });
  }
  const byId = new Map(input.visits.map((v) => [v.id, v]));
  const items = new Map<string, HeldItem>();
  for (const { from, visit } of held) {
    const v = byId.get(visit.visitId)!;
    let item = items.get(v.id);
    if (!item) {
      item = {
        visitId: v.id,
        date: v.date,
        agencyId: v.agencyId,
        therapistId: v.therapistId,
        discipline: v.discipline,
        visitType: v.visitType,
        heldFrom: [],
        reasons: [],
      };
      items.set(v.id, item);
    }
    item.heldFrom.push(from);
    for (const p of visit.problems) if (!item.reasons.includes(p.message)) item.reasons.push(p.message);
  }
  return [...items.values()].sort((a, b) => (a.date === b.date ? a.visitId.localeCompare(b.visitId) : a.date < b.date ? -1 : 1));
}

// ---------------------------------------------------------------- W-9s and blockers

export type MissingW9 = { therapistId: string; reason: string; paidThisYearCents: Cents; payrollThisYearCents: Cents };

/**
 * The therapists paid in the month's year (by `asOf`), or on a pay run of a period ended in
 * it, without a usable W-9: none on file, or a TIN the IRS says is wrong.
 */
export function missingW9s(
  ledger: OverviewLedger,
  therapists: readonly (Pick<PayrollTherapist, 'id' | 'tinIncorrect'> & { w9?: unknown })[],
  asOf: IsoDate,
): MissingW9[] {
  const year = { start: `${asOf.slice(0, 4)}-01-01`, end: asOf };
  const paid = new Map<string, Cents>();
  const payroll = new Map<string, Cents>();
  for (const p of ledger.payments)
    if (p.status === 'paid' && within(p.paidOn, year)) paid.set(p.therapistId, (paid.get(p.therapistId) ?? 0) + p.amountCents);
  for (const run of ledger.payRuns)
    if (within(run.period.end, year))
      for (const s of run.statements) payroll.set(s.therapistId, (payroll.get(s.therapistId) ?? 0) + s.totalCents);
  return therapists.flatMap((t) => {
    if (t.w9 && !t.tinIncorrect) return [];
    if (!paid.has(t.id) && !payroll.has(t.id)) return [];
    return [
      {
        therapistId: t.id,
        reason: t.w9 ? 'the IRS says the TIN on the W-9 is wrong' : 'no W-9 on file',
        paidThisYearCents: paid.get(t.id) ?? 0,
        payrollThisYearCents: payroll.get(t.id) ?? 0,
      },
    ];
  });
}

export type Blocker = { blocks: 'close' | 'year-end'; message: string };

export type BlockerInput = {
  asOf: IsoDate;
  /** Visits dated up to `asOf` not yet billed (of active agencies) or not yet paid. */
  unsettled: readonly { agencyId: string; date: IsoDate; billed: boolean; paid: boolean }[];
  agencies: ReadonlyMap<string, Agency>;
  payrollCycle: CycleRule;
  /** Whether the agency's cycle `period` is closed. */
  cycleClosed: (agencyId: string, period: Period) => boolean;
  payRunStarts: ReadonlySet<IsoDate>;
  held: number;
  missingW9: number;
  payerTinOnFile: boolean;
  paidThisYear: boolean;
};

/** What stops the next close going through whole, or the year's 1099-NEC being filed, in the owner's words; the oldest first. */
export function blockers(input: BlockerInput): Blocker[] {
  const out: Blocker[] = [];
  const unclosed = new Map<string, { agency: Agency; period: Period }>();
  const unrun = new Map<string, Period>();
  for (const v of input.unsettled) {
    const agency = input.agencies.get(v.agencyId);
    if (!v.billed && agency?.active) {
      const period = periodContaining(agency.billingCycle, v.date);
      if (period.end <= input.asOf && !input.cycleClosed(agency.id, period))
        unclosed.set(`${agency.id}:${period.start}`, { agency, period });
    }
    if (!v.paid) {
      const period = periodContaining(input.payrollCycle, v.date);
      if (period.end <= input.asOf && !input.payRunStarts.has(period.start)) unrun.set(period.start, period);
    }
  }
  const byEnd = <T extends { period: Period }>(a: T, b: T) => (a.period.end < b.period.end ? -1 : a.period.end > b.period.end ? 1 : 0);
  for (const { agency, period } of [...unclosed.values()].sort(byEnd))
    out.push({
      blocks: 'close',
      message: `${agency.name}'s cycle ${periodLabel(period)} has ended with visits not billed: close ${period.end.slice(0, 7)}`,
    });
  for (const period of [...unrun.values()].sort((a, b) => (a.end < b.end ? -1 : 1)))
    out.push({
      blocks: 'close',
      message: `The pay period ${periodLabel(period)} has ended with visits not paid: close ${period.end.slice(0, 7)}`,
    });
  if (input.held > 0)
    out.push({
      blocks: 'close',
      message: `${input.held} visit${input.held === 1 ? ' is' : 's are'} held: left off invoices or pay until the reason given is fixed`,
    });
  if (input.missingW9 > 0)
    out.push({
      blocks: 'year-end',
      message: `${input.missingW9} therapist${input.missingW9 === 1 ? '' : 's'} paid or on a pay run this year without a usable W-9: their 1099-NEC cannot be filed until one is on file`,
    });
  if (input.paidThisYear && !input.payerTinOnFile)
    out.push({ blocks: 'year-end', message: "The org's own TIN is not recorded: the 1099-NEC IRS file needs it (visitledger payer-tin)" });
  return out;
}

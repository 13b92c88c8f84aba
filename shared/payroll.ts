/**
 * Pay statements, computed from the same visits as the invoices (never re-entered):
 * one statement per therapist per pay period, at the pay rate in force on each visit date.
 */
import { formatMoney, roundCents, sumCents, type Cents } from './money.ts';
import { heldVisit, memo, pricedVisit, throwIfAfterPeriod, throwOnRepeatedVisit, type HeldVisit } from './invoicing.ts';
import { compareText, DISCIPLINE_ORDER, nameRanks, sortByNumber, textRanks } from './ordering.ts';
import type { RateBook, RateNames } from './rates.ts';
import { BACKUP_WITHHOLDING_PERCENT, w9Status } from './tax1099.ts';
import type { Period, PayStatement, PayStatementLine, Therapist, Visit, WithoutW9 } from './schemas.ts';
import { DISCIPLINES, type Vocabulary } from './vocabulary.ts';

export type PayrollWarning = { therapistId: string; code: 'no-w9' | 'tin-incorrect'; message: string };

/** What pay needs of a visit: no patient, so payroll never handles PHI (a stored visit fits as is). */
export type PayableVisit = Pick<Visit, 'id' | 'agencyId' | 'therapistId' | 'date' | 'discipline' | 'visitType' | 'noteDone'>;

export type PayrollTherapist = Pick<Therapist, 'id' | 'name' | 'withoutW9' | 'tinIncorrect'> & { w9?: unknown };

// ---------------------------------------------------------------------------------------
// Backup withholding (IRC 3406)

/**
 * Without a usable W-9 the pay is held unless the owner chose withholding for the therapist.
 * Holding is the safe default: no money leaves without a TIN, so the org owes the IRS
 * nothing and files no Form 945 it did not choose, and the therapist is paid in full as
 * soon as the W-9 comes (most missing W-9s are late, not refused). Withholding commits the
 * org to depositing the 24% and filing Form 945: the owner opts into that per therapist.
 */
export const DEFAULT_WITHOUT_W9: WithoutW9 = 'hold';

/** How one payment to a therapist goes: in full, with backup withholding kept, or held. */
export type Withholding = 'none' | 'backup' | 'held';

/** From the W-9 on file now: a W-9 whose TIN the IRS has not flagged pays in full. */
export function withholdingFor(therapist: Pick<PayrollTherapist, 'withoutW9' | 'tinIncorrect'> & { w9?: unknown }): Withholding {
  if (w9Status(therapist) === 'on-file' && therapist.tinIncorrect !== true) return 'none';
  return (therapist.withoutW9 ?? DEFAULT_WITHOUT_W9) === 'withhold' ? 'backup' : 'held';
}

/** 24% of a gross payment, rounded once. */
export function backupWithholdingCents(grossCents: Cents): Cents {
  return roundCents((grossCents * BACKUP_WITHHOLDING_PERCENT) / 100);
}

/** A gross payment split into what is kept for the IRS and what the therapist receives. */
export function splitGross(grossCents: Cents, withholding: Withholding): { withheldCents: Cents; netCents: Cents } {
  const withheldCents = withholding === 'backup' ? backupWithholdingCents(grossCents) : 0;
  return { withheldCents, netCents: grossCents - withheldCents };
}

/**
 * A statement as stored, with the withholding fields a statement stored before withholding
 * existed lacks: it withheld nothing, held nothing, and paid its total.
 */
export function storedStatement<
  S extends Omit<PayStatement, 'withheldCents' | 'netCents' | 'held'> & Partial<Pick<PayStatement, 'withheldCents' | 'netCents' | 'held'>>,
>(s: S): S & Pick<PayStatement, 'withheldCents' | 'netCents' | 'held'> {
  const withheldCents = s.withheldCents ?? 0;
  return { ...s, withheldCents, netCents: s.netCents ?? s.totalCents - withheldCents, held: s.held ?? false };
}

/** What a statement decided when its pay run was computed (a statement stored before withholding existed withheld nothing). */
export function statementWithholding(s: Partial<Pick<PayStatement, 'withheldCents' | 'held'>>): Withholding {
  if (s.held === true) return 'held';
  return (s.withheldCents ?? 0) > 0 ? 'backup' : 'none';
}

export type DraftPayStatementsInput = {
  period: Period;
  /** Unpaid visits dated on or before period.end, all agencies (earlier ones become late lines). */
  visits: readonly PayableVisit[];
  rates: RateBook;
  /** Name and whether a W-9 is on file: payroll needs nothing else of a therapist (no TIN). */
  therapists: readonly PayrollTherapist[];
  agencyName: (agencyId: string) => string;
  vocabulary: Vocabulary;
  /** The org holds a visit from pay until its note is marked done. */
  holdPayUntilNoteDone: boolean;
};

/**
 * One statement per therapist with at least one payable visit, sorted by therapist name.
 * Lines: the period's visits first, then late ones, each by date, agency, discipline.
 * A visit without a pay rate, or with its note not done while the org holds, is held.
 */
export function draftPayStatements(input: DraftPayStatementsInput): {
  statements: PayStatement[];
  held: HeldVisit[];
  warnings: PayrollWarning[];
} {
  const { period, rates, vocabulary } = input;
  if (period.start > period.end)
    throw new Error(`period ${period.start}..${period.end} ends before it starts`, { cause: { code: 'bad-period' } });
  const therapists = new Map(input.therapists.map((t) => [t.id, t]));
  const agencyName = memo(input.agencyName);
  const context: PayContext = {
    period,
    rates,
    vocabulary,
    therapists,
    agencyName,
    holdPayUntilNoteDone: input.holdPayUntilNoteDone,
    names: { agencyName, therapistName: (id) => therapists.get(id)?.name ?? id, visitTypeLabel: (code) => vocabulary.visitTypeLabel(code) },
  };
  const byTherapist = new Map<string, PayStatementLine[]>();
  const held: HeldVisit[] = [];
  const agencyNamesSeen = new Set<string>();
  const datesSeen = new Set<string>();
  for (const visit of input.visits) {
    const priced = payVisit(visit, context);
    if ('problems' in priced) {
      held.push(priced);
      continue;
    }
    agencyNamesSeen.add(priced.agencyName);
    datesSeen.add(priced.date);
    const lines = byTherapist.get(visit.therapistId);
    if (lines) lines.push(priced);
    else byTherapist.set(visit.therapistId, [priced]);
  }

  const agencyRanks = nameRanks(agencyNamesSeen);
  const dates = textRanks(datesSeen);
  const statements: PayStatement[] = [];
  const warnings: PayrollWarning[] = [];
  for (const [therapistId, lines] of byTherapist) {
    const therapist = therapists.get(therapistId)!;
    sortByNumber(
      lines,
      (l) =>
        ((Number(l.late) * dates.size + dates.get(l.date)!) * agencyRanks.size + agencyRanks.get(l.agencyName)!) * DISCIPLINES.length +
        DISCIPLINE_ORDER.get(l.discipline)!,
      (l) => l.visitId,
    );
    throwOnRepeatedVisit(lines, 'draftPayStatements');
    const totalCents = sumCents(lines.map((l) => l.amountCents));
    const withholding = withholdingFor(therapist);
    const statement: PayStatement = {
      therapistId,
      therapistName: therapist.name,
      period: { start: period.start, end: period.end },
      lines,
      totalCents,
      w9Status: w9Status(therapist),
      ...splitGross(totalCents, withholding),
      held: withholding === 'held',
    };
    statements.push(statement);
    const warning = withholdingWarning(statement);
    if (warning) warnings.push(warning);
  }
  const therapistRanks = nameRanks(statements.map((s) => s.therapistName));
  const order = (s: PayStatement) => therapistRanks.get(s.therapistName)!;
  statements.sort((a, b) => order(a) - order(b) || compareText(a.therapistId, b.therapistId));
  const position = new Map(statements.map((s, i) => [s.therapistId, i]));
  warnings.sort((a, b) => position.get(a.therapistId)! - position.get(b.therapistId)!);
  return { statements, held, warnings };
}

/** Why a statement is held or withheld, in the words the owner and the therapist see: "no W-9 on file". */
export function withholdingReason(s: Pick<PayStatement, 'w9Status'>): string {
  return s.w9Status === 'missing' ? 'no W-9 on file' : 'the IRS says the TIN on file is wrong';
}

/**
 * What actually happens to a statement's pay, for the statement, the pay run's answer and
 * the PDF: "held: no W-9 on file" or "24% backup withholding kept: $132.00 of $550.00".
 * Null when it is paid in full.
 */
export function withholdingSummary(s: Pick<PayStatement, 'w9Status' | 'totalCents' | 'withheldCents' | 'held'>): string | null {
  const withholding = statementWithholding(s);
  if (withholding === 'held') return `held: ${withholdingReason(s)}`;
  if (withholding === 'backup') return backupWithholdingKept(s.withheldCents, s.totalCents);
  return null;
}

export function backupWithholdingKept(withheldCents: Cents, grossCents: Cents): string {
  return `${BACKUP_WITHHOLDING_PERCENT}% backup withholding kept: ${formatMoney(withheldCents)} of ${formatMoney(grossCents)}`;
}

/** What the owner is told about a therapist paid without a usable W-9; null when paid in full. */
export function withholdingWarning(
  s: Pick<PayStatement, 'therapistId' | 'therapistName' | 'w9Status' | 'totalCents' | 'withheldCents' | 'netCents' | 'held'>,
): PayrollWarning | null {
  const summary = withholdingSummary(s);
  if (!summary) return null;
  const code = s.w9Status === 'missing' ? 'no-w9' : 'tin-incorrect';
  const next =
    statementWithholding(s) === 'held'
      ? `Nothing is paid until a signed W-9 is on file; then the ${formatMoney(s.totalCents)} is paid in full. ` +
        `To pay now instead, set the therapist to pay with ${BACKUP_WITHHOLDING_PERCENT}% backup withholding.`
      : `${formatMoney(s.netCents)} is paid; the ${formatMoney(s.withheldCents)} withheld is owed to the IRS (Form 945) and shows in Box 4 of the 1099-NEC. ` +
        'A W-9 on file stops withholding from the next pay run.';
  return { therapistId: s.therapistId, code, message: `${s.therapistName}: ${summary}. ${next}` };
}

type PayContext = {
  period: Period;
  rates: RateBook;
  vocabulary: Vocabulary;
  therapists: ReadonlyMap<string, PayrollTherapist>;
  agencyName: (agencyId: string) => string;
  holdPayUntilNoteDone: boolean;
  names: RateNames;
};

/**
 * One visit's pay line, or why it is held. A function of its own, called once per visit,
 * so the engine optimizes it on its own: written inline, the long caller kept deoptimizing.
 */
function payVisit(visit: PayableVisit, c: PayContext): PayStatementLine | HeldVisit {
  throwIfAfterPeriod('draftPayStatements', visit, c.period);
  if (!c.therapists.has(visit.therapistId)) {
    throw new Error(
      `draftPayStatements: visit ${visit.id} names therapist ${visit.therapistId}, who is not among the therapists passed in`,
      { cause: { code: 'unknown-therapist' } },
    );
  }
  const rate = c.rates.payRate({
    agencyId: visit.agencyId,
    therapistId: visit.therapistId,
    discipline: visit.discipline,
    visitType: visit.visitType,
    date: visit.date,
  });
  const noteHeld = c.holdPayUntilNoteDone && !visit.noteDone;
  if (!rate.ok || noteHeld) {
    const note = noteHeld ? { code: 'note-not-done', message: 'Visit note not marked done; pay is held until it is' } : undefined;
    return heldVisit(visit.id, rate, c.names, note);
  }
  return {
    visitId: visit.id,
    date: visit.date,
    agencyId: visit.agencyId,
    agencyName: c.agencyName(visit.agencyId),
    ...pricedVisit(visit, rate.value.cents, c),
  };
}

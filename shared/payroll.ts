/**
 * Pay statements, computed from the same visits as the invoices (never re-entered):
 * one statement per therapist per pay period, at the pay rate in force on each visit date.
 */
import { formatMoney, sumCents } from './money.ts';
import { memo, throwOnRepeatedVisit, type HeldVisit } from './invoicing.ts';
import { compareText, DISCIPLINE_ORDER, nameRanks, sortByNumber, textRanks } from './ordering.ts';
import { describeMissingRate, type RateBook, type RateNames } from './rates.ts';
import { BACKUP_WITHHOLDING_PERCENT, w9Status } from './tax1099.ts';
import type { Period, PayStatement, PayStatementLine, Therapist, Visit } from './schemas.ts';
import { DISCIPLINES, type Vocabulary } from './vocabulary.ts';

export type PayrollWarning = { therapistId: string; code: 'no-w9'; message: string };

/** What pay needs of a visit: no patient, so payroll never handles PHI (a stored visit fits as is). */
export type PayableVisit = Pick<Visit, 'id' | 'agencyId' | 'therapistId' | 'date' | 'discipline' | 'visitType' | 'noteDone'>;

export type PayrollTherapist = Pick<Therapist, 'id' | 'name'> & { w9?: unknown };

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
export function draftPayStatements(input: DraftPayStatementsInput): { statements: PayStatement[]; held: HeldVisit[]; warnings: PayrollWarning[] } {
  const { period, rates, vocabulary } = input;
  if (period.start > period.end) throw new Error(`period ${period.start}..${period.end} ends before it starts`, { cause: { code: 'bad-period' } });
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
      (l) => ((Number(l.late) * dates.size + dates.get(l.date)!) * agencyRanks.size + agencyRanks.get(l.agencyName)!) * DISCIPLINES.length + DISCIPLINE_ORDER.get(l.discipline)!,
      (l) => l.visitId,
    );
    throwOnRepeatedVisit(lines, 'draftPayStatements');
    const totalCents = sumCents(lines.map((l) => l.amountCents));
    statements.push({
      therapistId,
      therapistName: therapist.name,
      period: { start: period.start, end: period.end },
      lines,
      totalCents,
      w9Status: w9Status(therapist),
    });
    if (w9Status(therapist) === 'missing') warnings.push(noW9Warning(therapistId, therapist.name, totalCents));
  }
  const therapistRanks = nameRanks(statements.map((s) => s.therapistName));
  const order = (s: PayStatement) => therapistRanks.get(s.therapistName)!;
  statements.sort((a, b) => order(a) - order(b) || compareText(a.therapistId, b.therapistId));
  const position = new Map(statements.map((s, i) => [s.therapistId, i]));
  warnings.sort((a, b) => position.get(a.therapistId)! - position.get(b.therapistId)!);
  return { statements, held, warnings };
}

/** What the owner is told before paying a therapist with no W-9 on file. */
export function noW9Warning(therapistId: string, name: string, dueCents: number): PayrollWarning {
  return {
    therapistId,
    code: 'no-w9',
    message:
      `No W-9 on file for ${name}. Get a signed W-9 before paying the ${formatMoney(dueCents)} due: ` +
      `without a TIN the payer may have to withhold ${BACKUP_WITHHOLDING_PERCENT}% (backup withholding) and pay it to the IRS. ` +
      'VisitLedger does not withhold; the decision is yours.',
  };
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
  if (visit.date > c.period.end) {
    throw new Error(`draftPayStatements: visit ${visit.id} is dated ${visit.date}, after the period ending ${c.period.end}`, { cause: { code: 'after-period' } });
  }
  if (!c.therapists.has(visit.therapistId)) {
    throw new Error(`draftPayStatements: visit ${visit.id} names therapist ${visit.therapistId}, who is not among the therapists passed in`, { cause: { code: 'unknown-therapist' } });
  }
  const rate = c.rates.payRate({ agencyId: visit.agencyId, therapistId: visit.therapistId, discipline: visit.discipline, visitType: visit.visitType, date: visit.date });
  const noteHeld = c.holdPayUntilNoteDone && !visit.noteDone;
  if (!rate.ok || noteHeld) {
    const problems: HeldVisit['problems'] = [];
    if (!rate.ok) problems.push({ code: rate.error.code, message: describeMissingRate(rate.error, c.names) });
    if (noteHeld) problems.push({ code: 'note-not-done', message: 'Visit note not marked done; pay is held until it is' });
    return { visitId: visit.id, problems };
  }
  return {
    visitId: visit.id,
    date: visit.date,
    agencyId: visit.agencyId,
    agencyName: c.agencyName(visit.agencyId),
    discipline: visit.discipline,
    visitType: visit.visitType,
    visitTypeLabel: c.vocabulary.visitTypeLabel(visit.visitType),
    rateCents: rate.value.cents,
    amountCents: rate.value.cents, // one visit is one unit
    late: visit.date < c.period.start,
  };
}

import type { IsoDate } from './dates.ts';
import { err, ok, type Result } from './result.ts';
import type { BillRate, PayRate } from './schemas.ts';
import type { Discipline, VisitTypeCode } from './vocabulary.ts';

/**
 * A rate that could not be found, naming exactly what is missing. `earliest` is set when
 * a rate exists but only from a later date than the visit.
 */
export type MissingRate =
  | { code: 'missing-bill-rate'; agencyId: string; discipline: Discipline; visitType: VisitTypeCode; date: IsoDate; earliest?: IsoDate }
  | {
      code: 'missing-pay-rate';
      therapistId: string;
      agencyId: string;
      discipline: Discipline;
      visitType: VisitTypeCode;
      date: IsoDate;
      earliest?: IsoDate;
    };

type Dated = { effectiveFrom: IsoDate };

/** The rate in force on `date`: the one with the latest effectiveFrom on or before it. */
export function inForce<R extends Dated>(candidates: readonly R[], date: IsoDate): { rate?: R; earliest?: IsoDate } {
  let rate: R | undefined;
  let earliest: IsoDate | undefined;
  for (const c of candidates) {
    if (c.effectiveFrom <= date) {
      if (!rate || c.effectiveFrom > rate.effectiveFrom) rate = c;
    } else if (!earliest || c.effectiveFrom < earliest) {
      earliest = c.effectiveFrom;
    }
  }
  return rate ? { rate } : earliest ? { earliest } : {};
}

const billKey = (agencyId: string, discipline: string, visitType: string) => `${agencyId}\u0000${discipline}\u0000${visitType}`;
const payKey = (therapistId: string, agencyId: string | undefined, discipline: string, visitType: string) =>
  `${therapistId}\u0000${agencyId ?? ''}\u0000${discipline}\u0000${visitType}`;

/**
 * Each rate's history by exactly what it prices (a therapist's agency override apart from
 * their general rate): the rates of the same key as `rate`, of every effective date.
 */
export function rateHistories(
  billRates: readonly BillRate[],
  payRates: readonly PayRate[],
): { bill(rate: BillRate): readonly BillRate[]; pay(rate: PayRate): readonly PayRate[] } {
  const bills = group(billRates, (r) => billKey(r.agencyId, r.discipline, r.visitType));
  const pays = group(payRates, (r) => payKey(r.therapistId, r.agencyId, r.discipline, r.visitType));
  return {
    bill: (r) => bills.get(billKey(r.agencyId, r.discipline, r.visitType)) ?? [],
    pay: (r) => pays.get(payKey(r.therapistId, r.agencyId, r.discipline, r.visitType)) ?? [],
  };
}

export type VisitRateQuery = { agencyId: string; therapistId: string; discipline: Discipline; visitType: VisitTypeCode; date: IsoDate };

/** Rate lookups over a set of bill and pay rates, indexed once (a cycle close asks once per visit). */
export type RateBook = {
  billRate(q: Omit<VisitRateQuery, 'therapistId'>): Result<BillRate, MissingRate>;
  /** The therapist's override for this agency when one is in force on the date, else the general rate. */
  payRate(q: VisitRateQuery): Result<PayRate, MissingRate>;
};

export function buildRateBook(billRates: readonly BillRate[], payRates: readonly PayRate[]): RateBook {
  const bills = group(billRates, (r) => billKey(r.agencyId, r.discipline, r.visitType));
  const pays = group(payRates, (r) => payKey(r.therapistId, r.agencyId, r.discipline, r.visitType));
  // Each key's history, newest first with its answer made once, found through nested maps by
  // the key's parts: a close builds no key string and no result per visit.
  // Not by date as well: visits rarely share a therapist, agency, type and date, so answers
  // kept by date were mostly misses, each costing new maps.
  const billHistories: Tree = new Map();
  const payHistories: Tree = new Map();
  return {
    billRate(q) {
      const leaves = branch(branch(billHistories, q.agencyId), q.discipline) as Map<string, History<BillRate> | null>;
      let history = leaves.get(q.visitType);
      if (history === undefined) {
        history = historyOf(bills.get(billKey(q.agencyId, q.discipline, q.visitType)));
        leaves.set(q.visitType, history);
      }
      return answerOn(history, q.date) ?? billRateOn(bills, q);
    },
    payRate(q) {
      const leaves = branch(branch(branch(payHistories, q.therapistId), q.agencyId), q.discipline) as Map<string, PayHistories>;
      let histories = leaves.get(q.visitType);
      if (histories === undefined) {
        histories = {
          override: historyOf(pays.get(payKey(q.therapistId, q.agencyId, q.discipline, q.visitType))),
          general: historyOf(pays.get(payKey(q.therapistId, undefined, q.discipline, q.visitType))),
        };
        leaves.set(q.visitType, histories);
      }
      // The agency's override when one is in force on the date, else the general rate.
      return answerOn(histories.override, q.date) ?? answerOn(histories.general, q.date) ?? payRateOn(pays, q);
    },
  };
}

/** Nested maps, one level per part of a rate's key. */
type Tree = Map<string, unknown>;

function branch(tree: Tree, part: string): Tree {
  let next = tree.get(part) as Tree | undefined;
  if (next === undefined) {
    next = new Map();
    tree.set(part, next);
  }
  return next;
}

/** One key's rates, the latest effective date first, each with its answer (answers are never changed by their readers). */
type History<R extends Dated> = { newestFirst: R[]; answers: Result<R, MissingRate>[] };
type PayHistories = { override: History<PayRate> | null; general: History<PayRate> | null };

function historyOf<R extends Dated>(rates: readonly R[] | undefined): History<R> | null {
  if (!rates) return null;
  // Stable: of two rates with one effective date, the first given wins, as in inForce.
  const newestFirst = [...rates].sort((a, b) => (a.effectiveFrom > b.effectiveFrom ? -1 : a.effectiveFrom < b.effectiveFrom ? 1 : 0));
  return { newestFirst, answers: newestFirst.map((r) => ok(r)) };
}

/** The answer of the rate in force on `date`, or undefined when none is (the caller says why). */
function answerOn<R extends Dated>(history: History<R> | null, date: IsoDate): Result<R, MissingRate> | undefined {
  if (history === null) return undefined;
  const rates = history.newestFirst;
  for (let i = 0; i < rates.length; i++) if (rates[i]!.effectiveFrom <= date) return history.answers[i];
  return undefined;
}

function billRateOn(bills: Map<string, BillRate[]>, q: Omit<VisitRateQuery, 'therapistId'>): Result<BillRate, MissingRate> {
  const found = inForce(bills.get(billKey(q.agencyId, q.discipline, q.visitType)) ?? [], q.date);
  if (found.rate) return ok(found.rate);
  return err({
    code: 'missing-bill-rate',
    agencyId: q.agencyId,
    discipline: q.discipline,
    visitType: q.visitType,
    date: q.date,
    ...(found.earliest ? { earliest: found.earliest } : {}),
  });
}

function payRateOn(pays: Map<string, PayRate[]>, q: VisitRateQuery): Result<PayRate, MissingRate> {
  const override = inForce(pays.get(payKey(q.therapistId, q.agencyId, q.discipline, q.visitType)) ?? [], q.date);
  if (override.rate) return ok(override.rate);
  const general = inForce(pays.get(payKey(q.therapistId, undefined, q.discipline, q.visitType)) ?? [], q.date);
  if (general.rate) return ok(general.rate);
  const earliest = [override.earliest, general.earliest].filter((d): d is string => d !== undefined).sort()[0];
  return err({
    code: 'missing-pay-rate',
    therapistId: q.therapistId,
    agencyId: q.agencyId,
    discipline: q.discipline,
    visitType: q.visitType,
    date: q.date,
    ...(earliest ? { earliest } : {}),
  });
}

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Names for the ids in a MissingRate, so the owner reads "Summit Visiting Health" and not an id. */
export type RateNames = { agencyName(id: string): string; therapistName(id: string): string; visitTypeLabel(code: string): string };

/** "No bill rate for Summit Visiting Health, PTA Evaluation, in force on 2026-03-16." */
export function describeMissingRate(missing: MissingRate, names: RateNames): string {
  const what = `${missing.discipline} ${names.visitTypeLabel(missing.visitType)}`;
  const later = missing.earliest ? ` (the first rate starts ${missing.earliest})` : '';
  if (missing.code === 'missing-bill-rate') {
    return `No bill rate for ${names.agencyName(missing.agencyId)}, ${what}, in force on ${missing.date}${later}`;
  }
  return `No pay rate for ${names.therapistName(missing.therapistId)}, ${what} at ${names.agencyName(missing.agencyId)}, in force on ${missing.date}${later}`;
}

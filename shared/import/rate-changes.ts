/**
 * Which of a sheet's rates to store, and from when. Rate sheets hold one rate per cell and
 * no dates; VisitLedger keeps each rate's history. A rate it does not have yet is stored as
 * in force from `newFrom`. A rate that differs from the one in force on `changesFrom` is
 * stored as in force from that day, and said: visits before it keep the rate they were done
 * at, even on an invoice or pay run closed later. An unchanged rate is not stored again.
 */
import { formatMoney } from '../money.ts';
import { inForce, rateHistories } from '../rates.ts';
import type { BillRate, PayRate } from '../schemas.ts';

type Dated = { cents: number; effectiveFrom: string };
export type RateChangeNames = { agency(id: string): string; therapist(id: string): string; visitType(code: string): string };

/** `sheet`: the sheet's rates, with ids; `stored`: what VisitLedger has. */
export function ratesToStore(
  sheet: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  stored: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  options: { changesFrom: string; newFrom: string; names: RateChangeNames },
): { billRates: BillRate[]; payRates: PayRate[]; changes: string[] } {
  const { changesFrom, newFrom, names } = options;
  const changes: string[] = [];
  const choose = <R extends Dated>(rate: R, history: readonly Dated[], what: string): R | null => {
    if (history.length === 0) return { ...rate, effectiveFrom: newFrom };
    const current = inForce(history, changesFrom).rate;
    if (current?.cents === rate.cents) return null;
    changes.push(
      `${what}: ${current ? formatMoney(current.cents) : 'none'} → ${formatMoney(rate.cents)} from ${changesFrom}${current ? ` (visits before keep ${formatMoney(current.cents)})` : ''}.`,
    );
    return { ...rate, effectiveFrom: changesFrom };
  };
  const histories = rateHistories(stored.billRates, stored.payRates);
  const billRates = sheet.billRates.flatMap((r) => {
    const chosen = choose(r, histories.bill(r), `Bill rate, ${names.agency(r.agencyId)}, ${r.discipline} ${names.visitType(r.visitType)}`);
    return chosen ? [chosen] : [];
  });
  const payRates = sheet.payRates.flatMap((r) => {
    const at = r.agencyId === undefined ? '' : ` at ${names.agency(r.agencyId)}`;
    const chosen = choose(
      r,
      histories.pay(r),
      `Pay rate, ${names.therapist(r.therapistId)}, ${r.discipline} ${names.visitType(r.visitType)}${at}`,
    );
    return chosen ? [chosen] : [];
  });
  return { billRates, payRates, changes };
}

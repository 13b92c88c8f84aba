/**
 * Which of the sheet's rates Sync sends, and from when. The rate tabs hold one rate per cell
 * and no dates; VisitLedger keeps each rate's history. A rate VisitLedger does not have yet is
 * sent as in force from `ratesFrom` (always, by default). A rate that differs from the one in
 * force today is sent as in force from today: visits already done keep the rate they were
 * done at, even on an invoice or pay run closed later. An unchanged rate is not sent. Pure.
 */
import { formatMoney } from '../../../shared/money.ts';
import { inForce, rateHistories } from '../../../shared/rates.ts';
import type { BillRate, PayRate } from '../../../shared/schemas.ts';

type Dated = { cents: number; effectiveFrom: string };
export type RateNames = { agency(id: string): string; therapist(id: string): string; visitType(code: string): string };

/** `sheet`: the tabs' rates, with the service's ids; `stored`: what VisitLedger has. */
export function ratesToSend(
  sheet: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  stored: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  options: { today: string; ratesFrom: string; names: RateNames },
): { billRates: BillRate[]; payRates: PayRate[]; changes: string[] } {
  const { today, ratesFrom, names } = options;
  const changes: string[] = [];
  const choose = <R extends Dated>(rate: R, history: readonly Dated[], what: string): R | null => {
    if (history.length === 0) return { ...rate, effectiveFrom: ratesFrom };
    const current = inForce(history, today).rate;
    if (current?.cents === rate.cents) return null;
    changes.push(
      `${what}: ${current ? formatMoney(current.cents) : 'none'} → ${formatMoney(rate.cents)} from ${today}${current ? ` (visits before keep ${formatMoney(current.cents)})` : ''}.`,
    );
    return { ...rate, effectiveFrom: today };
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

/**
 * Which of the sheet's rates Sync sends, and from when. The rate tabs hold one rate per cell
 * and no dates; VisitLedger keeps each rate's history. A rate VisitLedger does not have yet is
 * sent as in force from `ratesFrom` (always, by default). A rate that differs from the one in
 * force today is sent as in force from today: visits already done keep the rate they were
 * done at, even on an invoice or pay run closed later. An unchanged rate is not sent. Pure.
 */
import { formatMoney } from '../../../shared/money.ts';
import type { BillRate, PayRate } from '../../../shared/schemas.ts';

type Dated = { cents: number; effectiveFrom: string };
export type RateNames = { agency(id: string): string; therapist(id: string): string; visitType(code: string): string };

const billKey = (r: BillRate) => `${r.agencyId}\u0000${r.discipline}\u0000${r.visitType}`;
const payKey = (r: PayRate) => `${r.therapistId}\u0000${r.agencyId ?? ''}\u0000${r.discipline}\u0000${r.visitType}`;

/** The rate in force on `day` among one key's dated rates: the latest that started on or before it. */
function inForce(rates: readonly Dated[] | undefined, day: string): Dated | undefined {
  let found: Dated | undefined;
  for (const r of rates ?? []) if (r.effectiveFrom <= day && (!found || r.effectiveFrom > found.effectiveFrom)) found = r;
  return found;
}

function byKey<R>(rates: readonly R[], key: (r: R) => string): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const r of rates) {
    const list = map.get(key(r));
    if (list) list.push(r);
    else map.set(key(r), [r]);
  }
  return map;
}

/** `sheet`: the tabs' rates, with the service's ids; `stored`: what VisitLedger has. */
export function ratesToSend(
  sheet: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  stored: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  options: { today: string; ratesFrom: string; names: RateNames },
): { billRates: BillRate[]; payRates: PayRate[]; changes: string[] } {
  const { today, ratesFrom, names } = options;
  const changes: string[] = [];
  const choose = <R extends Dated>(rate: R, history: readonly Dated[] | undefined, what: string): R | null => {
    if (!history?.length) return { ...rate, effectiveFrom: ratesFrom };
    const current = inForce(history, today);
    if (current?.cents === rate.cents) return null;
    changes.push(`${what}: ${current ? formatMoney(current.cents) : 'none'} → ${formatMoney(rate.cents)} from ${today}${current ? ` (visits before keep ${formatMoney(current.cents)})` : ''}.`);
    return { ...rate, effectiveFrom: today };
  };
  const storedBill = byKey(stored.billRates, billKey);
  const storedPay = byKey(stored.payRates, payKey);
  const billRates = sheet.billRates.flatMap((r) => {
    const chosen = choose(r, storedBill.get(billKey(r)), `Bill rate, ${names.agency(r.agencyId)}, ${r.discipline} ${names.visitType(r.visitType)}`);
    return chosen ? [chosen] : [];
  });
  const payRates = sheet.payRates.flatMap((r) => {
    const at = r.agencyId === undefined ? '' : ` at ${names.agency(r.agencyId)}`;
    const chosen = choose(r, storedPay.get(payKey(r)), `Pay rate, ${names.therapist(r.therapistId)}, ${r.discipline} ${names.visitType(r.visitType)}${at}`);
    return chosen ? [chosen] : [];
  });
  return { billRates, payRates, changes };
}

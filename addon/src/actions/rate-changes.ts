/**
 * Which of the sheet's rates Sync sends, and from when (shared/import/rate-changes.ts): a rate
 * VisitLedger does not have yet from `ratesFrom` (always, by default), a changed one from the
 * day of the Sync, an unchanged one not at all. Pure.
 */
import { type RateChangeNames, ratesToStore } from '../../../shared/import/rate-changes.ts';
import type { BillRate, PayRate } from '../../../shared/schemas.ts';

/** `sheet`: the tabs' rates, with the service's ids; `stored`: what VisitLedger has. */
export function ratesToSend(
  sheet: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  stored: { billRates: readonly BillRate[]; payRates: readonly PayRate[] },
  options: { today: string; ratesFrom: string; names: RateChangeNames },
): { billRates: BillRate[]; payRates: PayRate[]; changes: string[] } {
  return ratesToStore(sheet, stored, { changesFrom: options.today, newFrom: options.ratesFrom, names: options.names });
}

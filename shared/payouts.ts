/**
 * What a pay run still owes each therapist when it is paid through Stripe. A payment made
 * for the pay run some other way (a check, a bank transfer, recorded with the pay run) is
 * taken off, so nobody is paid twice for the same statement. Backup withholding is kept
 * from what is still owed: the transfer carries the net.
 */
import { sumCents } from './money.ts';
import { splitGross, statementWithholding, type Withholding } from './payroll.ts';
import type { Payment, PayStatement } from './schemas.ts';

export type AmountDue = {
  therapistId: string;
  statementCents: number;
  /** Paid for this pay run outside the pay run's own transfers (gross). */
  paidElsewhereCents: number;
  /** The gross still owed; 0 when settled. What the payment records as its amountCents. */
  dueCents: number;
  withholding: Withholding;
  /** Backup withholding kept from dueCents (24%, rounded once); 0 unless withholding is 'backup'. */
  withheldCents: number;
  /** What a transfer should carry now: dueCents - withheldCents. */
  netCents: number;
};

/**
 * `paidElsewhere`: payments linked to the pay run that are not its own transfers; only `paid` ones count.
 * `releaseHeld`: how a held statement is paid now (from the W-9 on file now); without it, held stays held.
 */
export function payRunAmountsDue(
  statements: readonly (Pick<PayStatement, 'therapistId' | 'totalCents'> & Partial<Pick<PayStatement, 'withheldCents' | 'held'>>)[],
  payRunId: string,
  paidElsewhere: readonly Payment[],
  releaseHeld: (therapistId: string) => Withholding = () => 'held',
): AmountDue[] {
  return statements.map((s) => {
    const elsewhere = sumCents(
      paidElsewhere
        .filter((p) => p.payRunId === payRunId && p.therapistId === s.therapistId && p.status === 'paid')
        .map((p) => p.amountCents),
    );
    const dueCents = Math.max(0, s.totalCents - elsewhere);
    const decided = statementWithholding(s);
    const withholding = decided === 'held' ? releaseHeld(s.therapistId) : decided;
    return {
      therapistId: s.therapistId,
      statementCents: s.totalCents,
      paidElsewhereCents: elsewhere,
      dueCents,
      withholding,
      ...splitGross(dueCents, withholding),
    };
  });
}

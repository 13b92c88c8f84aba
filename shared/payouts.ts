/**
 * What a pay run still owes each therapist when it is paid through Stripe. A payment made
 * for the pay run some other way (a check, a bank transfer, recorded with the pay run) is
 * taken off, so nobody is paid twice for the same statement.
 */
import { sumCents } from './money.ts';
import type { Payment, PayStatement } from './schemas.ts';

export type AmountDue = {
  therapistId: string;
  statementCents: number;
  /** Paid for this pay run outside the pay run's own transfers. */
  paidElsewhereCents: number;
  /** What a transfer should carry now; 0 when settled. */
  dueCents: number;
};

/** `paidElsewhere`: payments linked to the pay run that are not its own transfers; only `paid` ones count. */
export function payRunAmountsDue(
  statements: readonly Pick<PayStatement, 'therapistId' | 'totalCents'>[],
  payRunId: string,
  paidElsewhere: readonly Payment[],
): AmountDue[] {
  return statements.map((s) => {
    const elsewhere = sumCents(paidElsewhere.filter((p) => p.payRunId === payRunId && p.therapistId === s.therapistId && p.status === 'paid').map((p) => p.amountCents));
    return { therapistId: s.therapistId, statementCents: s.totalCents, paidElsewhereCents: elsewhere, dueCents: Math.max(0, s.totalCents - elsewhere) };
  });
}

/**
 * A month's pay runs (the payroll periods that end in it), as `visitledger payrun --period
 * YYYY-MM` shows them: created if missing (creating again returns the first), and with
 * `pay`, approved (the CLI is the owner at the keyboard) and paid through Stripe.
 */
import {
  monthBounds,
  ok,
  payRunAmountsDue,
  periodsEndingIn,
  type AmountDue,
  type Payment,
  type Period,
  type Result,
} from '../../../../shared/index.ts';
import type { PayRunStatus } from '../../store/port.ts';
import type { Failure } from '../../failure.ts';
import { fail } from '../../failure.ts';
import { loadOrg } from '../orgs.ts';
import { approvePayRun, createPayRun } from '../payroll.ts';
import type { PayoutContext } from './context.ts';
import { attemptOf, isOwnStripeAttempt, payPayRun, type PayLine } from './pay.ts';

export type MonthPayRun = { payRunId: string; period: Period; status: PayRunStatus; therapists: (PayLine & { therapistName: string })[] };
export type MonthPayout = { month: string; payRuns: MonthPayRun[] };

export async function payRunsOfMonth(
  ctx: PayoutContext,
  orgId: string,
  month: string,
  options: { pay: boolean },
): Promise<Result<MonthPayout, Failure>> {
  const bounds = monthBounds(month);
  if (!bounds.ok) return fail('invalid-input', `period: ${bounds.error.message}`, [{ path: 'period', message: bounds.error.message }]);
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const payRuns: MonthPayRun[] = [];
  for (const period of periodsEndingIn(org.value.settings.payrollCycle, bounds.value)) {
    const created = await createPayRun(ctx, orgId, period);
    if (!created.ok) return created;
    let run = created.value.payRun;
    const names = new Map(run.statements.map((s) => [s.therapistId, s.therapistName]));
    if (options.pay) {
      if (run.status === 'open') {
        const approved = await approvePayRun(ctx, orgId, run.id);
        // A concurrent `payrun --pay` may have approved it first: the same decision, so pay on.
        if (!approved.ok && (await ctx.store.getPayRun(orgId, run.id))?.status === 'open') return approved;
      }
      const paid = await payPayRun(ctx, orgId, run.id);
      if (!paid.ok) return paid;
      payRuns.push({
        payRunId: run.id,
        period,
        status: paid.value.payRunStatus,
        therapists: paid.value.payments.map((l) => ({ ...l, therapistName: names.get(l.therapistId) ?? l.therapistId })),
      });
      continue;
    }
    run = (await ctx.store.getPayRun(orgId, run.id))!;
    const payments = await ctx.store.listPayments(orgId, { payRunId: run.id });
    const elsewhere = payments.filter((p) => !isOwnStripeAttempt(run.id)(p));
    payRuns.push({
      payRunId: run.id,
      period,
      status: run.status,
      therapists: payRunAmountsDue(run.statements, run.id, elsewhere).map((due) => {
        const last = payments
          .filter(isOwnStripeAttempt(run.id, due.therapistId))
          .sort((a, b) => attemptOf(a) - attemptOf(b))
          .at(-1);
        return { ...lineFromPayments(due, last), therapistName: names.get(due.therapistId) ?? due.therapistId };
      }),
    });
  }
  return ok({ month, payRuns });
}

function lineFromPayments(due: AmountDue, last: Payment | undefined): PayLine {
  const { therapistId } = due;
  if (last) {
    const status = last.status === 'canceled' ? 'failed' : last.status;
    return {
      therapistId,
      amountCents: last.amountCents,
      ...(last.withheldCents ? { withheldCents: last.withheldCents } : {}),
      status,
      paymentId: last.id,
      ...(last.reference ? { transferId: last.reference } : {}),
      ...(last.status === 'paid' ? { paidOn: last.paidOn } : {}),
    };
  }
  if (due.dueCents === 0 && due.paidElsewhereCents > 0)
    return { therapistId, amountCents: due.paidElsewhereCents, status: 'paid-outside-stripe' };
  return {
    therapistId,
    amountCents: due.dueCents,
    ...(due.withheldCents ? { withheldCents: due.withheldCents } : {}),
    status: due.withholding === 'held' ? 'held' : 'not-paid',
  };
}

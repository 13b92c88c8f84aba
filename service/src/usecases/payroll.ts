/**
 * Pay runs: pay statements per therapist for a payroll period, computed from the same
 * visits as the invoices (never re-entered), plus late visits of earlier periods. A pay run
 * is created once per period; creating it again returns the first one.
 */
import {
  draftPayStatements,
  isPeriodOf,
  ok,
  periodContaining,
  periodLabel,
  sumCents,
  withholdingFor,
  withholdingWarning,
  type HeldVisit,
  type Period,
  type Result,
} from '../../../shared/index.ts';
import type { BillingVisit, PayRunRecord } from '../store/port.ts';
import { loadBillingInputs, seqsOnLines, type BillingInputs } from './billing-inputs.ts';
import { crashPoint } from '../faults/crash-points.ts';
import { audit, notEndedYet, type UseCaseContext } from './context.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { refuseNewBilling } from './subscription.ts';

export const payRunId = (period: Period) => `payroll:${period.start}`;

export type PayRunResult = {
  status: 'created' | 'already-exists';
  payRun: PayRunRecord;
  held: HeldVisit[];
  /** Therapists without a usable W-9: their pay held, or paid with backup withholding kept. */
  warnings: { therapistId: string; code: string; message: string }[];
};

const MAX_CONFLICT_RETRIES = 3;

/** A pay period with nothing payable, when the caller asked for no empty pay run: a $0.00 one would only be there to approve. */
export type NothingToPay = { status: 'nothing-to-pay'; period: Period; held: HeldVisit[]; warnings: PayRunResult['warnings'] };

type PayRunRead = { inputs: BillingInputs; unpaid?: readonly BillingVisit[] };

/**
 * `read`: what the caller already loaded (a month's close): the org's data, and the unpaid
 * visits dated up to the period's end; with `skipEmpty`, a period with nothing to pay makes no pay run.
 */
export async function createPayRun(
  ctx: UseCaseContext,
  orgId: string,
  period: Period,
  read?: PayRunRead,
): Promise<Result<PayRunResult, Failure>>;
export async function createPayRun(
  ctx: UseCaseContext,
  orgId: string,
  period: Period,
  read: PayRunRead & { skipEmpty: true },
): Promise<Result<PayRunResult | NothingToPay, Failure>>;
export async function createPayRun(
  ctx: UseCaseContext,
  orgId: string,
  period: Period,
  read?: PayRunRead & { skipEmpty?: true },
): Promise<Result<PayRunResult | NothingToPay, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const rule = org.value.settings.payrollCycle;
  if (period.start > period.end || !isPeriodOf(rule, period)) {
    const message = `${period.start} to ${period.end} is not a payroll period (the one containing ${period.start} is ${periodLabel(periodContaining(rule, period.start))})`;
    return fail('invalid-input', message, [{ path: 'period', message }]);
  }
  const early = notEndedYet(ctx, org.value.settings.timeZone, period, `the pay period ${periodLabel(period)}`);
  if (early) return early;
  const id = payRunId(period);
  // A pay run already made is answered as it is whatever the plan: only a new one is new billing.
  if (!(await ctx.store.getPayRun(orgId, id))) {
    const refused = await refuseNewBilling(ctx, orgId);
    if (refused) return refused;
  }
  const inputs = read?.inputs ?? (await loadBillingInputs(ctx, orgId, org.value.settings));

  for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
    const existing = await ctx.store.getPayRun(orgId, id);
    if (existing) return ok({ status: 'already-exists', payRun: existing, held: [], warnings: w9WarningsNow(existing, inputs) });
    // After a conflict the visits are read again: the caller's read is out of date.
    const visits =
      attempt === 0 && read?.unpaid ? read.unpaid : await ctx.store.listBillingVisits(orgId, { paid: false, dateTo: period.end });
    const { statements, held, warnings } = draftPayStatements({
      period,
      visits,
      rates: inputs.rates,
      therapists: [...inputs.therapists.values()],
      agencyName: inputs.agencyName,
      vocabulary: inputs.vocabulary,
      holdPayUntilNoteDone: org.value.settings.holdPayUntilNoteDone,
    });
    if (read?.skipEmpty && statements.length === 0) return ok({ status: 'nothing-to-pay', period, held, warnings });
    const payRun: PayRunRecord = {
      id,
      period,
      status: 'open',
      statements,
      totalCents: sumCents(statements.map((s) => s.totalCents)),
      createdAt: ctx.now().toISOString(),
    };
    crashPoint('payrun.computed');
    const outcome = await ctx.store.commitPayRun(orgId, payRun, seqsOnLines(visits, held));
    crashPoint('payrun.committed');
    if (outcome.status === 'conflict') continue;
    if (outcome.status === 'already-exists')
      return ok({ status: 'already-exists', payRun: outcome.payRun, held: [], warnings: w9WarningsNow(outcome.payRun, inputs) });
    await audit(ctx, orgId, [{ action: 'create', recordType: 'pay-run', recordId: id, detail: `${statements.length} statements` }]);
    return ok({ status: 'created', payRun, held, warnings });
  }
  return fail('conflict', `the pay run for ${periodLabel(period)} kept changing while it was being created; try again`);
}

/**
 * A pay run asked for again warns as the first answer did, except for a held statement whose
 * therapist has a usable W-9 now: paying the run pays it in full.
 */
function w9WarningsNow(payRun: PayRunRecord, inputs: BillingInputs): PayRunResult['warnings'] {
  return payRun.statements.flatMap((s) => {
    const therapist = inputs.therapists.get(s.therapistId);
    if (s.held && therapist !== undefined && withholdingFor(therapist) === 'none') return [];
    const warning = withholdingWarning(s);
    return warning ? [warning] : [];
  });
}

export async function getPayRun(ctx: UseCaseContext, orgId: string, id: string): Promise<Result<PayRunRecord, Failure>> {
  const run = await ctx.store.getPayRun(orgId, id);
  return run ? ok(run) : fail('not-found', `no pay run "${id}"`);
}

export async function listPayRuns(ctx: UseCaseContext, orgId: string): Promise<Result<PayRunRecord[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok(await ctx.store.listPayRuns(orgId));
}

/** The owner approves a pay run before money moves. */
export async function approvePayRun(ctx: UseCaseContext, orgId: string, id: string): Promise<Result<PayRunRecord, Failure>> {
  const run = await ctx.store.getPayRun(orgId, id);
  if (!run) return fail('not-found', `no pay run "${id}"`);
  if (run.status !== 'open') return fail('rule-broken', `the pay run is ${run.status}, not open`);
  const refused = await refuseNewBilling(ctx, orgId);
  if (refused) return refused;
  if (!(await ctx.store.setPayRunStatus(orgId, id, 'open', 'approved', ctx.now().toISOString())))
    return fail('conflict', 'the pay run changed meanwhile; reload it');
  await audit(ctx, orgId, [{ action: 'update', recordType: 'pay-run', recordId: id, detail: 'approved' }]);
  return ok((await ctx.store.getPayRun(orgId, id))!);
}

/**
 * Paying an approved pay run through Stripe. For each therapist with an amount due and a
 * ready account: a `pending` payment is written first, then one transfer from the org's
 * balance with a deterministic idempotency key. The payment's id is deterministic too
 * (`stripe:<pay run>:<therapist>:<attempt>`), so two calls at once cannot both write it:
 * the second finds the first's row and finishes it with the same key, which Stripe answers
 * with the same transfer.
 *
 * - A `pending` payment (a crash, a lost answer, a concurrent call) is finished, never
 *   replaced: first the pay run's transfer group is searched for its transfer (Stripe keeps
 *   idempotency keys for 24 hours only), then the transfer is asked for again with the same
 *   key and the same parameters, all read from the stored row.
 * - A refusal (balance, account not ready) makes the payment `failed` with a reason. Stripe
 *   replays a refused request's answer for 24 hours under its key, so the next attempt is a
 *   new payment under a new key (`...:retry:<n>`); the refused one made no transfer, so this
 *   cannot pay twice.
 * - An idempotency conflict (the key was used with other parameters) leaves the payment
 *   pending and says so: it is the owner's to look into, never retried under another key.
 *
 * A payment is `paid` when its transfer exists: the money left the org's balance that day
 * (the org's time zone), and that is the day the 1099-NEC counts it by. The payout to the
 * therapist's bank is tracked apart (webhooks.ts).
 */
import {
  backupWithholdingKept,
  calendarDayIn,
  ok,
  payRunAmountsDue,
  withholdingFor,
  withholdingReason,
  type AmountDue,
  type Payment,
  type Result,
} from '../../../../shared/index.ts';
import type { AccountState, PayoutGateway, Transfer, TransferOutcome } from '../../payouts/gateway-port.ts';
import type { OrgRecord, PayRunRecord, PayRunStatus } from '../../store/port.ts';
import type { ConnectedAccountRecord, StripeTransferRecord } from '../../store/payouts-port.ts';
import { crashPoint } from '../../faults/crash-points.ts';
import { audit } from '../context.ts';
import { fail, type Failure } from '../../failure.ts';
import { loadOrg } from '../orgs.ts';
import { isProviderError, openConnection, providerReason, REVERSED_PROBLEM, reversalDetail, type PayoutContext } from './context.ts';
import { isReady, withState } from './onboarding.ts';
import { refuseNewBilling } from '../subscription.ts';

export type PayLineStatus = 'paid' | 'failed' | 'pending' | 'not-paid' | 'paid-outside-stripe' | 'nothing-due' | 'held';

/** One therapist's outcome. `problem` (a sentence for the owner) is set only when the owner has something to do. */
export type PayLine = {
  therapistId: string;
  /** The gross; the transfer carries amountCents - withheldCents. */
  amountCents: number;
  /** Backup withholding kept from the gross (no usable W-9, the therapist set to withhold). */
  withheldCents?: number;
  status: PayLineStatus;
  paymentId?: string;
  transferId?: string;
  paidOn?: string;
  problem?: string;
  /** Something the owner should know that does not stop the payment (backup withholding kept). */
  warning?: string;
  problemCode?:
    | 'no-account'
    | 'account-not-ready'
    | 'balance-insufficient'
    | 'account-inactive'
    | 'idempotency-conflict'
    | 'refused'
    | 'stripe-unreachable'
    | 'reversed';
};

export type PayRunPayout = { payRunId: string; payRunStatus: PayRunStatus; payments: PayLine[] };

const PREFIX = 'stripe:';
const stripePaymentId = (payRunId: string, therapistId: string, attempt: number) => `${PREFIX}${payRunId}:${therapistId}:${attempt}`;
export const attemptOf = (p: Payment) => Number(p.id.slice(p.id.lastIndexOf(':') + 1));
/** The first attempt's key is the one the design names; later attempts (after a refusal) add their number. */
const idempotencyKeyOf = (payRunId: string, therapistId: string, attempt: number) =>
  `payrun:${payRunId}:therapist:${therapistId}${attempt === 0 ? '' : `:retry:${attempt}`}`;
const transferGroupOf = (payRunId: string) => `payrun:${payRunId}`;

/** The pay run's own Stripe payments (of one therapist, or of all), in attempt order when sorted by attemptOf. */
export const isOwnStripeAttempt = (payRunId: string, therapistId?: string) => (p: Payment) =>
  p.method === 'stripe' && p.id.startsWith(therapistId === undefined ? `${PREFIX}${payRunId}:` : `${PREFIX}${payRunId}:${therapistId}:`);

type Run = {
  ctx: PayoutContext;
  orgId: string;
  org: OrgRecord;
  payRun: PayRunRecord;
  gateway: PayoutGateway;
  /** The pay run's transfer group as Stripe has it, read once when a pending payment needs it. */
  groupTransfers?: Transfer[];
};

const PROBLEM_TEXT: Record<NonNullable<PayLine['problemCode']>, string> = {
  'no-account': 'has no Stripe account yet: run onboarding and send the therapist the link',
  'account-not-ready': 'has not finished Stripe onboarding, or Stripe needs more from them: send the onboarding link again',
  'balance-insufficient': 'the Stripe balance is too low: add funds to the Stripe balance, then pay again',
  'account-inactive':
    'Stripe will not send money to this account now: the therapist must finish what Stripe asks (send the onboarding link), then pay again',
  'idempotency-conflict':
    "Stripe already has a different request under this payment's key: check the transfer group in the Stripe dashboard before paying again; the payment stays pending",
  refused: 'Stripe refused the transfer',
  'stripe-unreachable': 'Stripe did not answer: pay again to finish it (the payment stays pending and is never paid twice)',
  reversed: 'the transfer was reversed in Stripe: paying the run again sends it again',
};

const problem = (code: NonNullable<PayLine['problemCode']>, detail?: string) => ({
  problemCode: code,
  problem: detail ? `${PROBLEM_TEXT[code]} (${detail})` : PROBLEM_TEXT[code],
});

export async function payPayRun(ctx: PayoutContext, orgId: string, payRunId: string): Promise<Result<PayRunPayout, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const payRun = await ctx.store.getPayRun(orgId, payRunId);
  if (!payRun) return fail('not-found', `no pay run "${payRunId}"`);
  if (payRun.status === 'open') return fail('rule-broken', 'the pay run is open: the owner approves it before money moves');
  const refused = await refuseNewBilling(ctx, orgId);
  if (refused) return refused;
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  if (payRun.status === 'approved') await ctx.store.setPayRunStatus(orgId, payRunId, 'approved', 'paying', ctx.now().toISOString());

  const run: Run = { ctx, orgId, org: org.value, payRun, gateway: open.value.gateway };
  const payments = await ctx.store.listPayments(orgId, { payRunId });
  const elsewhere = payments.filter((p) => !isOwnStripeAttempt(payRunId)(p));
  const lines: PayLine[] = [];
  // A held statement is decided again from the W-9 on file now: a W-9 received since pays it in full.
  const therapists = new Map((await ctx.store.listTherapists(orgId)).map((t) => [t.id, t]));
  const releaseHeld = (therapistId: string) => {
    const therapist = therapists.get(therapistId);
    return therapist ? withholdingFor(therapist) : 'held';
  };
  const statements = new Map(payRun.statements.map((s) => [s.therapistId, s]));
  for (const due of payRunAmountsDue(payRun.statements, payRunId, elsewhere, releaseHeld)) {
    const attempts = payments.filter(isOwnStripeAttempt(payRunId, due.therapistId)).sort((a, b) => attemptOf(a) - attemptOf(b));
    const line = await payTherapist(run, due, attempts, withholdingReason(statements.get(due.therapistId)!));
    lines.push(line.withheldCents ? { ...line, warning: backupWithholdingKept(line.withheldCents, line.amountCents) } : line);
  }
  const settled = lines.every((l) => l.status === 'paid' || l.status === 'paid-outside-stripe' || l.status === 'nothing-due');
  if (settled) await ctx.store.setPayRunStatus(orgId, payRunId, 'paying', 'paid', ctx.now().toISOString());
  const paid = lines.filter((l) => l.status === 'paid').length;
  await audit(ctx, orgId, [
    { action: 'update', recordType: 'pay-run', recordId: payRunId, detail: `pay through Stripe: ${paid} of ${lines.length} paid` },
  ]);
  return ok({ payRunId, payRunStatus: (await ctx.store.getPayRun(orgId, payRunId))!.status, payments: lines });
}

/** `heldReason`: why a held statement is held ("no W-9 on file"). */
async function payTherapist(run: Run, due: AmountDue, attempts: Payment[], heldReason: string): Promise<PayLine> {
  const { ctx, orgId } = run;
  const base = { therapistId: due.therapistId, amountCents: due.dueCents };
  const last = attempts.at(-1);
  if (last?.status === 'paid') return lineOf(run, last);
  // A pending attempt may have made its transfer: it is finished first, whatever else was paid since.
  if (last?.status === 'pending') {
    const account = await ctx.payouts.getConnectedAccount(orgId, due.therapistId);
    if (!account) return { ...base, status: 'not-paid', ...problem('no-account') };
    return finish(run, last, account);
  }
  if (due.dueCents === 0)
    return due.paidElsewhereCents > 0
      ? { ...base, amountCents: due.paidElsewhereCents, status: 'paid-outside-stripe' }
      : { ...base, status: 'nothing-due' };
  if (due.withholding === 'held') {
    return {
      ...base,
      status: 'held',
      problem: `${heldReason}: get a signed W-9 (then pay again), or set the therapist to pay with backup withholding`,
    };
  }
  const account = await ctx.payouts.getConnectedAccount(orgId, due.therapistId);
  if (!account) return { ...base, status: 'not-paid', ...problem('no-account') };

  // A webhook can be late or lost: Stripe itself says whether the account can take money now.
  let state: AccountState;
  try {
    state = await run.gateway.retrieveAccount(account.accountId);
  } catch (error) {
    if (!isProviderError(error)) throw error;
    return { ...base, status: 'not-paid', ...problem('stripe-unreachable', providerReason(error)) };
  }
  const checked = withState(account, state, ctx.now().toISOString());
  await ctx.payouts.updateConnectedAccount(orgId, checked);
  if (!isReady(checked))
    return {
      ...base,
      status: 'not-paid',
      ...problem('account-not-ready', checked.requirementsDue.join(', ') || checked.disabledReason || undefined),
    };

  const attempt = last ? attemptOf(last) + 1 : 0;
  const payment: Payment = {
    id: stripePaymentId(run.payRun.id, due.therapistId, attempt),
    therapistId: due.therapistId,
    amountCents: due.dueCents,
    paidOn: calendarDayIn(ctx.now(), run.org.settings.timeZone),
    method: 'stripe',
    status: 'pending',
    payRunId: run.payRun.id,
    ...(due.withheldCents > 0 ? { withheldCents: due.withheldCents } : {}),
  };
  if ((await ctx.store.insertPayment(orgId, payment)) === 'exists') {
    // Another call wrote this attempt first: finish it the same way (same key, same parameters).
    const theirs = (await ctx.store.getPayment(orgId, payment.id))!;
    return theirs.status === 'pending' ? finish(run, theirs, checked) : lineOf(run, theirs);
  }
  crashPoint('pay.pending-written');
  await audit(ctx, orgId, [
    {
      action: 'create',
      recordType: 'payment',
      recordId: payment.id,
      detail: `pending, ${payment.amountCents} cents by Stripe${payment.withheldCents ? `, ${payment.withheldCents} cents backup withholding kept` : ''}`,
    },
  ]);
  return send(run, payment, checked);
}

/** A pending payment: adopt its transfer if Stripe has it, else ask again with the same key. */
async function finish(run: Run, payment: Payment, account: ConnectedAccountRecord): Promise<PayLine> {
  try {
    run.groupTransfers ??= await run.gateway.listTransfers(transferGroupOf(run.payRun.id));
  } catch (error) {
    if (!isProviderError(error)) throw error;
    return { ...lineBase(payment), status: 'pending', ...problem('stripe-unreachable', providerReason(error)) };
  }
  const made = run.groupTransfers.find((t) => t.metadata.payment_id === payment.id);
  // Reversed in full before its id was stored, the transfer.reversed event found nothing to cancel: cancel here.
  if (made && made.amountReversedCents >= made.amountCents) return markReversed(run, payment, account, made);
  if (made) return markPaid(run, payment, account, made);
  return send(run, payment, account);
}

async function send(run: Run, payment: Payment, account: ConnectedAccountRecord): Promise<PayLine> {
  const { ctx, orgId } = run;
  const idempotencyKey = idempotencyKeyOf(run.payRun.id, payment.therapistId, attemptOf(payment));
  const record: StripeTransferRecord = (await ctx.payouts.getStripeTransfer(orgId, payment.id)) ?? {
    paymentId: payment.id,
    payRunId: run.payRun.id,
    therapistId: payment.therapistId,
    accountId: account.accountId,
    idempotencyKey,
  };
  await ctx.payouts.putStripeTransfer(orgId, record);
  let outcome: TransferOutcome;
  try {
    outcome = await run.gateway.createTransfer({
      amountCents: transferCents(payment),
      destination: record.accountId,
      transferGroup: transferGroupOf(run.payRun.id),
      idempotencyKey,
      metadata: { payment_id: payment.id, pay_run_id: run.payRun.id, therapist_id: payment.therapistId },
    });
  } catch (error) {
    // The transfer may or may not exist: the payment stays pending, and paying again finds out.
    if (!isProviderError(error)) throw error;
    return { ...lineBase(payment), status: 'pending', ...problem('stripe-unreachable', providerReason(error)) };
  }
  if (outcome.ok) {
    crashPoint('pay.transfer-answered');
    return markPaid(run, payment, account, outcome.transfer);
  }
  const { refusal } = outcome;
  const found = { code: refusal.kind, message: refusal.message };
  await ctx.payouts.putStripeTransfer(orgId, { ...record, problem: found });
  if (refusal.kind === 'idempotency-conflict') return { ...lineBase(payment), status: 'pending', ...problem('idempotency-conflict') };
  const failed: Payment = { ...payment, status: 'failed' };
  if (!(await ctx.store.updatePayment(orgId, failed, 'pending'))) return lineOf(run, (await ctx.store.getPayment(orgId, payment.id))!);
  await audit(ctx, orgId, [{ action: 'update', recordType: 'payment', recordId: payment.id, detail: `failed: ${refusal.kind}` }]);
  return { ...lineBase(failed), status: 'failed', ...problem(refusal.kind, refusal.stripeCode ?? undefined) };
}

/** The payment's stored transfer record, or the one `send` would have written. */
async function transferRecordOf(run: Run, payment: Payment, account: ConnectedAccountRecord): Promise<StripeTransferRecord> {
  return (
    (await run.ctx.payouts.getStripeTransfer(run.orgId, payment.id)) ?? {
      paymentId: payment.id,
      payRunId: run.payRun.id,
      therapistId: payment.therapistId,
      accountId: account.accountId,
      idempotencyKey: idempotencyKeyOf(run.payRun.id, payment.therapistId, attemptOf(payment)),
    }
  );
}

async function markPaid(run: Run, payment: Payment, account: ConnectedAccountRecord, transfer: Transfer): Promise<PayLine> {
  const { ctx, orgId } = run;
  const paid: Payment = {
    ...payment,
    status: 'paid',
    paidOn: calendarDayIn(transfer.createdAt, run.org.settings.timeZone),
    reference: transfer.id,
  };
  const record = await transferRecordOf(run, payment, account);
  const { problem: _solved, ...rest } = record;
  await ctx.payouts.putStripeTransfer(orgId, {
    ...rest,
    transferId: transfer.id,
    ...(transfer.destinationPayment ? { destinationPayment: transfer.destinationPayment } : {}),
  });
  if (await ctx.store.updatePayment(orgId, paid, 'pending')) {
    crashPoint('pay.answer-stored');
    await audit(ctx, orgId, [{ action: 'update', recordType: 'payment', recordId: payment.id, detail: `paid by transfer ${transfer.id}` }]);
    return lineOf(run, paid);
  }
  return lineOf(run, (await ctx.store.getPayment(orgId, payment.id))!);
}

/** As a transfer.reversed event treats a full reversal: the payment is canceled with the 'reversed' problem, never paid. */
async function markReversed(run: Run, payment: Payment, account: ConnectedAccountRecord, transfer: Transfer): Promise<PayLine> {
  const { ctx, orgId } = run;
  const record = await transferRecordOf(run, payment, account);
  await ctx.payouts.putStripeTransfer(orgId, {
    ...record,
    transferId: transfer.id,
    reversedCents: transfer.amountReversedCents,
    problem: REVERSED_PROBLEM,
  });
  const canceled: Payment = { ...payment, status: 'canceled', reference: transfer.id };
  if (await ctx.store.updatePayment(orgId, canceled, 'pending')) {
    await audit(ctx, orgId, [{ action: 'update', recordType: 'payment', recordId: payment.id, detail: reversalDetail(transfer) }]);
  }
  return lineOf(run, (await ctx.store.getPayment(orgId, payment.id))!);
}

/** The transfer carries the net: the gross less the backup withholding kept for the IRS. */
const transferCents = (p: Payment) => p.amountCents - (p.withheldCents ?? 0);

const lineBase = (p: Payment) => ({
  therapistId: p.therapistId,
  amountCents: p.amountCents,
  ...(p.withheldCents ? { withheldCents: p.withheldCents } : {}),
  paymentId: p.id,
});

async function lineOf(run: Run, p: Payment): Promise<PayLine> {
  if (p.status === 'paid') return { ...lineBase(p), status: 'paid', paidOn: p.paidOn, ...(p.reference ? { transferId: p.reference } : {}) };
  if (p.status === 'pending') return { ...lineBase(p), status: 'pending' };
  const record = await run.ctx.payouts.getStripeTransfer(run.orgId, p.id);
  const code = record?.problem?.code as PayLine['problemCode'] | undefined;
  return { ...lineBase(p), status: 'failed', ...problem(code && code in PROBLEM_TEXT ? code : 'refused') };
}

/** The Stripe payments of a pay run with their transfer and payout, for the owner. */
export async function listPayRunTransfers(
  ctx: PayoutContext,
  orgId: string,
  payRunId: string,
): Promise<Result<(StripeTransferRecord & { status: Payment['status']; amountCents: number; paidOn: string })[], Failure>> {
  const payRun = await ctx.store.getPayRun(orgId, payRunId);
  if (!payRun) return fail('not-found', `no pay run "${payRunId}"`);
  const payments = new Map((await ctx.store.listPayments(orgId, { payRunId })).map((p) => [p.id, p]));
  const records = await ctx.payouts.listStripeTransfers(orgId, { payRunId });
  return ok(
    records.flatMap((r) => {
      const p = payments.get(r.paymentId);
      return p ? [{ ...r, status: p.status, amountCents: p.amountCents, paidOn: p.paidOn }] : [];
    }),
  );
}

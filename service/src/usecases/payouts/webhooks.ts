/**
 * Stripe's webhook events for an org, verified with the org's signing secret on the raw
 * body. An event already handled (a replay) changes nothing; an unknown type is
 * acknowledged and ignored. What the events move:
 *
 * - `account.updated`, `capability.updated`: the therapist's readiness (an older event
 *   arriving after a newer one is ignored; paying confirms with Stripe anyway);
 * - `payout.paid`, `payout.failed` on a connected account: the payout status of the Stripe
 *   payments whose money that payout carried (found through the payout's balance
 *   transactions). A failed payout does not undo the payment: the transfer was made, the
 *   money waits on the therapist's Stripe balance until they fix their bank account, and
 *   Stripe pays it out again (that payout then carries the failed one's return);
 * - `transfer.reversed` (the platform's own event): a transfer reversed in full brought the
 *   money back, so its payment is `canceled` (it leaves the 1099, and paying the run again
 *   sends a new transfer); a partial reversal is noted on the payment for the owner;
 * - Checkout events on the org's own account (agencies paying invoices online): see
 *   usecases/online-payments.ts.
 */
import { ok, type Result } from '../../../../shared/index.ts';
import { PAYOUT_STATUSES, type PayoutStatus } from '../../store/payouts-port.ts';
import { audit } from '../context.ts';
import { fail, type Failure } from '../../failure.ts';
import { openConnection, REVERSED_PROBLEM, reversalDetail, viaStripe, type PayoutContext } from './context.ts';
import { isReady, withState } from './onboarding.ts';
import { applyCheckoutEvent, CHECKOUT_EVENTS } from '../online-payments.ts';

export type WebhookOutcome = { received: true; duplicate: boolean; handled: boolean };

const BAD_SIGNATURE = "the Stripe-Signature header does not verify against this org's webhook signing secret";

const payoutStatus = (stripeStatus: string): PayoutStatus | null =>
  stripeStatus === 'in_transit'
    ? 'in-transit'
    : (PAYOUT_STATUSES as readonly string[]).includes(stripeStatus)
      ? (stripeStatus as PayoutStatus)
      : null;

export async function receiveStripeEvent(
  ctx: PayoutContext,
  orgId: string,
  rawBody: Buffer,
  signature: string,
): Promise<Result<WebhookOutcome, Failure>> {
  const connection = await ctx.payouts.getStripeConnection(orgId);
  // An org without Stripe gets the same answer as a bad signature: nothing to learn here.
  if (!connection) return fail('invalid-input', BAD_SIGNATURE);
  const secrets = [connection.webhookSecret, ...(connection.accountWebhookSecret ? [connection.accountWebhookSecret] : [])];
  // The first secret that verifies is the event's endpoint: the other is not opened nor checked.
  let event = null;
  for (const secret of secrets) {
    event = ctx.verifyEvent(rawBody, signature, ctx.cipher.open(secret));
    if (event) break;
  }
  if (!event) return fail('invalid-input', BAD_SIGNATURE);
  if (await ctx.payouts.eventProcessed(orgId, event.id)) return ok({ received: true, duplicate: true, handled: false });

  let handled = false;
  const subject = event.subject;
  if (
    (event.type === 'account.updated' && subject.kind === 'account') ||
    (event.type === 'capability.updated' && subject.kind === 'capability')
  ) {
    const accountId = subject.kind === 'account' ? subject.state.accountId : subject.accountId;
    const record = await ctx.payouts.findConnectedAccount(orgId, accountId);
    if (record && event.created >= (record.eventCreated ?? 0)) {
      let state = subject.kind === 'account' ? subject.state : null;
      if (!state) {
        // A capability event carries the capability only: the account as a whole comes from Stripe.
        const open = await openConnection(ctx, orgId);
        if (!open.ok) return open;
        const fetched = await viaStripe(() => open.value.gateway.retrieveAccount(accountId));
        if (!fetched.ok) return fetched;
        state = fetched.value;
      }
      const updated = withState(record, state, ctx.now().toISOString(), event.created);
      await ctx.payouts.updateConnectedAccount(orgId, updated);
      if (isReady(updated) !== isReady(record)) {
        await audit(ctx, orgId, [
          {
            action: 'update',
            recordType: 'stripe-account',
            recordId: record.therapistId,
            detail: isReady(updated) ? 'ready for payouts' : 'not ready for payouts',
          },
        ]);
      }
      handled = true;
    }
  } else if (event.type === 'transfer.reversed' && subject.kind === 'transfer' && event.account === null) {
    handled = await applyReversal(ctx, orgId, subject.transfer);
  } else if ((event.type === 'payout.paid' || event.type === 'payout.failed') && subject.kind === 'payout' && event.account) {
    const status = payoutStatus(subject.payout.status);
    const outcome = status ? await applyPayout(ctx, orgId, event.account, { ...subject.payout, status }) : ok(false);
    if (!outcome.ok) return outcome;
    handled = outcome.value;
  } else if (CHECKOUT_EVENTS.includes(event.type) && event.account === null) {
    const outcome = await applyCheckoutEvent(ctx, orgId, event);
    if (!outcome.ok) return outcome;
    handled = outcome.value;
  }
  await ctx.payouts.markEventProcessed(orgId, event.id, ctx.now().toISOString());
  return ok({ received: true, duplicate: false, handled });
}

async function applyPayout(
  ctx: PayoutContext,
  orgId: string,
  accountId: string,
  payout: { id: string; status: PayoutStatus; failureCode: string | null },
): Promise<Result<boolean, Failure>> {
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  const sources = await viaStripe(() => open.value.gateway.payoutSources(accountId, payout.id));
  if (!sources.ok) return sources;
  const carried = new Set(sources.value);
  const records = await ctx.payouts.listStripeTransfers(orgId, { accountId });
  // The payout carried a transfer's money directly (its first payout: a record already on a later
  // payout keeps it, whatever arrives late), or the return of the earlier payout that failed.
  const mine = records.filter(
    (r) =>
      (r.payout !== undefined && carried.has(r.payout.id)) ||
      (r.destinationPayment !== undefined && carried.has(r.destinationPayment) && (r.payout === undefined || r.payout.id === payout.id)),
  );
  const at = ctx.now().toISOString();
  for (const r of mine) {
    // A payout can fail after it was paid (the bank returns it), never the other way round.
    if (r.payout?.id === payout.id && r.payout.status === 'failed') continue;
    await ctx.payouts.putStripeTransfer(orgId, {
      ...r,
      payout: { id: payout.id, status: payout.status, ...(payout.failureCode ? { failureCode: payout.failureCode } : {}), at },
    });
  }
  if (mine.length > 0) {
    await audit(
      ctx,
      orgId,
      mine.map((r) => ({
        action: 'update' as const,
        recordType: 'payment' as const,
        recordId: r.paymentId,
        detail: `payout ${payout.id} ${payout.status}${payout.failureCode ? ` (${payout.failureCode})` : ''}`,
      })),
    );
  }
  return ok(mine.length > 0);
}

async function applyReversal(
  ctx: PayoutContext,
  orgId: string,
  transfer: { id: string; amountCents: number; amountReversedCents: number; paymentId: string | null },
): Promise<boolean> {
  if (transfer.paymentId === null) return false;
  const [payment, record] = await Promise.all([
    ctx.store.getPayment(orgId, transfer.paymentId),
    ctx.payouts.getStripeTransfer(orgId, transfer.paymentId),
  ]);
  // Only the transfer this org's payment names: metadata alone is no proof.
  if (!payment || !record || record.transferId !== transfer.id || payment.method !== 'stripe') return false;
  const full = transfer.amountReversedCents >= transfer.amountCents;
  await ctx.payouts.putStripeTransfer(orgId, {
    ...record,
    reversedCents: transfer.amountReversedCents,
    ...(full ? { problem: REVERSED_PROBLEM } : {}),
  });
  if (full && payment.status === 'paid') await ctx.store.updatePayment(orgId, { ...payment, status: 'canceled' }, 'paid');
  await audit(ctx, orgId, [{ action: 'update', recordType: 'payment', recordId: payment.id, detail: reversalDetail(transfer) }]);
  return true;
}

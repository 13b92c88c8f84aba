/**
 * Agencies paying an invoice online, through the org's own Stripe account: a Checkout
 * Session (mode payment) for what the invoice has open, US bank account (ACH Direct Debit)
 * first and card if the org allows it. Stripe sees the invoice number, the amount and ids
 * (org, invoice, attempt), never a patient or a visit.
 *
 * Each attempt is written before Stripe is asked, numbered per invoice, and asks under the
 * key `invoice:<id>:checkout:<n>` with parameters read back from the attempt, so a retry
 * (a lost answer, a second click, two tabs) gets the same session. A new attempt is made only
 * when the last one can no longer be paid (expired, failed) or the open amount changed (the
 * old session is expired first, so two sessions for the same invoice are never payable).
 *
 * Stripe's events move the attempt on; only a payment that succeeded is money: it is
 * recorded as a receipt (method `stripe`, reference the PaymentIntent) through the receipts
 * use case, keyed by the PaymentIntent, so a replayed or repeated event records nothing more.
 * A bank debit is `processing` for days; a failed one clears it; a dispute reverses the receipt.
 */
import { calendarDayIn, ok, type OnlinePaymentMethod, type Result } from '../../../shared/index.ts';
import { receivablesLedger } from '../../../shared/receivables.ts';
import type { CheckoutRequest, CheckoutSession, VerifiedEvent } from '../payouts/gateway-port.ts';
import type { CheckoutAttempt, CheckoutStatus } from '../store/checkout-port.ts';
import type { StoredInvoice } from '../store/port.ts';
import { fail, type Failure } from '../failure.ts';
import { audit } from './context.ts';
import { loadOrg } from './orgs.ts';
import { openConnection, viaStripe, type OpenConnection, type PayoutContext } from './payouts/context.ts';
import type { PortalAccess } from './portal.ts';
import { voidInvoice } from './invoices.ts';
import { recordReceipt, reverseReceivable } from './receipts.ts';
import { readLedger } from './receivables.ts';

/** Stripe's smallest charge in USD. */
export const MINIMUM_ONLINE_CENTS = 50;

/** What the invoice page offers: the Pay button, the payment under way, or nothing. */
export type OnlinePayment = { kind: 'offered'; methods: OnlinePaymentMethod[] } | { kind: 'processing' } | { kind: 'not-offered' };

/** From which states an event may move an attempt: a late or repeated event never moves it back. */
const MOVES_FROM: Record<CheckoutStatus, readonly CheckoutStatus[]> = {
  creating: [],
  open: ['creating'],
  processing: ['creating', 'open'],
  succeeded: ['creating', 'open', 'processing', 'expired', 'failed'],
  failed: ['creating', 'open', 'processing'],
  expired: ['creating', 'open'],
  disputed: ['succeeded'],
};

const ATTEMPT_TRIES = 3;

type PayableInvoice = { invoiceId: string; number: string; agencyId: string; openCents: number };

/** The org offers paying online (a method chosen, Stripe connected with its own account's endpoint, which gets the Checkout events). */
async function offeredMethods(ctx: PayoutContext, orgId: string): Promise<OnlinePaymentMethod[]> {
  const org = await loadOrg(ctx, orgId);
  const methods = org.ok ? (org.value.settings.onlinePaymentMethods ?? []) : [];
  if (methods.length === 0) return [];
  const connection = await ctx.payouts.getStripeConnection(orgId);
  return connection?.accountWebhookSecret ? [...methods] : [];
}

/** The agency's invoice and what it has open, or why it takes no online payment. */
async function payableInvoice(ctx: PayoutContext, access: PortalAccess, invoiceId: string): Promise<Result<PayableInvoice, Failure>> {
  const invoice = await ctx.store.getInvoice(access.orgId, invoiceId);
  if (!invoice || invoice.agencyId !== access.link.agencyId) return fail('not-found', 'no such invoice');
  const balance = receivablesLedger(await readLedger(ctx, access.orgId, invoice.agencyId)).invoices.get(invoiceId);
  if (!balance || balance.status === 'void')
    return fail('rule-broken', `Invoice ${invoice.number} is void; it takes no payment`, { code: 'invoice-void' });
  if (balance.openCents === 0)
    return fail('rule-broken', `Invoice ${invoice.number} has nothing open (${balance.status})`, { code: 'nothing-open' });
  if (balance.openCents < MINIMUM_ONLINE_CENTS)
    return fail('rule-broken', `Invoice ${invoice.number} has less open than Stripe takes online ($0.50)`, { code: 'below-minimum' });
  return ok({ invoiceId, number: invoice.number, agencyId: invoice.agencyId, openCents: balance.openCents });
}

/** What the invoice page shows of paying online: a payment under way wins over the button. */
export async function onlinePaymentState(ctx: PayoutContext, access: PortalAccess, invoiceId: string): Promise<OnlinePayment> {
  const attempts = await ctx.payouts.listCheckoutAttempts(access.orgId, invoiceId);
  if (attempts.some((a) => a.status === 'processing')) return { kind: 'processing' };
  const methods = await offeredMethods(ctx, access.orgId);
  if (methods.length === 0 || !(await payableInvoice(ctx, access, invoiceId)).ok) return { kind: 'not-offered' };
  return { kind: 'offered', methods };
}

const portalInvoiceUrl = (ctx: PayoutContext, invoiceId: string, outcome: 'sent' | 'canceled') =>
  `${ctx.publicBaseUrl}/portal/invoices/${encodeURIComponent(invoiceId)}?payment=${outcome}`;

/** The session's parameters, all read from the attempt and the invoice: a retry under the same key asks exactly the same. */
function checkoutRequest(ctx: PayoutContext, orgId: string, invoice: PayableInvoice, a: CheckoutAttempt): CheckoutRequest {
  return {
    amountCents: a.amountCents,
    itemName: `Invoice ${invoice.number}`,
    paymentMethods: a.paymentMethods,
    metadata: { orgId, invoiceId: a.invoiceId, attempt: String(a.attempt) },
    successUrl: portalInvoiceUrl(ctx, a.invoiceId, 'sent'),
    cancelUrl: portalInvoiceUrl(ctx, a.invoiceId, 'canceled'),
    idempotencyKey: a.idempotencyKey,
  };
}

const processingRefusal = (number: string) =>
  fail('conflict', `A payment of Invoice ${number} is already under way; it shows here once the bank has paid it`, { code: 'processing' });

/** The attempt's session: asked for again under its key when the answer was never kept. */
async function sessionOf(
  ctx: PayoutContext,
  open: OpenConnection,
  orgId: string,
  invoice: PayableInvoice,
  a: CheckoutAttempt,
): Promise<Result<CheckoutSession, Failure>> {
  return viaStripe(() =>
    a.sessionId
      ? open.gateway.retrieveCheckoutSession(a.sessionId)
      : open.gateway.createCheckoutSession(checkoutRequest(ctx, orgId, invoice, a)),
  );
}

/** The attempt as stored now. */
const reread = async (ctx: PayoutContext, orgId: string, a: CheckoutAttempt) =>
  (await ctx.payouts.listCheckoutAttempts(orgId, a.invoiceId)).find((x) => x.attempt === a.attempt);

/** Keeps what Stripe said of the attempt's session (its id, and a paid or expired session's state); an event that moved it first wins. */
async function noteSession(ctx: PayoutContext, orgId: string, a: CheckoutAttempt, session: CheckoutSession): Promise<CheckoutAttempt> {
  // A completed session is under way until its event records the money (or says the debit failed).
  const status: CheckoutStatus = session.status === 'open' ? 'open' : session.status === 'expired' ? 'expired' : 'processing';
  const next: CheckoutAttempt = {
    ...a,
    status: status === a.status || MOVES_FROM[status].includes(a.status) ? status : a.status,
    sessionId: session.id,
    ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
    updatedAt: ctx.now().toISOString(),
  };
  if ((await ctx.payouts.updateCheckoutAttempt(orgId, next, a.status)) === 'updated') return next;
  return (await reread(ctx, orgId, a)) ?? next;
}

/**
 * Starts (or resumes) paying the invoice online: the URL of Stripe's page for what it has open.
 * Refused when the org does not offer it, the invoice is void or paid, or a payment is under way.
 */
export async function startOnlinePayment(
  ctx: PayoutContext,
  access: PortalAccess,
  invoiceId: string,
): Promise<Result<{ url: string }, Failure>> {
  const orgId = access.orgId;
  const methods = await offeredMethods(ctx, orgId);
  const invoice = await payableInvoice(ctx, access, invoiceId);
  if (!invoice.ok) return invoice;
  if (methods.length === 0) return fail('rule-broken', 'Paying online is not offered for these invoices', { code: 'not-offered' });
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  for (let tries = 0; tries < ATTEMPT_TRIES; tries++) {
    const attempts = await ctx.payouts.listCheckoutAttempts(orgId, invoiceId);
    if (attempts.some((a) => a.status === 'processing')) return processingRefusal(invoice.value.number);
    const last = attempts.at(-1);
    if (last && (last.status === 'creating' || last.status === 'open')) {
      const fetched = await sessionOf(ctx, open.value, orgId, invoice.value, last);
      if (!fetched.ok) return fetched;
      let session = fetched.value;
      const same = last.amountCents === invoice.value.openCents && last.paymentMethods.join() === methods.join();
      // The amount open changed (a check came in) or the methods did: that session must not be paid any more.
      if (session.status === 'open' && !same) {
        const expired = await viaStripe(() => open.value.gateway.expireCheckoutSession(session.id));
        if (!expired.ok) return expired;
        if (expired.value) session = expired.value;
        else {
          const now = await sessionOf(ctx, open.value, orgId, invoice.value, { ...last, sessionId: session.id });
          if (!now.ok) return now;
          session = now.value;
        }
      }
      const kept = await noteSession(ctx, orgId, last, session);
      if (kept.status === 'open' && session.status === 'open') return ok({ url: session.url! });
      // Paid, or being paid (the session completed, or an event moved the attempt on meanwhile): no second payment.
      if (kept.status !== 'expired' && kept.status !== 'failed') return processingRefusal(invoice.value.number);
    }
    const attempt: CheckoutAttempt = {
      invoiceId,
      attempt: (last?.attempt ?? 0) + 1,
      agencyId: invoice.value.agencyId,
      amountCents: invoice.value.openCents,
      paymentMethods: methods,
      idempotencyKey: `invoice:${invoiceId}:checkout:${(last?.attempt ?? 0) + 1}`,
      status: 'creating',
      createdAt: ctx.now().toISOString(),
      updatedAt: ctx.now().toISOString(),
    };
    // Another request made this attempt first: look again (it is resumed above, under the same key).
    if ((await ctx.payouts.insertCheckoutAttempt(orgId, attempt)) === 'exists') continue;
    const created = await sessionOf(ctx, open.value, orgId, invoice.value, attempt);
    if (!created.ok) return created;
    await noteSession(ctx, orgId, attempt, created.value);
    await audit(ctx, orgId, [
      {
        action: 'create',
        recordType: 'invoice',
        recordId: invoiceId,
        detail: `online payment attempt ${attempt.attempt} for ${attempt.amountCents} cents (Stripe Checkout ${created.value.id})`,
      },
    ]);
    return ok({ url: created.value.url! });
  }
  return fail('conflict', 'the payment changed while it was started; try again');
}

/**
 * Voids the invoice, then ends its Checkout Sessions that could still be paid:
 * a void invoice takes no payment. Stripe unreachable leaves the session to expire by itself
 * (24 hours); a payment made in between is never applied to the void invoice: it is recorded
 * as a receipt naming no invoice (oldest open first, the rest credit). Answers the voided invoice, as voidInvoice does.
 */
export async function voidInvoiceEndingPayments(
  ctx: PayoutContext,
  orgId: string,
  invoiceId: string,
  input: unknown,
): Promise<Result<StoredInvoice, Failure>> {
  const voided = await voidInvoice(ctx, orgId, invoiceId, input);
  if (voided.ok) await endOnlinePayments(ctx, orgId, invoiceId);
  return voided;
}

/** How many sessions were ended, and whether Stripe was reached. */
async function endOnlinePayments(ctx: PayoutContext, orgId: string, invoiceId: string): Promise<{ ended: number; unreachable: boolean }> {
  const payable = (await ctx.payouts.listCheckoutAttempts(orgId, invoiceId)).filter(
    (a) => a.sessionId && (a.status === 'creating' || a.status === 'open'),
  );
  if (payable.length === 0) return { ended: 0, unreachable: false };
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return { ended: 0, unreachable: true };
  let ended = 0;
  for (const a of payable) {
    const expired = await viaStripe(() => open.value.gateway.expireCheckoutSession(a.sessionId!));
    if (!expired.ok) return { ended, unreachable: true };
    if (expired.value) {
      await noteSession(ctx, orgId, a, expired.value);
      ended++;
    }
  }
  if (ended > 0)
    await audit(ctx, orgId, [
      {
        action: 'update',
        recordType: 'invoice',
        recordId: invoiceId,
        detail: `${ended} online payment session(s) ended: the invoice is void`,
      },
    ]);
  return { ended, unreachable: false };
}

/** The Checkout events this handles, all on the org's own account. */
export const CHECKOUT_EVENTS: readonly string[] = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.processing',
  'charge.dispute.created',
];

/** The attempt an event is about: by its session, its PaymentIntent, or the PaymentIntent's metadata (made when the customer paid). */
async function attemptOf(ctx: PayoutContext, orgId: string, event: VerifiedEvent): Promise<CheckoutAttempt | null> {
  const s = event.subject;
  if (s.kind === 'checkout-session') return ctx.payouts.findCheckoutAttempt(orgId, { sessionId: s.session.id });
  if (s.kind === 'dispute')
    return s.dispute.paymentIntentId ? ctx.payouts.findCheckoutAttempt(orgId, { paymentIntentId: s.dispute.paymentIntentId }) : null;
  if (s.kind !== 'payment-intent') return null;
  const found = await ctx.payouts.findCheckoutAttempt(orgId, { paymentIntentId: s.intent.id });
  if (found) return found;
  const { orgId: metaOrg, invoiceId, attempt } = s.intent.metadata;
  if (metaOrg !== orgId || !invoiceId) return null;
  return (await ctx.payouts.listCheckoutAttempts(orgId, invoiceId)).find((a) => String(a.attempt) === attempt) ?? null;
}

/** The day Stripe said it happened, in the org's time zone. */
async function eventDay(ctx: PayoutContext, orgId: string, event: VerifiedEvent): Promise<Result<string, Failure>> {
  const org = await loadOrg(ctx, orgId);
  return org.ok ? ok(calendarDayIn(new Date(event.created * 1000), org.value.settings.timeZone)) : org;
}

/** The money arrived: a receipt on the invoice (the rest, if it was paid meanwhile, is credit), keyed by the PaymentIntent. */
async function recordPayment(
  ctx: PayoutContext,
  orgId: string,
  a: CheckoutAttempt,
  paymentIntentId: string,
  amountCents: number,
  event: VerifiedEvent,
): Promise<Result<string, Failure>> {
  const clientId = `stripe:${paymentIntentId}`;
  const inputs = await readLedger(ctx, orgId, a.agencyId);
  const recorded = inputs.entries.find((e) => e.kind === 'receipt' && e.clientId === clientId);
  if (recorded) return ok(recorded.id);
  const day = await eventDay(ctx, orgId, event);
  if (!day.ok) return day;
  const balance = receivablesLedger(inputs).invoices.get(a.invoiceId);
  const onInvoice = balance !== undefined && balance.openCents > 0 && balance.invoice.issueDate <= day.value;
  const receipt = await recordReceipt(
    ctx,
    orgId,
    {
      agencyId: a.agencyId,
      amountCents,
      receivedOn: day.value,
      method: 'stripe',
      reference: paymentIntentId,
      ...(onInvoice ? { invoiceIds: [a.invoiceId] } : {}),
      clientId,
    },
    'stripe-event',
  );
  return receipt.ok ? ok(receipt.value.entries[0]!.id) : receipt;
}

/** Moves the attempt on if its state allows; read again when another event moved it meanwhile. */
async function moveTo(
  ctx: PayoutContext,
  orgId: string,
  read: CheckoutAttempt,
  status: CheckoutStatus,
  extra: Partial<CheckoutAttempt> = {},
) {
  let a: CheckoutAttempt | undefined = read;
  for (let tries = 0; a && tries < ATTEMPT_TRIES; tries++) {
    if (!MOVES_FROM[status].includes(a.status)) return false;
    if (
      (await ctx.payouts.updateCheckoutAttempt(orgId, { ...a, ...extra, status, updatedAt: ctx.now().toISOString() }, a.status)) ===
      'updated'
    ) {
      await audit(ctx, orgId, [
        { action: 'update', recordType: 'invoice', recordId: a.invoiceId, detail: `online payment attempt ${a.attempt} ${status}` },
      ]);
      return true;
    }
    a = await reread(ctx, orgId, a);
  }
  return false;
}

/**
 * A Checkout event for the org (verified by the caller, on its own account): moves the
 * attempt on, records the receipt when the payment succeeded and reverses it when disputed.
 * False when the event is not about one of the org's attempts or moves nothing.
 */
export async function applyCheckoutEvent(ctx: PayoutContext, orgId: string, event: VerifiedEvent): Promise<Result<boolean, Failure>> {
  const a = await attemptOf(ctx, orgId, event);
  if (!a) return ok(false);
  const s = event.subject;
  if (s.kind === 'checkout-session') {
    const session = s.session;
    const intent = session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {};
    const paid =
      (event.type === 'checkout.session.completed' && session.paymentStatus === 'paid') ||
      event.type === 'checkout.session.async_payment_succeeded';
    if (paid && session.paymentIntentId) {
      if (!MOVES_FROM.succeeded.includes(a.status)) return ok(false);
      const receipt = await recordPayment(ctx, orgId, a, session.paymentIntentId, session.amountCents, event);
      if (!receipt.ok) return receipt;
      return ok(await moveTo(ctx, orgId, a, 'succeeded', { ...intent, receiptId: receipt.value }));
    }
    if (event.type === 'checkout.session.completed') return ok(await moveTo(ctx, orgId, a, 'processing', intent));
    if (event.type === 'checkout.session.async_payment_failed') return ok(await moveTo(ctx, orgId, a, 'failed', intent));
    if (event.type === 'checkout.session.expired') return ok(await moveTo(ctx, orgId, a, 'expired'));
    return ok(false);
  }
  if (s.kind === 'payment-intent' && event.type === 'payment_intent.processing')
    return ok(await moveTo(ctx, orgId, a, 'processing', { paymentIntentId: s.intent.id }));
  if (s.kind === 'dispute' && event.type === 'charge.dispute.created' && a.receiptId && a.status === 'succeeded') {
    const day = await eventDay(ctx, orgId, event);
    if (!day.ok) return day;
    const reversed = await reverseReceivable(
      ctx,
      orgId,
      a.receiptId,
      {
        reason: `disputed in Stripe (${s.dispute.id})`,
        on: day.value,
      },
      'stripe-event',
    );
    // Reversed already (by the owner, or an earlier copy of this event): the dispute still stands.
    if (!reversed.ok && (reversed.error.details as { code?: string } | undefined)?.code !== 'already-reversed') return reversed;
    return ok(await moveTo(ctx, orgId, a, 'disputed'));
  }
  return ok(false);
}

/**
 * The PayoutGateway on Stripe Connect (v1 accounts with controller settings; see
 * docs/payouts.md for why not Accounts v2). Each org's key opens its own gateway.
 */
import Stripe from 'stripe';
import type {
  AccountState,
  CheckoutSession,
  EventSubject,
  EventVerifier,
  PayoutGateway,
  PayoutGatewayFactory,
  Transfer,
  TransferOutcome,
  TransferRefusal,
} from './gateway-port.ts';
import { stripeClient, webhookVerifier, type StripeEndpoint } from './stripe-client.ts';

function accountState(a: Stripe.Account): AccountState {
  return {
    accountId: a.id,
    transfersActive: a.capabilities?.transfers === 'active',
    payoutsEnabled: a.payouts_enabled === true,
    detailsSubmitted: a.details_submitted === true,
    requirementsDue: [...(a.requirements?.currently_due ?? []), ...(a.requirements?.past_due ?? [])].filter(
      (r, i, all) => all.indexOf(r) === i,
    ),
    disabledReason: a.requirements?.disabled_reason ?? null,
  };
}

const checkoutSessionOf = (s: Stripe.Checkout.Session): CheckoutSession => ({
  id: s.id,
  url: s.url,
  status: s.status === 'complete' ? 'complete' : s.status === 'expired' ? 'expired' : 'open',
  paymentStatus: s.payment_status === 'paid' ? 'paid' : s.payment_status === 'no_payment_required' ? 'no_payment_required' : 'unpaid',
  amountCents: s.amount_total ?? 0,
  paymentIntentId: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
  metadata: { ...(s.metadata ?? {}) },
});

const transferOf = (t: Stripe.Transfer): Transfer => ({
  id: t.id,
  amountCents: t.amount,
  amountReversedCents: t.amount_reversed,
  destination: typeof t.destination === 'string' ? t.destination : (t.destination?.id ?? ''),
  destinationPayment: typeof t.destination_payment === 'string' ? t.destination_payment : (t.destination_payment?.id ?? null),
  createdAt: new Date(t.created * 1000),
  metadata: { ...(t.metadata ?? {}) },
});

/** Stripe's refusals that the owner can act on; anything else (network, auth, 5xx) is thrown. */
function refusalOf(error: unknown): TransferRefusal | null {
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return { kind: 'idempotency-conflict', stripeCode: error.code ?? 'idempotency_error', message: error.message };
  }
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return null;
  const code = error.code ?? null;
  if (code === 'balance_insufficient') return { kind: 'balance-insufficient', stripeCode: code, message: error.message };
  if (code === 'insufficient_capabilities_for_transfer' || code === 'account_invalid' || error.param === 'destination') {
    return { kind: 'account-inactive', stripeCode: code, message: error.message };
  }
  return { kind: 'refused', stripeCode: code, message: error.message };
}

export function stripeGatewayFactory(endpoint: StripeEndpoint): PayoutGatewayFactory {
  return (secretKey) => {
    const stripe = stripeClient(secretKey, endpoint);
    const gateway: PayoutGateway = {
      async checkKey() {
        try {
          const balance = await stripe.balance.retrieve();
          return { ok: true, livemode: balance.livemode };
        } catch (error) {
          if (error instanceof Stripe.errors.StripeAuthenticationError) return { ok: false, message: 'Stripe does not accept this key' };
          if (error instanceof Stripe.errors.StripePermissionError)
            return {
              ok: false,
              message: 'this restricted key may not read the balance; give it Balance (read), Connect (write) and Transfers (write)',
            };
          throw error;
        }
      },
      async createAccount({ therapistId, idempotencyKey }) {
        const account = await stripe.accounts.create(
          {
            country: 'US',
            controller: {
              fees: { payer: 'application' },
              losses: { payments: 'application' },
              stripe_dashboard: { type: 'express' },
              requirement_collection: 'stripe',
            },
            capabilities: { transfers: { requested: true } },
            // No business type: some therapists are sole proprietors, some LLCs; onboarding asks.
            metadata: { therapist_id: therapistId },
          },
          { idempotencyKey },
        );
        return accountState(account);
      },
      async retrieveAccount(accountId) {
        return accountState(await stripe.accounts.retrieve(accountId));
      },
      async createAccountLink({ accountId, refreshUrl, returnUrl }) {
        const link = await stripe.accountLinks.create({
          account: accountId,
          type: 'account_onboarding',
          refresh_url: refreshUrl,
          return_url: returnUrl,
          collection_options: { fields: 'eventually_due' },
        });
        return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
      },
      async createTransfer(request): Promise<TransferOutcome> {
        try {
          const transfer = await stripe.transfers.create(
            {
              amount: request.amountCents,
              currency: 'usd',
              destination: request.destination,
              transfer_group: request.transferGroup,
              metadata: request.metadata,
            },
            { idempotencyKey: request.idempotencyKey },
          );
          return { ok: true, transfer: transferOf(transfer), replayed: transfer.lastResponse.headers['idempotent-replayed'] === 'true' };
        } catch (error) {
          const refusal = refusalOf(error);
          if (refusal) return { ok: false, refusal };
          throw error;
        }
      },
      async listTransfers(transferGroup) {
        const all = await stripe.transfers.list({ transfer_group: transferGroup, limit: 100 }).autoPagingToArray({ limit: 10_000 });
        return all.map(transferOf);
      },
      async payoutSources(accountId, payoutId) {
        const txns = await stripe.balanceTransactions
          .list({ payout: payoutId, limit: 100 }, { stripeAccount: accountId })
          .autoPagingToArray({ limit: 10_000 });
        return txns.flatMap((t) => (typeof t.source === 'string' ? [t.source] : t.source ? [t.source.id] : []));
      },
      async createCheckoutSession(request) {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            // A filter on what the account has turned on (this API version has no fixed list): ACH, and card if the org allows it.
            allowed_payment_method_types: [...request.paymentMethods],
            line_items: [
              { quantity: 1, price_data: { currency: 'usd', unit_amount: request.amountCents, product_data: { name: request.itemName } } },
            ],
            metadata: request.metadata,
            payment_intent_data: { metadata: request.metadata },
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return checkoutSessionOf(session);
      },
      async retrieveCheckoutSession(sessionId) {
        return checkoutSessionOf(await stripe.checkout.sessions.retrieve(sessionId));
      },
      async expireCheckoutSession(sessionId) {
        try {
          return checkoutSessionOf(await stripe.checkout.sessions.expire(sessionId));
        } catch (error) {
          // Stripe expires only open sessions: one already paid or expired is left as it is.
          if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) return null;
          throw error;
        }
      },
    };
    return gateway;
  };
}

function subjectOf(object: { object?: string }): EventSubject {
  if (object.object === 'account') return { kind: 'account', state: accountState(object as Stripe.Account) };
  if (object.object === 'capability') {
    const c = object as Stripe.Capability;
    return { kind: 'capability', accountId: typeof c.account === 'string' ? c.account : c.account.id };
  }
  if (object.object === 'payout') {
    const p = object as Stripe.Payout;
    return { kind: 'payout', payout: { id: p.id, status: p.status, failureCode: p.failure_code ?? null } };
  }
  if (object.object === 'transfer') {
    const t = object as Stripe.Transfer;
    return {
      kind: 'transfer',
      transfer: { id: t.id, amountCents: t.amount, amountReversedCents: t.amount_reversed, paymentId: t.metadata?.payment_id ?? null },
    };
  }
  if (object.object === 'checkout.session')
    return { kind: 'checkout-session', session: checkoutSessionOf(object as Stripe.Checkout.Session) };
  if (object.object === 'payment_intent') {
    const p = object as Stripe.PaymentIntent;
    return { kind: 'payment-intent', intent: { id: p.id, status: p.status, metadata: { ...(p.metadata ?? {}) } } };
  }
  if (object.object === 'dispute') {
    const d = object as Stripe.Dispute;
    const paymentIntentId = typeof d.payment_intent === 'string' ? d.payment_intent : (d.payment_intent?.id ?? null);
    return { kind: 'dispute', dispute: { id: d.id, paymentIntentId, amountCents: d.amount } };
  }
  return { kind: 'other' };
}

/** Stripe's own check (`constructEvent`): HMAC-SHA256 of `t.rawBody` with the secret, within 5 minutes. */
export const verifyStripeEvent: EventVerifier = (rawBody, signatureHeader, webhookSecret) => {
  try {
    const event = webhookVerifier.constructEvent(rawBody, signatureHeader, webhookSecret);
    const account = (event as { account?: string }).account ?? null;
    return {
      id: event.id,
      type: event.type,
      created: event.created,
      account,
      subject: subjectOf(event.data.object as unknown as { object?: string }),
    };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) return null;
    throw error;
  }
};

/**
 * The BillingGateway on the service operator's own Stripe account (its secret key and billing
 * webhook secret from the settings): prices by lookup key, customers, Checkout in subscription
 * mode, the customer portal, and billing events read into the port's shapes.
 */
import type Stripe from 'stripe';
import { PAID_PLANS, PLAN_PRICES, type PaidPlan, type SubscriptionStatus } from '../../../shared/plans.ts';
import type { BillingCheckout, BillingEvent, BillingGateway, BillingSubscription } from './billing-port.ts';
import { stripeClient, webhookVerifier, type StripeEndpoint } from './stripe-client.ts';

const planOf = (lookupKey: string | null | undefined): PaidPlan | null =>
  PAID_PLANS.find((plan) => PLAN_PRICES[plan].lookupKey === lookupKey) ?? null;

/** Stripe's eight statuses in the product's four: unpaid is still owed, paused and expired are over. */
function statusOf(status: Stripe.Subscription.Status): SubscriptionStatus | null {
  switch (status) {
    case 'trialing':
    case 'active':
    case 'past_due':
    case 'canceled':
      return status as SubscriptionStatus;
    case 'unpaid':
      return 'past_due';
    case 'paused':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return null;
  }
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? null));

function subscriptionOf(s: Stripe.Subscription): BillingSubscription {
  const item = s.items.data[0];
  return {
    id: s.id,
    customerId: idOf(s.customer) ?? '',
    orgId: s.metadata?.orgId ?? null,
    plan: planOf(item?.price.lookup_key),
    status: statusOf(s.status),
    currentPeriodStart: item?.current_period_start ?? s.start_date,
    currentPeriodEnd: item?.current_period_end ?? s.start_date,
  };
}

const CHECKOUT_STATUSES = ['open', 'complete', 'expired'] as const;

function checkoutOf(session: Stripe.Checkout.Session): BillingCheckout {
  const status = CHECKOUT_STATUSES.find((known) => known === session.status);
  if (!status) throw new Error(`Stripe answered Checkout Session ${session.id} with the status ${status}`);
  return { id: session.id, status, url: session.url, subscriptionId: idOf(session.subscription) };
}

function eventOf(event: Stripe.Event): BillingEvent {
  const base = { id: event.id, type: event.type, created: event.created };
  const object = event.data.object as { object?: string };
  if (object.object === 'subscription')
    return { ...base, subject: { kind: 'subscription', subscription: subscriptionOf(object as Stripe.Subscription) } };
  if (object.object === 'invoice') {
    const details = (object as Stripe.Invoice).parent?.subscription_details;
    return { ...base, subject: { kind: 'invoice', subscriptionId: idOf(details?.subscription), orgId: details?.metadata?.orgId ?? null } };
  }
  return { ...base, subject: { kind: 'other', orgId: (object as { metadata?: Record<string, string> }).metadata?.orgId ?? null } };
}

export function stripeBillingGateway(input: { secretKey: string; webhookSecret: string; endpoint: StripeEndpoint }): BillingGateway {
  const stripe = stripeClient(input.secretKey, input.endpoint);
  return {
    async priceIdOf(lookupKey) {
      const prices = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 });
      return prices.data[0]?.id ?? null;
    },
    async createCustomer({ orgId, idempotencyKey }) {
      return (await stripe.customers.create({ metadata: { orgId } }, { idempotencyKey })).id;
    },
    async createSubscriptionCheckout({ customerId, priceId, orgId, trialEnd, successUrl, cancelUrl, idempotencyKey }) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: customerId,
          client_reference_id: orgId,
          line_items: [{ price: priceId, quantity: 1 }],
          subscription_data: { metadata: { orgId }, ...(trialEnd !== null ? { trial_end: trialEnd } : {}) },
          metadata: { orgId },
          success_url: successUrl,
          cancel_url: cancelUrl,
        },
        { idempotencyKey },
      );
      return checkoutOf(session);
    },
    async retrieveCheckout(sessionId) {
      return checkoutOf(await stripe.checkout.sessions.retrieve(sessionId));
    },
    async expireCheckout(sessionId) {
      return checkoutOf(await stripe.checkout.sessions.expire(sessionId));
    },
    async createPortalSession({ customerId, returnUrl }) {
      const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return { url: session.url };
    },
    async retrieveSubscription(subscriptionId) {
      return subscriptionOf(await stripe.subscriptions.retrieve(subscriptionId));
    },
    async cancelSubscription(subscriptionId) {
      // Stripe refuses to cancel a canceled subscription: a webhook delivered again finds it done.
      const current = await stripe.subscriptions.retrieve(subscriptionId);
      if (current.status === 'canceled' || current.status === 'incomplete_expired') return;
      await stripe.subscriptions.cancel(subscriptionId, { prorate: true, invoice_now: true });
    },
    verifyEvent(rawBody, signatureHeader) {
      try {
        return eventOf(webhookVerifier.constructEvent(rawBody, signatureHeader, input.webhookSecret));
      } catch {
        return null;
      }
    },
  };
}

import type { RouteSpec } from '../route.ts';
import { orgPath, wired } from './common.schema.ts';
import { WEBHOOK_BODY_LIMIT_BYTES, webhookAnswer } from './stripe.schema.ts';

export const getSubscriptionSpec = {
  ...wired('getSubscription'),
  tag: 'subscription',
  access: 'member',
  summary:
    "The org's VisitLedger plan: { plan, status, trialEndsOn, currentPeriodEnd, activeTherapists, therapistLimit } (an active therapist has a visit dated in the current subscription period; the limit is null on the trial and Unlimited)",
  params: orgPath,
} satisfies RouteSpec;

export const startSubscriptionCheckoutSpec = {
  ...wired('startSubscriptionCheckout'),
  tag: 'subscription',
  access: 'owner',
  summary:
    'The Stripe Checkout URL that subscribes the org to a plan (starter or unlimited); during the free trial nothing is charged before it ends. An org already subscribed changes plan in the billing portal',
  params: orgPath,
} satisfies RouteSpec;

export const openBillingPortalSpec = {
  ...wired('openBillingPortal'),
  tag: 'subscription',
  access: 'owner',
  summary: "The Stripe customer portal's URL for the org: change the card, switch plans, cancel",
  params: orgPath,
} satisfies RouteSpec;

export const billingWebhookSpec = {
  id: 'billingWebhook',
  method: 'post',
  path: '/v1/stripe/billing-webhooks',
  tag: 'subscription',
  access: 'stripe-signature',
  summary:
    "The service operator's Stripe account's billing events (customer.subscription.created/updated/deleted/trial_will_end, invoice.paid, invoice.payment_failed), verified with the billing webhook secret; they move the org named in the subscription's metadata, and a replay changes nothing",
  rawBodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
  answer: webhookAnswer,
} satisfies RouteSpec;

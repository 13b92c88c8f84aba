/** The org's subscription to VisitLedger: the plan, Stripe's Checkout and customer portal, and the operator's billing webhook. */
import { getSubscription, openBillingPortal, receiveBillingEvent, startCheckout } from '../../usecases/subscription.ts';
import { route } from '../route.ts';
import { billingWebhookSpec, getSubscriptionSpec, openBillingPortalSpec, startSubscriptionCheckoutSpec } from './subscription.schema.ts';

export const subscriptionRoutes = [
  route(getSubscriptionSpec, ({ params, ctx }) => getSubscription(ctx, params.orgId)),
  route(startSubscriptionCheckoutSpec, ({ params, body, subscriptions }) => startCheckout(subscriptions, params.orgId, body.plan)),
  route(openBillingPortalSpec, ({ params, subscriptions }) => openBillingPortal(subscriptions, params.orgId)),
  route(billingWebhookSpec, ({ subscriptions, rawBody, header }) =>
    receiveBillingEvent(subscriptions, rawBody ?? Buffer.alloc(0), header('stripe-signature') ?? ''),
  ),
];

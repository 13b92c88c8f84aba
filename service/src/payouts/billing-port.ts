/**
 * The BillingGateway port: what the subscription use cases ask of the service operator's own
 * Stripe account (Stripe Billing), in the product's words. Never an org's key: that account
 * bills the orgs for VisitLedger itself. Ids only cross it (the org id as metadata).
 */
import type { PaidPlan, SubscriptionStatus } from '../../../shared/plans.ts';

/** A subscription as Stripe has it; times in Unix seconds. */
export type BillingSubscription = {
  id: string;
  customerId: string;
  /** From the subscription's metadata: null for one VisitLedger did not start. */
  orgId: string | null;
  /** From its price's lookup key: null for a price that is not one of the plans. */
  plan: PaidPlan | null;
  /** Stripe's status in the product's four; null while Stripe has not finished making it (`incomplete`). */
  status: SubscriptionStatus | null;
  currentPeriodStart: number;
  currentPeriodEnd: number;
};

/** A subscription Checkout Session: `open` can still be paid; `complete` made `subscriptionId`; `expired` never will. */
export type BillingCheckout = {
  id: string;
  status: 'open' | 'complete' | 'expired';
  /** Null once it is no longer open. */
  url: string | null;
  subscriptionId: string | null;
};

export type BillingEventSubject =
  | { kind: 'subscription'; subscription: BillingSubscription }
  | { kind: 'invoice'; subscriptionId: string | null; orgId: string | null }
  | { kind: 'other'; orgId: string | null };

/** A verified billing webhook event. */
export type BillingEvent = { id: string; type: string; created: number; subject: BillingEventSubject };

export interface BillingGateway {
  /** The active price with this lookup key, or null when the operator's account has none. */
  priceIdOf(lookupKey: string): Promise<string | null>;
  /** The org's customer (metadata: its id only), made once per idempotency key. */
  createCustomer(input: { orgId: string; idempotencyKey: string }): Promise<string>;
  /** A Checkout Session in subscription mode, made once per idempotency key; `trialEnd` (Unix seconds) carries the rest of the free trial over. */
  createSubscriptionCheckout(input: {
    customerId: string;
    priceId: string;
    orgId: string;
    trialEnd: number | null;
    successUrl: string;
    cancelUrl: string;
    idempotencyKey: string;
  }): Promise<BillingCheckout>;
  retrieveCheckout(sessionId: string): Promise<BillingCheckout>;
  /** Ends an open Checkout Session, so it can no longer be paid. */
  expireCheckout(sessionId: string): Promise<BillingCheckout>;
  /** A customer portal session (card changes, plan changes, cancelling). */
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  retrieveSubscription(subscriptionId: string): Promise<BillingSubscription>;
  /** Cancels at once (one already canceled is left as it is), crediting the unused time to the customer's balance. */
  cancelSubscription(subscriptionId: string): Promise<void>;
  /** Stripe's signature check with the operator's billing webhook secret; null when it does not verify. */
  verifyEvent(rawBody: Buffer, signatureHeader: string): BillingEvent | null;
}

/**
 * The org's subscription to VisitLedger itself (the service operator's Stripe account, never
 * the org's own): what Stripe's billing webhooks last said, and the first day the org was seen
 * over its plan's therapist limit. Two parts written apart, so a webhook and a request that
 * notes the limit never overwrite each other. Ids only: nothing here is PHI.
 */
import type { IsoDate } from '../../../shared/index.ts';
import type { PaidPlan, PaidSubscription } from '../../../shared/plans.ts';

/** The org's newest subscription Checkout Session, and how many the org has opened (the idempotency key's attempt). */
export type CheckoutRecord = { sessionId: string; plan: PaidPlan; attempt: number };

export type SubscriptionRecord = {
  /** The org's customer on the operator's Stripe account, made at its first checkout. */
  customerId: string | null;
  subscriptionId: string | null;
  /** Null until Stripe reports a subscription. */
  paid: PaidSubscription | null;
  /** The created time (Unix seconds) of the newest Stripe event applied: an older one arriving late is ignored. */
  eventCreated: number | null;
  /** Null before the first Checkout (and in records written before Checkouts were kept): one open at a time. */
  checkout: CheckoutRecord | null;
  updatedAt: string;
};

export type StoredSubscription = { record: SubscriptionRecord | null; overLimitSince: IsoDate | null };

export interface SubscriptionStore {
  /** Both parts; nulls for an org that never subscribed nor went over a limit. */
  getSubscription(orgId: string): Promise<StoredSubscription>;
  /** Replaces the Stripe part. */
  putSubscription(orgId: string, record: SubscriptionRecord): Promise<void>;
  /** Sets (or clears, with null) the day the org was first seen over its therapist limit. */
  setOverLimitSince(orgId: string, day: IsoDate | null): Promise<void>;
  /** Whether a billing webhook event was handled already (a replay). */
  billingEventProcessed(orgId: string, eventId: string): Promise<boolean>;
  /** Notes a billing event as handled, after its effects are written: 'seen' when it was already. */
  markBillingEventProcessed(orgId: string, eventId: string, at: string): Promise<'new' | 'seen'>;
}
